// Benchmark (f): heap bytes per element of the synthetic topology in a MemoryGraph with the default indexes,
// measured between two forced garbage collections (the runner starts Node with --expose-gc).
import { MemoryGraph } from '@topoflow/graph';
import { forceGc, type BenchContext, type Benchmark } from './benchmark.js';
import { fmtBytes, type BenchReport } from './report.js';
import { buildSynthetic, describeSynthetic, syntheticSpec } from './synthetic.js';

const GOAL_BYTES = 2048;

async function run(ctx: BenchContext): Promise<BenchReport> {
  forceGc();
  const before = process.memoryUsage();
  const graph = new MemoryGraph();
  const started = performance.now();
  const summary = buildSynthetic(graph, syntheticSpec(ctx.size));
  const buildMs = performance.now() - started;
  summary.samples.length = 0;
  forceGc();
  const after = process.memoryUsage();
  // Read after the second measurement so the graph is still reachable during it.
  const elements = graph.nodeCount + graph.edgeCount;
  const perElement = (after.heapUsed - before.heapUsed) / elements;
  ctx.log(`topology: ${describeSynthetic(summary)}`);
  const report: BenchReport = {
    name: 'memory',
    title: '(f) heap bytes per element, default indexes',
    measurements: [
      { label: 'elements', value: `${graph.nodeCount} nodes + ${graph.edgeCount} edges = ${elements}` },
      { label: 'build time', value: `${(buildMs / 1000).toFixed(2)} s (${Math.round(elements / (buildMs / 1000)).toLocaleString('en-US')} elements/s)` },
      { label: 'heapUsed before / after', value: `${fmtBytes(before.heapUsed)} / ${fmtBytes(after.heapUsed)}` },
      { label: 'heap per element', value: fmtBytes(perElement) },
      { label: 'RSS before / after', value: `${fmtBytes(before.rss)} / ${fmtBytes(after.rss)}` },
      { label: 'RSS per element', value: fmtBytes((after.rss - before.rss) / elements) },
      { label: 'external + arrayBuffers after', value: fmtBytes(after.external + after.arrayBuffers) },
    ],
    goals: [{ goal: `heap ≤ ${fmtBytes(GOAL_BYTES)} per element`, measured: fmtBytes(perElement), met: perElement <= GOAL_BYTES }],
    notes: [],
  };
  return report;
}

/** The heap-per-element benchmark. */
export const memoryBenchmark: Benchmark = { name: 'memory', title: '(f) heap bytes per element', run };
