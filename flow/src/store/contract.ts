// The flow history store: per flow its newest revision, one metric record per report and the raw packets,
// kept by the analyzer in the same store family as the graph history (SQLite file or PostgreSQL schema).
import type { Flow } from '../model/flow.js';
import type { FlowMetricRecord, FlowRawPacketRecord, FlowTimeRange } from '../query/contract.js';

/** Where a page of stored flows resumes: after the flow with this Last and UUID (the answer's order). */
export interface StoredFlowCursor {
  last: number;
  uuid: string;
}

/** A query of stored flows: those active in [from, to] (Start ≤ to and Last ≥ from), by Last then UUID. */
export interface StoredFlowQuery extends FlowTimeRange {
  /** Only flows captured on these nodes; undefined means every node, an empty list none. */
  nodeTIDs?: readonly string[];
  /** Resume after this flow (keyset paging). */
  after?: StoredFlowCursor;
  /** Largest number of flows returned. */
  limit: number;
}

/** Counts and size of a store. */
export interface FlowStoreStats {
  flows: number;
  metrics: number;
  packets: number;
  /** Bytes used on disk (SQLite: pages in use plus the WAL; PostgreSQL: tables and indexes). */
  bytes: number;
}

/** What one retention pass removed. */
export interface FlowPruneResult {
  flows: number;
  metrics: number;
  packets: number;
}

/** A flow history backend. Methods other than open() fail with FLOW_STORE_CLOSED while the store is not open. */
export interface FlowStore {
  /** 'sqlite' or 'postgres'. */
  readonly backend: string;
  /** Creates or checks the schema; FLOW_STORE_UNAVAILABLE or FLOW_STORE_SCHEMA_UNSUPPORTED when it cannot. */
  open(): Promise<void>;
  /** Releases files and connections; idempotent. */
  close(): Promise<void>;
  /**
   * Stores flow reports in one durable transaction: the newest revision of each flow (by Last; an older one is
   * ignored), one metric record per report carrying a LastUpdateMetric, and each report's LastRawPackets (kept
   * apart, never in the stored flow). Records already stored (same flow and window, same packet index) are
   * ignored, so a report sent twice is stored once.
   */
  append(flows: readonly Flow[]): Promise<void>;
  /** Newest stored revision of the flows the query selects, by Last ascending then UUID. */
  flows(query: StoredFlowQuery): Promise<Flow[]>;
  /** Metric records of the given flows whose [Start, Last] lies inside the range, by Last ascending. */
  metrics(uuids: readonly string[], range: FlowTimeRange): Promise<FlowMetricRecord[]>;
  /** Raw packets of the given flows, those with a Timestamp in the range when one is given, by Index ascending. */
  rawPackets(uuids: readonly string[], range?: FlowTimeRange): Promise<FlowRawPacketRecord[]>;
  /**
   * Removes every flow whose Last is before `before` with all its metric records and packets, and the metric
   * records (Last) and packets (Timestamp) before it of the flows that stay.
   */
  prune(before: number): Promise<FlowPruneResult>;
  stats(): Promise<FlowStoreStats>;
}
