// The report of a history benchmark: ingest rates against JSON.stringify of the same revisions, At() timings
// against the live graph's Count, disk bytes per revision against its JSON size, and the goals.
import type { StoreStats } from '@topoflow/graph/history';
import { appendRate, stringifyRate, type IngestTotals } from './history-ingest.js';
import { WINDOW_SEC, type ReadTiming } from './history-reads.js';
import type { HistorySpec, Timeline } from './history-workload.js';
import { fmtBytes, fmtRate, fmtRatio, fmtTime, type BenchReport, type GoalCheck, type Measurement } from './report.js';

const GOAL_INGEST = 100_000;
const GOAL_POINT_MS = 200;
const GOAL_WINDOW_MS = 500;
const GOAL_DISK_SHARE = 0.3;

/** Everything one run of a backend measured. */
export interface HistoryMeasured {
  backend: string;
  spec: HistorySpec;
  timeline: Timeline;
  batchSize: number;
  smallBatch: number;
  /** One revision per append (diagnostic), the small batch and the store's build at `batchSize`. */
  single: IngestTotals;
  small: IngestTotals;
  build: IngestTotals;
  /** The build's totals once it had as many revisions as `small`. */
  buildFirstPart: IngestTotals;
  buildWallMs: number;
  stats: StoreStats;
  /** Bytes of the backend's files after close, when it has files. */
  filesBytes: number | undefined;
  reads: ReadTiming[];
  live: { median: number; count: number };
}

const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

function ingestMeasurements(m: HistoryMeasured): Measurement[] {
  const base = stringifyRate(m.build);
  const rate = (t: IngestTotals): string => `${fmtRate(appendRate(t), 'revisions')} (${fmtRatio(appendRate(t) / base)} the baseline)`;
  return [
    { label: 'JSON.stringify of each revision, whole element (baseline)', value: `${fmtRate(base, 'revisions')}, ${fmtBytes(m.build.jsonBytes / m.build.revisions)} per revision on average` },
    { label: `ingest, ${n(m.batchSize)} per append: the whole store (${n(m.build.revisions)} revisions)`, value: rate(m.build) },
    { label: `ingest, ${n(m.batchSize)} per append: its first ${n(m.buildFirstPart.revisions)} revisions`, value: rate(m.buildFirstPart) },
    { label: `ingest, ${n(m.smallBatch)} per append: first ${n(m.small.revisions)} revisions, fresh store`, value: rate(m.small) },
    { label: `ingest, 1 per append (diagnostic: one commit and sync each)`, value: `${fmtRate(appendRate(m.single), 'revisions')} (${n(m.single.revisions)} appends)` },
    { label: `calling thread busy during appends of ${n(m.batchSize)}, per revision`, value: `${fmtTime(m.build.callerBusyMs / m.build.revisions)} of ${fmtTime(m.build.appendMs / m.build.revisions)}` },
    { label: `slowest append of ${n(m.batchSize)} / of ${n(m.smallBatch)}`, value: `${fmtTime(m.build.slowestAppendMs)} / ${fmtTime(m.small.slowestAppendMs)}` },
    { label: 'building the store, workload generation included', value: fmtTime(m.buildWallMs) },
  ];
}

function readMeasurements(m: HistoryMeasured): Measurement[] {
  const out: Measurement[] = [];
  for (const r of m.reads) {
    out.push({
      label: `${r.c.label}: ${r.c.query}`,
      value: `median ${fmtTime(r.query.median)} (first ${fmtTime(r.firstMs)}, max ${fmtTime(r.query.max)}, ${r.query.n} runs); Count ${n(r.count)}; ${fmtRatio(r.query.median / m.live.median)} the baseline`,
    });
    out.push({ label: `${r.c.label}: store.read alone`, value: `median ${fmtTime(r.read.median)} for ${n(r.rows)} revisions (nodes and edges)` });
  }
  out.push({ label: 'G.V().Count() on the live MemoryGraph, final state (baseline)', value: `median ${fmtTime(m.live.median)}; Count ${n(m.live.count)}` });
  return out;
}

/** Bytes judged for disk use: the files after close when the backend has files, else stats().bytes. */
function diskBytes(m: HistoryMeasured): number {
  return m.filesBytes ?? m.stats.bytes;
}

function diskMeasurements(m: HistoryMeasured): Measurement[] {
  const revisions = m.stats.nodeRevisions + m.stats.edgeRevisions;
  const perRevision = diskBytes(m) / revisions;
  const json = m.build.jsonBytes / m.build.revisions;
  const out: Measurement[] = [
    { label: 'revisions stored (nodes + edges), elements', value: `${n(m.stats.nodeRevisions)} + ${n(m.stats.edgeRevisions)}, ${n(m.stats.elements)}` },
    { label: 'stats().bytes after the build', value: fmtBytes(m.stats.bytes) },
  ];
  if (m.filesBytes !== undefined) out.push({ label: 'files after close (checkpointed)', value: fmtBytes(m.filesBytes) });
  out.push(
    { label: 'disk bytes per revision', value: `${n(perRevision)} B` },
    { label: 'JSON.stringify(element) per revision: all / node updates only', value: `${n(json)} B / ${n(m.build.updateJsonBytes / m.build.updates)} B` },
    { label: 'disk per revision / JSON per revision', value: pct(perRevision / json) },
  );
  return out;
}

function goals(m: HistoryMeasured): GoalCheck[] {
  const points = m.reads.filter((r) => !r.c.window);
  const windows = m.reads.filter((r) => r.c.window);
  const worst = (rs: ReadTiming[]) => Math.max(...rs.map((r) => r.query.median));
  const list = (rs: ReadTiming[]) => rs.map((r) => `${r.c.label} ${fmtTime(r.query.median)}`).join(', ');
  const share = diskBytes(m) / (m.stats.nodeRevisions + m.stats.edgeRevisions) / (m.build.jsonBytes / m.build.revisions);
  return [
    { goal: `durable ingest ≥ ${fmtRate(GOAL_INGEST, 'revisions')}, ${n(m.batchSize)} per append`, measured: fmtRate(appendRate(m.build), 'revisions'), met: appendRate(m.build) >= GOAL_INGEST },
    { goal: `durable ingest ≥ ${fmtRate(GOAL_INGEST, 'revisions')}, ${n(m.smallBatch)} per append`, measured: fmtRate(appendRate(m.small), 'revisions'), met: appendRate(m.small) >= GOAL_INGEST },
    { goal: `G.At(t).V().Count() ≤ ${GOAL_POINT_MS} ms on ${n(m.build.revisions)} revisions (median)`, measured: list(points), met: worst(points) <= GOAL_POINT_MS },
    { goal: `G.At(t, ${WINDOW_SEC}).V().Count() ≤ ${GOAL_WINDOW_MS} ms (median)`, measured: list(windows), met: worst(windows) <= GOAL_WINDOW_MS },
    { goal: `disk per revision ≤ ${pct(GOAL_DISK_SHARE)} of its JSON`, measured: pct(share), met: share <= GOAL_DISK_SHARE },
  ];
}

/** The benchmark report of one backend's run. */
export function historyReport(m: HistoryMeasured): BenchReport {
  const { spec, timeline: tl } = m;
  const hours = (tl.end - tl.start) / 3_600_000;
  return {
    name: `history-${m.backend}`,
    title: `(i) ${m.backend} history store: durable ingest, At() on ${n(tl.nodeRevisions + tl.edgeRevisions)} revisions, disk per revision`,
    measurements: [
      { label: 'workload', value: `${n(spec.nodes)} interfaces (${spec.perHost} per host: 2 uplinks, veth pairs) × ${spec.revisionsPerNode} revisions + ${n(tl.edgeRevisions)} layer2 edges` },
      { label: 'timeline', value: `${hours.toFixed(2)} h: everything added at ${new Date(tl.start).toISOString()}, then a metrics tick every ${spec.tickMs / 1000} s (${tl.ticks} ticks) updating ${n(tl.updatesPerTick)} interfaces each` },
      ...ingestMeasurements(m),
      ...readMeasurements(m),
      ...diskMeasurements(m),
    ],
    goals: goals(m),
    notes: [
      `an update sets Metric and LastUpdateMetric (10 counters, Start, Last; counters only grow), ${pct(spec.stateShare)} of them also State and ${pct(spec.mtuShare)} MTU; a tick updates ${pct(1 / spec.ticksPerUpdate)} of the interfaces (those whose counters moved), drawn by a traffic weight in [${1 - spec.weightSpread}, ${1 + spec.weightSpread}] per interface, so interfaces have about ${Math.round(1 + (spec.revisionsPerNode - 1) * (1 - spec.weightSpread))} to ${Math.round(1 + (spec.revisionsPerNode - 1) * (1 + spec.weightSpread))} revisions (${spec.revisionsPerNode} on average) and renew their keyframes at different times; a ${WINDOW_SEC / 60}-minute window holds ${n((WINDOW_SEC * 1000 / spec.tickMs) * tl.updatesPerTick)} updates plus the state at its start`,
      'ingest: only append() is timed, each until it resolves (committed and synced); the workload makes events through a MemoryGraph between appends, outside the clock',
      'baseline of the ingest rates: JSON.stringify of each revision\'s whole element, timed on the same revisions — the CPU a store writing one JSON document per revision would spend before any I/O; it scales with the CPU as batched appends do, while 1 per append measures the disk\'s sync latency',
      'reads: through createEngine({ history: { view } }) with the analyzer\'s provider (store.read, then SnapshotView), after one first query per instant; store.read alone includes SQL and decoding',
    ],
  };
}
