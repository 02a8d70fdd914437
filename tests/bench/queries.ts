// Benchmarks (a)–(d) in process: an indexed Has('Name') lookup, the same lookup on a non-indexed key (full-scan
// baseline), a 3-hop traversal and ShortestPathTo, all through QueryEngine.execute on the synthetic MemoryGraph.
import { MemoryGraph } from '@topoflow/graph';
import { createEngine, defaultGremlinConfig, QUERY_CACHE_SIZE, type ParsedQuery, type QueryEngine } from '@topoflow/gremlin';
import { Bench } from 'tinybench';
import type { BenchContext, Benchmark } from './benchmark.js';
import { hasAlias, hasName, shortestPath, threeHops } from './query-text.js';
import { fmtRatio, fmtTime, latencyMeasurements, statsOf, type BenchReport } from './report.js';
import { buildSynthetic, describeSynthetic, syntheticSpec, type SyntheticSummary } from './synthetic.js';

const GOAL_INDEXED_MS = 0.02;
const GOAL_SCAN_RATIO = 1000;

/** Number of items in a result's JSON (a list), or of nodes in a graph-shaped result. */
function sizeOf(json: unknown): number {
  if (Array.isArray(json)) return json.length;
  const nodes = (json as { Nodes?: unknown[] } | null)?.Nodes;
  return Array.isArray(nodes) ? nodes.length : 1;
}

async function check(engine: QueryEngine, graph: MemoryGraph, text: string, want?: number): Promise<number> {
  const n = sizeOf((await engine.execute(text, graph)).toJSON());
  if (want !== undefined && n !== want) throw new Error(`${text} returned ${n} items, expected ${want}`);
  return n;
}

/** The first host and a host at the largest hop distance from it (edges followed both ways). */
function farthestHosts(graph: MemoryGraph, s: SyntheticSummary): [string, string] {
  const from = s.hostNames[0] as string;
  const start = graph.lookupNodes('Name', from)?.[0];
  if (start === undefined) throw new Error(`host ${from} not found`);
  const dist = new Map<string, number>([[start.ID, 0]]);
  let frontier = [start.ID];
  let far = from;
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const e of [...graph.outEdges(id), ...graph.inEdges(id)]) {
        const other = e.Parent === id ? e.Child : e.Parent;
        if (dist.has(other)) continue;
        dist.set(other, (dist.get(id) as number) + 1);
        next.push(other);
        const n = graph.getNode(other);
        if (n?.Metadata['Type'] === 'host') far = n.Metadata['Name'] as string;
      }
    }
    frontier = next;
  }
  return [from, far];
}

/** Runs the four query tasks and returns tinybench's tasks by name. */
async function measure(engine: QueryEngine, graph: MemoryGraph, s: SyntheticSummary, [a, b]: [string, string]): Promise<Bench> {
  const names = s.samples.map((x) => hasName(x.name));
  const aliases = s.samples.map((x) => hasAlias(x.alias));
  const parsed: ParsedQuery[] = names.map((q) => engine.parse(q));
  const hops = s.hostNames.map(threeHops);
  const path = shortestPath(a, b);
  let i = 0;
  let j = 0;
  let k = 0;
  let h = 0;
  const bench = new Bench({ time: 2000, iterations: 20, warmupTime: 250, warmupIterations: 5 });
  bench
    .add('indexed', async () => {
      (await engine.execute(names[i++ % names.length] as string, graph)).toJSON();
    })
    .add('indexed-parsed', async () => {
      (await engine.execute(parsed[k++ % parsed.length] as ParsedQuery, graph)).toJSON();
    })
    .add('scan', async () => {
      (await engine.execute(aliases[j++ % aliases.length] as string, graph)).toJSON();
    })
    .add('3-hop', async () => {
      (await engine.execute(hops[h++ % hops.length] as string, graph)).toJSON();
    })
    .add('shortest-path', async () => {
      (await engine.execute(path, graph)).toJSON();
    });
  await bench.run();
  return bench;
}

async function run(ctx: BenchContext): Promise<BenchReport> {
  const graph = new MemoryGraph();
  const s = buildSynthetic(graph, syntheticSpec(ctx.size));
  ctx.log(`topology: ${describeSynthetic(s)}`);
  const engine = createEngine(defaultGremlinConfig());
  const first = s.samples[0] as { name: string; alias: string };
  await check(engine, graph, hasName(first.name), 1);
  await check(engine, graph, hasAlias(first.alias), 1);
  const hopItems = await check(engine, graph, threeHops(s.hostNames[0] as string));
  const [a, b] = farthestHosts(graph, s);
  const pathJson = (await engine.execute(shortestPath(a, b), graph)).toJSON();
  const pathLen = Array.isArray(pathJson) && Array.isArray(pathJson[0]) ? (pathJson[0] as unknown[]).length : sizeOf(pathJson);
  ctx.log(`3-hop from ${s.hostNames[0]} returns ${hopItems} items; shortest path ${a} → ${b} has ${pathLen} nodes`);

  const bench = await measure(engine, graph, s, [a, b]);
  const stat = (name: string) => statsOf(bench, name);
  const indexed = stat('indexed');
  const indexedParsed = stat('indexed-parsed');
  const scan = stat('scan');
  const hop = stat('3-hop');
  const sp = stat('shortest-path');
  const scanRatio = scan.medianMs / indexed.medianMs;
  return {
    name: 'queries',
    title: '(a)–(d) Gremlin queries in process on the synthetic graph',
    measurements: [
      ...latencyMeasurements("(a) Has('Name', X), text", indexed),
      ...latencyMeasurements("(a') Has('Name', X), pre-parsed", indexedParsed),
      ...latencyMeasurements("(b) Has('Alias', X), full scan", scan),
      { label: '(b)/(a) median ratio', value: fmtRatio(scanRatio) },
      ...latencyMeasurements('(c) 3-hop traversal', hop),
      { label: '(c)/(a) median ratio', value: fmtRatio(hop.medianMs / indexed.medianMs) },
      ...latencyMeasurements('(d) ShortestPathTo', sp),
      { label: '(d)/(a) median ratio', value: fmtRatio(sp.medianMs / indexed.medianMs) },
    ],
    goals: [
      { goal: `(a) in-process median ≤ ${fmtTime(GOAL_INDEXED_MS)}`, measured: fmtTime(indexed.medianMs), met: indexed.medianMs <= GOAL_INDEXED_MS },
      { goal: `(b)/(a) ≥ ${GOAL_SCAN_RATIO}×`, measured: fmtRatio(scanRatio), met: scanRatio >= GOAL_SCAN_RATIO },
    ],
    notes: [
      `(c) is G.V().Has('Name', host).Out().Out().Both() over every host in turn (${hopItems} items from ${s.hostNames[0]})`,
      `(d) is G.V().Has('Name', '${a}').ShortestPathTo(Metadata('Name', '${b}')): ${b} is a host farthest from ${a}; the path has ${pathLen} nodes`,
      `each iteration runs engine.execute(query, graph) then toJSON(); X cycles through ${s.samples.length} sampled unique names, more than the engine's plan cache (QUERY_CACHE_SIZE ${QUERY_CACHE_SIZE}), so every text query is parsed and planned; (a') passes plans made beforehand`,
    ],
  };
}

/** The in-process query benchmark. */
export const queriesBenchmark: Benchmark = { name: 'queries', title: '(a)–(d) Gremlin queries in process', run };
