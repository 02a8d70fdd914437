// Where the flow Gremlin steps read flows from. The analyzer implements it over its live flows (sent by agents)
// and its flow history; the steps fold Has/Dedup/Sort/range into a FlowSearch where they can.
import type { Flow, FlowMetric, RawPacket } from '../model/flow.js';

/** What a search selects. `nodeTIDs` undefined means every capture node; an empty list means none. */
export interface FlowSearch {
  nodeTIDs?: readonly string[];
  /** A predicate over the flow, compiled from Has() steps. */
  filter?: (flow: Flow) => boolean;
  /** Stop after this many matching flows (a hint; sources may return more). */
  limit?: number;
}

/** A time range [from, to] in epoch ms. */
export interface FlowTimeRange {
  from: number;
  to: number;
}

/** One stored metric record of a flow: the LastUpdateMetric of one report. */
export interface FlowMetricRecord {
  UUID: string;
  Metric: FlowMetric;
}

/** One stored raw packet of a flow. */
export interface FlowRawPacketRecord {
  UUID: string;
  Packet: RawPacket;
}

/** The flows the Gremlin steps see. */
export interface FlowQuerySource {
  /** Live flows (no time context). */
  live(search: FlowSearch): Flow[] | Promise<Flow[]>;
  /** True when flow history is stored (time-context queries fail with a clear error otherwise). */
  readonly hasHistory: boolean;
  /** Newest stored revision of every flow active in the range (Start ≤ to and Last ≥ from). */
  history(search: FlowSearch, range: FlowTimeRange): Promise<Flow[]>;
  /** Stored metric records of the given flows whose [Start, Last] lies inside the range, by Last ascending. */
  metrics(uuids: readonly string[], range: FlowTimeRange): Promise<FlowMetricRecord[]>;
  /** Stored raw packets of the given flows in the range (all when no range), by Index ascending. */
  rawPackets(uuids: readonly string[], range: FlowTimeRange | undefined): Promise<FlowRawPacketRecord[]>;
  /**
   * Raw packets the live flows of the given UUIDs carry (their LastRawPackets), by Index ascending; optional:
   * without it a live RawPackets() is empty.
   */
  liveRawPackets?(uuids: readonly string[]): FlowRawPacketRecord[] | Promise<FlowRawPacketRecord[]>;
}
