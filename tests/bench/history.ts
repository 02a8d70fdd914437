// Benchmark (i) per history backend: durable ingest of interface revisions, time-travel Count at an instant and over
// a 5-minute window on a store of a million revisions, and disk use per revision; stores are removed at the end.
import type { BenchContext, Benchmark } from './benchmark.js';
import { analyzerHistoryDefaults, HISTORY_BACKENDS, type HistoryBackendEntry, type StoreUnderTest } from './history-backends.js';
import { appendRate, ingest, type IngestTotals } from './history-ingest.js';
import { liveCountMs, measureReads, readCases } from './history-reads.js';
import { historyReport, type HistoryMeasured } from './history-report.js';
import { HistoryWorkload, historySpec } from './history-workload.js';
import type { BenchReport } from './report.js';

/** Batch sizes of the ingest runs: the analyzer's recorder batch (10,000) builds the store. */
const SMALL_BATCH = 1_000;
/** Revisions of the like-for-like ingest runs at 1,000 and 10,000 per batch (small size: a quarter). */
const PARTIAL = { full: 200_000, small: 50_000 };
/** Append time spent on the one-revision-per-append diagnostic. */
const SINGLE_MS = 3_000;
const PROGRESS_EVERY = 100_000;

/** Runs `fn` on a fresh store of `entry`, removing the store afterwards whatever happens. */
async function withStore<T>(entry: HistoryBackendEntry, fn: (s: StoreUnderTest) => Promise<T>): Promise<T> {
  const s = await entry.create();
  try {
    return await fn(s);
  } finally {
    await s.cleanup();
  }
}

/** Ingest into a fresh store at a batch size, for `limit` revisions or `maxMs` of append time. */
async function ingestRun(ctx: BenchContext, entry: HistoryBackendEntry, batch: number, limit: number, maxMs?: number): Promise<IngestTotals> {
  const w = new HistoryWorkload(historySpec(ctx.size));
  const t = await withStore(entry, (s) => ingest(s.store, w.batches(batch), { limit, maxAppendMs: maxMs, stringify: batch > 1 }));
  ctx.log(`ingest, ${batch} per append: ${t.revisions.toLocaleString('en-US')} revisions in ${t.appends} appends, ${Math.round(appendRate(t)).toLocaleString('en-US')} revisions/s`);
  return t;
}

async function run(entry: HistoryBackendEntry, ctx: BenchContext): Promise<BenchReport> {
  const spec = historySpec(ctx.size);
  const defaults = analyzerHistoryDefaults();
  const partial = PARTIAL[ctx.size];
  const single = await ingestRun(ctx, entry, 1, Number.POSITIVE_INFINITY, SINGLE_MS);
  const small = await ingestRun(ctx, entry, SMALL_BATCH, partial);

  const w = new HistoryWorkload(spec);
  const tl = w.timeline;
  const total = tl.nodeRevisions + tl.edgeRevisions;
  ctx.log(`building the store: ${spec.nodes} interfaces × ${spec.revisionsPerNode} revisions + ${tl.edgeRevisions} edges = ${total.toLocaleString('en-US')} revisions, ${defaults.batchSize} per append`);
  return withStore(entry, async (s) => {
    const started = performance.now();
    let nextLog = PROGRESS_EVERY;
    let firstPart: IngestTotals | undefined;
    const build = await ingest(s.store, w.batches(defaults.batchSize), {
      onBatch: (t) => {
        if (firstPart === undefined && t.revisions >= partial) firstPart = { ...t };
        if (t.revisions < nextLog) return;
        nextLog += PROGRESS_EVERY;
        ctx.log(`build: ${t.revisions.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} revisions after ${((performance.now() - started) / 1000).toFixed(0)} s; appends ${Math.round(appendRate(t)).toLocaleString('en-US')} revisions/s so far`);
      },
    });
    const buildWallMs = performance.now() - started;
    if (build.revisions !== total) throw new Error(`the workload made ${build.revisions} revisions, expected ${total}`);
    const stats = await s.store.stats();
    const cases = readCases(tl, spec.tickMs);
    const reads = await measureReads(s.store, w.graph, cases, ctx.size === 'full' ? 5 : 10, defaults.maxRevisions, ctx.log);
    const live = await liveCountMs(w.graph, 200);
    await s.store.close();
    const filesBytes = s.filesBytes?.();
    const measured: HistoryMeasured = {
      backend: entry.name, spec, timeline: tl, batchSize: defaults.batchSize, smallBatch: SMALL_BATCH,
      single, small, build, buildFirstPart: firstPart ?? build, buildWallMs,
      stats, filesBytes, reads, live,
    };
    return historyReport(measured);
  });
}

/** One benchmark per backend of the table: `history-sqlite`, … */
export const historyBenchmarks: readonly Benchmark[] = HISTORY_BACKENDS.map((entry) => ({
  name: `history-${entry.name}`,
  title: `(i) ${entry.name} history store: durable ingest, At() reads on 1M revisions, disk per revision`,
  run: async (ctx: BenchContext) => {
    // On a signal, `finally` does not run; exiting runs the backends' last-resort cleanup ('exit' handlers).
    const onSignal = (): void => process.exit(130);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      return await run(entry, ctx);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
}));
