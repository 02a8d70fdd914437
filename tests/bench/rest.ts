// Benchmark (a) over REST: POST /api/topology {"GremlinQuery": "G.V().Has('Name', X)"} against an analyzer started
// in this process, with keep-alive fetch; the same query in process and a bare GET /api are the baselines.
import { Bench } from 'tinybench';
import type { BenchContext, Benchmark } from './benchmark.js';
import { startBenchAnalyzer } from './analyzer-harness.js';
import { hasName } from './query-text.js';
import { fmtRatio, fmtTime, latencyMeasurements, statsOf, type BenchReport } from './report.js';
import { describeSynthetic } from './synthetic.js';

const GOAL_REST_MS = 1;

/** Posts a query and reads the whole answer; fails on a status other than 200. */
async function postQuery(url: string, query: string, acceptEncoding?: string): Promise<{ body: string; encoding: string | null }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (acceptEncoding !== undefined) headers['Accept-Encoding'] = acceptEncoding;
  const res = await fetch(url, { method: 'POST', body: JSON.stringify({ GremlinQuery: query }), headers });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`POST /api/topology ${query} answered ${res.status}: ${body.slice(0, 200)}`);
  return { body, encoding: res.headers.get('content-encoding') };
}

async function run(ctx: BenchContext): Promise<BenchReport> {
  const { analyzer, base, summary } = await startBenchAnalyzer(ctx.size);
  try {
    ctx.log(`topology: ${describeSynthetic(summary)}`);
    ctx.log(`analyzer listening on ${base}`);
    const url = `${base}/api/topology`;
    const queries = summary.samples.map((x) => hasName(x.name));
    const first = await postQuery(url, queries[0] as string);
    const items = JSON.parse(first.body) as unknown[];
    if (!Array.isArray(items) || items.length !== 1) throw new Error(`expected one node, got ${first.body.slice(0, 200)}`);
    let i = 0;
    let j = 0;
    let k = 0;
    const bench = new Bench({ time: 3000, warmupTime: 500 });
    bench
      .add('in-process', async () => {
        (await analyzer.engine.execute(queries[i++ % queries.length] as string, analyzer.graph)).toJSON();
      })
      .add('get-api', async () => {
        const res = await fetch(`${base}/api`);
        await res.text();
      })
      .add('rest', async () => {
        await postQuery(url, queries[j++ % queries.length] as string);
      })
      .add('rest-identity', async () => {
        await postQuery(url, queries[k++ % queries.length] as string, 'identity');
      });
    await bench.run();
    const inProcess = statsOf(bench, 'in-process');
    const floor = statsOf(bench, 'get-api');
    const rest = statsOf(bench, 'rest');
    const identity = statsOf(bench, 'rest-identity');
    return {
      name: 'rest',
      title: "(a) Has('Name', X) over REST against an in-process analyzer",
      measurements: [
        ...latencyMeasurements("POST /api/topology Has('Name', X)", rest),
        ...latencyMeasurements("in process, same engine and graph (baseline)", inProcess),
        { label: 'REST / in-process median ratio', value: fmtRatio(rest.medianMs / inProcess.medianMs) },
        ...latencyMeasurements("same, Accept-Encoding: identity (diagnostic)", identity),
        ...latencyMeasurements('GET /api (HTTP floor)', floor),
        { label: 'REST median minus HTTP floor median', value: fmtTime(rest.medianMs - floor.medianMs) },
        { label: 'answer size, content encoding (fetch default Accept-Encoding)', value: `${first.body.length} bytes, ${first.encoding ?? 'identity'}` },
      ],
      goals: [{ goal: `REST median ≤ ${fmtTime(GOAL_REST_MS)}`, measured: fmtTime(rest.medianMs), met: rest.medianMs <= GOAL_REST_MS }],
      notes: [
        'client (Node fetch, keep-alive, one request at a time) and analyzer share one process and event loop, so latency includes both sides',
        `X cycles through ${queries.length} unique names; the goal is judged on fetch's default Accept-Encoding (gzip accepted, as Skydive's Go client and browsers do)`,
      ],
    };
  } finally {
    await analyzer.stop();
  }
}

/** The REST lookup benchmark. */
export const restBenchmark: Benchmark = { name: 'rest', title: "(a) Has('Name', X) over REST", run };
