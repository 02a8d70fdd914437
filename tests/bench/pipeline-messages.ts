// The messages between the pipeline benchmark and its agent process (over the fork IPC channel), and the
// element snapshot both sides compare.
import type { PumpOutcome } from './agent-workload.js';

/** Element ID → revision, for nodes and edges: what "the same graph" is checked on. */
export interface Snapshot {
  nodes: [string, number][];
  edges: [string, number][];
}

/** The forwarder's counters at the end of a run. */
export interface ForwarderCounts {
  syncs: number;
  batches: number;
  bytes: number;
  forwarded: number;
  dropped: number;
}

/** Agent → benchmark. */
export type AgentReply =
  | { type: 'ready'; hostId: string; snapshot: Snapshot; baseline: PumpOutcome; changes: number; planMs: number }
  | { type: 'pumped'; outcome: PumpOutcome; forwarder: ForwarderCounts }
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'failed'; message: string };

/** Benchmark → agent. */
export type AgentCommand = { type: 'go' } | { type: 'snapshot' } | { type: 'stop' };
