// Appends a workload's batches to a history store, timing each durable append and, as the baseline, the
// JSON.stringify of the same revisions (whole elements, as a store of one JSON document per revision would write).
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { GraphEvent } from '@topoflow/graph';
import type { HistoryStore } from '@topoflow/graph/history';

/** What an ingest did and how long its parts took. */
export interface IngestTotals {
  /** Revisions appended (one per event). */
  revisions: number;
  appends: number;
  /** Sum of the append() durations, each until it resolved (committed and synced). */
  appendMs: number;
  /** Of appendMs, the time the calling thread's event loop was busy (the rest it waited for another thread). */
  callerBusyMs: number;
  slowestAppendMs: number;
  /** Sum of JSON.stringify of each revision's whole element (0 when not measured). */
  stringifyMs: number;
  /** Total and count of JSON.stringify(element).length, for every revision and for node updates alone. */
  jsonBytes: number;
  updateJsonBytes: number;
  updates: number;
}

/** Bounds and hooks of one ingest. */
export interface IngestOptions {
  /** Stop after the batch that reaches this many revisions. */
  limit?: number;
  /** Stop after the batch that reaches this much append time. */
  maxAppendMs?: number;
  /** Time JSON.stringify of every revision too (default true). */
  stringify?: boolean;
  /** Called after every append with the running totals. */
  onBatch?(totals: Readonly<IngestTotals>): void;
}

/** Appends `batches` in order until they end or a bound is reached; only the appends are in `appendMs`. */
export async function ingest(store: HistoryStore, batches: Iterable<GraphEvent[]>, options: IngestOptions = {}): Promise<IngestTotals> {
  const t: IngestTotals = { revisions: 0, appends: 0, appendMs: 0, callerBusyMs: 0, slowestAppendMs: 0, stringifyMs: 0, jsonBytes: 0, updateJsonBytes: 0, updates: 0 };
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const maxMs = options.maxAppendMs ?? Number.POSITIVE_INFINITY;
  for (const batch of batches) {
    if (options.stringify !== false) measureJson(batch, t);
    const elu0 = performance.eventLoopUtilization();
    const a0 = performance.now();
    await store.append(batch);
    const ms = performance.now() - a0;
    t.callerBusyMs += performance.eventLoopUtilization(performance.eventLoopUtilization(), elu0).active;
    t.appendMs += ms;
    t.slowestAppendMs = Math.max(t.slowestAppendMs, ms);
    t.appends++;
    t.revisions += batch.length;
    options.onBatch?.(t);
    if (t.revisions >= limit || t.appendMs >= maxMs) break;
    // Appends resolve in microtasks: without a turn of the event loop, a signal would wait for the whole ingest.
    await yieldToLoop();
  }
  return t;
}

function measureJson(batch: readonly GraphEvent[], t: IngestTotals): void {
  let bytes = 0;
  let updateBytes = 0;
  let updates = 0;
  const s0 = performance.now();
  for (const ev of batch) {
    const n = JSON.stringify('node' in ev ? ev.node : ev.edge).length;
    bytes += n;
    if (ev.type === 'nodeUpdated') {
      updateBytes += n;
      updates++;
    }
  }
  t.stringifyMs += performance.now() - s0;
  t.jsonBytes += bytes;
  t.updateJsonBytes += updateBytes;
  t.updates += updates;
}

/** Revisions per second of the appends. */
export function appendRate(t: IngestTotals): number {
  return t.revisions / (t.appendMs / 1000);
}

/** Revisions per second of JSON.stringify alone. */
export function stringifyRate(t: IngestTotals): number {
  return t.revisions / (t.stringifyMs / 1000);
}
