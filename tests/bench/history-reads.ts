// Time-travel reads on a built history store: G.At(t).V().Count() and a 5-minute window through the Gremlin engine
// with the analyzer's provider (store.read then SnapshotView), store.read alone, and the live graph's Count.
import type { MemoryGraph } from '@topoflow/graph';
import { SnapshotView, type HistoryStore, type TimeSlice } from '@topoflow/graph/history';
import { createEngine, defaultGremlinConfig, type QueryEngine } from '@topoflow/gremlin';
import { latencySummary } from './analyzer-poll.js';
import { forceGc } from './benchmark.js';
import type { Timeline } from './history-workload.js';
import { atCount } from './query-text.js';

/** The window of the `At(t, 300)` reads, in seconds. */
export const WINDOW_SEC = 300;

/** One read: a query and the slice it resolves to. */
export interface ReadCase {
  readonly label: string;
  readonly query: string;
  readonly slice: TimeSlice;
  /** Instant reads are judged on the point goal, windows on the window goal. */
  readonly window: boolean;
}

/** What one case measured, in ms. */
export interface ReadTiming {
  readonly c: ReadCase;
  /** The Count the query returned, and the revisions store.read returned (nodes + edges). */
  readonly count: number;
  readonly rows: number;
  /** The first query at this instant (parsed keyframes of other instants may be cached). */
  readonly firstMs: number;
  readonly query: { median: number; max: number; n: number };
  readonly read: { median: number; max: number; n: number };
}

/** Before the first metrics tick, halfway, and after the last update; the windows end at the last two. */
export function readCases(tl: Timeline, tickMs: number): ReadCase[] {
  const early = tl.start + Math.floor(tickMs / 3);
  const middle = tl.start + Math.floor((tl.end - tl.start) / 2);
  const point = (label: string, t: number): ReadCase => ({ label, query: atCount(t), slice: { start: t, end: t, point: true }, window: false });
  const range = (label: string, t: number): ReadCase => ({
    label, query: atCount(t, WINDOW_SEC), slice: { start: t - WINDOW_SEC * 1000, end: t, point: false }, window: true,
  });
  return [
    point('At(start)', early), point('At(middle)', middle), point('At(end)', tl.end),
    range(`At(middle, ${WINDOW_SEC})`, middle), range(`At(end, ${WINDOW_SEC})`, tl.end),
  ];
}

/** The engine as the analyzer wires it: At() served by store.read and a SnapshotView over its result. */
export function historyEngine(store: HistoryStore, maxRevisions: number): QueryEngine {
  return createEngine(defaultGremlinConfig(), {
    history: { view: async (slice) => new SnapshotView(await store.read(slice, { maxRevisions })) },
  });
}

async function countOf(engine: QueryEngine, query: string, graph: MemoryGraph): Promise<number> {
  const json = (await engine.execute(query, graph)).toJSON();
  const n = Array.isArray(json) ? json[0] : json;
  if (typeof n !== 'number') throw new Error(`${query} returned ${JSON.stringify(json)}, not a count`);
  return n;
}

/** Times every case `samples` times through the engine and through store.read alone, after one first query. */
export async function measureReads(store: HistoryStore, live: MemoryGraph, cases: readonly ReadCase[], samples: number,
  maxRevisions: number, log: (line: string) => void): Promise<ReadTiming[]> {
  const engine = historyEngine(store, maxRevisions);
  const out: ReadTiming[] = [];
  for (const c of cases) {
    forceGc();
    const f0 = performance.now();
    const count = await countOf(engine, c.query, live);
    const firstMs = performance.now() - f0;
    const queryMs: number[] = [];
    const readMs: number[] = [];
    let rows = 0;
    for (let i = 0; i < samples; i++) {
      const q0 = performance.now();
      await countOf(engine, c.query, live);
      queryMs.push(performance.now() - q0);
      const r0 = performance.now();
      const snap = await store.read(c.slice, { maxRevisions });
      readMs.push(performance.now() - r0);
      rows = snap.nodes.length + snap.edges.length;
    }
    const t: ReadTiming = { c, count, rows, firstMs, query: latencySummary(queryMs), read: latencySummary(readMs) };
    log(`${c.label}: Count ${count}, ${rows} revisions read; query first ${firstMs.toFixed(1)} ms, median ${t.query.median.toFixed(1)} ms; store.read median ${t.read.median.toFixed(1)} ms`);
    out.push(t);
  }
  return out;
}

/** Median ms of G.V().Count() on the live graph (the baseline), over many runs. */
export async function liveCountMs(live: MemoryGraph, runs: number): Promise<{ median: number; count: number }> {
  const engine = createEngine(defaultGremlinConfig());
  const query = 'G.V().Count()';
  const count = await countOf(engine, query, live);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await countOf(engine, query, live);
    ms.push(performance.now() - t0);
  }
  return { median: latencySummary(ms).median, count };
}
