// Builds the synthetic topology, prints its counts, and times loading it into a MemoryGraph against the
// generator alone (the baseline), which isolates the graph's insertion cost.
import { MemoryGraph } from '@topoflow/graph';
import type { BenchContext, Benchmark } from './benchmark.js';
import { fmtRate, fmtRatio, type BenchReport } from './report.js';
import { buildSynthetic, describeSynthetic, syntheticSpec, type TopologySink } from './synthetic.js';

function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

async function run(ctx: BenchContext): Promise<BenchReport> {
  const spec = syntheticSpec(ctx.size);
  let sunk = 0;
  const counting: TopologySink = { addNode: () => sunk++, addEdge: () => sunk++ };
  const gen = timed(() => buildSynthetic(counting, spec));
  const graph = new MemoryGraph();
  const load = timed(() => buildSynthetic(graph, spec));
  const s = load.value;
  ctx.log(`topology: ${describeSynthetic(s)}`);
  const elements = s.nodes + s.edges;
  const same = gen.value.nodes === graph.nodeCount && gen.value.edges === graph.edgeCount && sunk === elements;
  const insertMs = Math.max(load.ms - gen.ms, 0);
  return {
    name: 'synthetic',
    title: 'synthetic data-center topology: counts and load time',
    measurements: [
      { label: 'spec', value: `${spec.hosts} hosts × ${spec.netnsPerHost} netns, ${spec.hostsPerRack} hosts per rack, ${spec.spines} spines, seed ${spec.seed}` },
      { label: 'nodes', value: `${graph.nodeCount} (${Object.entries(s.byType).map(([t, c]) => `${t} ${c}`).join(', ')})` },
      { label: 'edges', value: `${graph.edgeCount} (${Object.entries(s.byRelation).map(([t, c]) => `${t} ${c}`).join(', ')})` },
      { label: 'metadata keys per node', value: s.keysPerNode.toFixed(2) },
      { label: 'generator alone (baseline)', value: `${(gen.ms / 1000).toFixed(2)} s (${fmtRate(elements / (gen.ms / 1000), 'elements')})` },
      { label: 'generator + MemoryGraph load', value: `${(load.ms / 1000).toFixed(2)} s (${fmtRate(elements / (load.ms / 1000), 'elements')})` },
      { label: 'graph insertion alone (difference)', value: `${(insertMs / 1000).toFixed(2)} s (${fmtRate(elements / (insertMs / 1000), 'elements')})` },
      { label: 'load / generator time', value: fmtRatio(load.ms / gen.ms) },
    ],
    goals: [],
    notes: same ? [] : ['the two generator runs disagreed: the generator is not deterministic'],
  };
}

/** The topology benchmark: counts and load time of the synthetic data center. */
export const syntheticBenchmark: Benchmark = { name: 'synthetic', title: 'synthetic topology counts and load time', run };
