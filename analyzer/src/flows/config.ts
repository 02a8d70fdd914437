// Settings of the analyzer's flow server: limits of the agent flow link, how long live flows are kept, and where
// flow history goes (the graph history's backend: a flows.sqlite file beside it, or the same PostgreSQL schema).
import { dirname, join } from 'node:path';
import type { ConfigChecks } from '../config-checks.js';
import type { ResolvedHistoryConfig } from '../history/config.js';

/** The flow section of the analyzer configuration (`analyzer.flow`). */
export interface AnalyzerFlowConfig {
  /** Flows waiting to be written to the flow store; above, new flows are not stored (counted as dropped). */
  maxBufferSize: number;
  /** Flows one message may carry; a larger message is refused. */
  maxBatchFlows: number;
  /** Largest accepted flow message; a larger one is refused without being parsed. */
  maxMessageSize: string;
  /** A finished flow (FinishType set) stays live this long after its last report. */
  holdTimeout: string;
  /** A live flow without a report for this long is removed (default: twice the agents' flow expiry). */
  liveTTL: string;
  /** Live flows kept at most; beyond, the least recently reported flow is evicted (counted). */
  maxLiveFlows: number;
  /** Flow history older than this is removed; '0s' keeps it forever. */
  retention: string;
  /** Largest pcap or pcapng body POST /api/pcap accepts (read as a stream, never held whole). */
  pcapBodyLimit: string;
  /** POST /api/pcap uploads read at the same time; one more is refused (429). */
  pcapMaxUploads: number;
}

/** Defaults of the flow section. */
export function defaultAnalyzerFlowConfig(): AnalyzerFlowConfig {
  return {
    maxBufferSize: 100_000, maxBatchFlows: 10_000, maxMessageSize: '16MiB', holdTimeout: '15s', liveTTL: '20m',
    maxLiveFlows: 1_000_000, retention: '7d', pcapBodyLimit: '1GiB', pcapMaxUploads: 2,
  };
}

/** Where flow history is kept: nowhere (graph history off), an SQLite file or a PostgreSQL schema. */
export type FlowStoreConfig =
  | { backend: 'none' }
  | { backend: 'sqlite'; path: string; cacheKiB: number }
  | { backend: 'postgres'; url: string; schema: string; poolSize: number };

/** Flow settings with durations and sizes as numbers. */
export interface FlowServerConfig {
  maxBufferSize: number;
  maxBatchFlows: number;
  maxMessageSize: number;
  holdTimeoutMs: number;
  liveTTLMs: number;
  maxLiveFlows: number;
  /** Period of the live-flow expiry pass. */
  sweepIntervalMs: number;
  /** Messages read but not yet handled per connection before reading pauses. */
  maxPending: number;
  /** Minimum delay between two logs of refused messages. */
  errorLogIntervalMs: number;
  store: FlowStoreConfig;
  /** Flows written in one store transaction at most. */
  storeBatchSize: number;
  /** First delay before retrying a failed open or write of the store; doubles up to 30 s. */
  retryMs: number;
  retentionMs: number;
  /** Period of the retention pass. */
  pruneIntervalMs: number;
  /** Largest pcap upload (bytes). */
  pcapBodyLimit: number;
  /** Pcap uploads read at the same time at most. */
  pcapMaxUploads: number;
}

/** File name of the SQLite flow store, beside the graph history file. */
export const FLOW_STORE_FILE = 'flows.sqlite';

const SWEEP_INTERVAL_MS = 1000;
const STORE_BATCH_SIZE = 2000;

/** Resolves the flow section against the resolved graph history settings. */
export function resolveFlowConfig(f: AnalyzerFlowConfig, history: ResolvedHistoryConfig, ws: { maxPending: number; errorLogIntervalMs: number },
  check: ConfigChecks): FlowServerConfig {
  const h = history;
  const store: FlowStoreConfig = h.backend === 'sqlite'
    ? { backend: 'sqlite', path: join(dirname(h.sqlite.path), FLOW_STORE_FILE), cacheKiB: h.sqlite.cacheKiB }
    : h.backend === 'postgres' ? { backend: 'postgres', ...h.postgres } : { backend: 'none' };
  return {
    maxBufferSize: check.count('flow.maxBufferSize', f.maxBufferSize),
    maxBatchFlows: check.count('flow.maxBatchFlows', f.maxBatchFlows),
    maxMessageSize: check.size('flow.maxMessageSize', f.maxMessageSize),
    holdTimeoutMs: check.duration('flow.holdTimeout', f.holdTimeout, 0),
    liveTTLMs: check.duration('flow.liveTTL', f.liveTTL, 1000),
    maxLiveFlows: check.count('flow.maxLiveFlows', f.maxLiveFlows),
    sweepIntervalMs: SWEEP_INTERVAL_MS,
    maxPending: ws.maxPending,
    errorLogIntervalMs: ws.errorLogIntervalMs,
    store,
    storeBatchSize: STORE_BATCH_SIZE,
    retryMs: h.retryMs,
    retentionMs: check.duration('flow.retention', f.retention, 0),
    pruneIntervalMs: h.retention.intervalMs,
    pcapBodyLimit: check.size('flow.pcapBodyLimit', f.pcapBodyLimit),
    pcapMaxUploads: check.count('flow.pcapMaxUploads', f.pcapMaxUploads),
  };
}
