// Aggregates() on metrics: hand-computed bucket shares, window choice, bucket limits, exact apportioning, errors.
import { strict as assert } from 'node:assert';
import { type GraphView, MemoryGraph, type Metadata } from '@topoflow/graph';
import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { nodeRevision as rev, RevisionsView, fixtureGraph } from '../testing.js';
import { apportion } from './aggregates.js';

/** Window of `G.At(1700000060, 60)`: [T0, T0 + 60 s], six buckets of 10 s. */
const T0 = 1_700_000_000_000;
const RANGE = 'G.At(1700000060, 60)';

const m = (start: number, last: number, counters: Record<string, number>): Metadata =>
  ({ LastUpdateMetric: { Start: T0 + start, Last: T0 + last, ...counters } });

/**
 * Two series. a: 5–25 s (overlaps 5, 10, 5 s) and 25–40 s (5, 10 s); b: an instant at 12 s and 33–58 s (7, 10, 8 s).
 * Shares by largest remainder: a1 TxBytes 7 → 1.75/3.5/1.75 → 2, 3, 2; a1 RxPackets 10 → 2.5/5/2.5 → 3, 5, 2;
 * a2 TxBytes 1 → ⅓/⅔ → 0, 1; b2 RxPackets 3 → 0.84/1.2/0.96 → 1, 1, 1.
 */
const RANGE_VIEW = new RevisionsView([
  rev('a', 1, m(5_000, 25_000, { RxBytes: 1000, TxBytes: 7, RxPackets: 10 })),
  rev('b', 2, m(12_000, 12_000, { RxBytes: 50, TxBytes: 5 })),
  rev('a', 3, m(25_000, 40_000, { RxBytes: 300, TxBytes: 1 })),
  rev('b', 4, m(33_000, 58_000, { RxBytes: 2500, RxPackets: 3 })),
]);

const bucket = (i: number, counters: Record<string, number>) => ({ Start: T0 + i * 10_000, Last: T0 + (i + 1) * 10_000, ...counters });
const AGGREGATED_10S = [
  bucket(0, { RxBytes: 250, TxBytes: 2, RxPackets: 3 }),
  bucket(1, { RxBytes: 550, TxBytes: 8, RxPackets: 5 }),
  bucket(2, { RxBytes: 350, TxBytes: 2, RxPackets: 2 }),
  bucket(3, { RxBytes: 900, TxBytes: 1, RxPackets: 1 }),
  bucket(4, { RxBytes: 1000, RxPackets: 1 }),
  bucket(5, { RxBytes: 800, RxPackets: 1 }),
];

function liveGraph(metrics: readonly Record<string, number>[]): MemoryGraph {
  const g = new MemoryGraph({ host: 'h', origin: 'test' });
  metrics.forEach((metric, i) => g.addNode({ ID: `n${i}`, Metadata: { LastUpdateMetric: metric }, CreatedAt: 1 }));
  return g;
}

describe('Aggregates over a range time slice', () => {
  const engine = createEngine(defaultGremlinConfig(), { history: { view: async () => RANGE_VIEW } });
  const run = async (q: string): Promise<unknown> => (await engine.execute(q, RANGE_VIEW)).toJSON();

  it('shares each metric between the buckets it overlaps and sums them per bucket', async () => {
    assert.deepEqual(await run(`${RANGE}.V().Metrics().Aggregates(10)`), [{ Aggregated: AGGREGATED_10S }]);
  });

  it('preserves every counter total exactly', async () => {
    const [{ Aggregated }] = await run(`${RANGE}.V().Metrics().Aggregates(10)`) as [{ Aggregated: Record<string, number>[] }];
    const total = (k: string) => Aggregated.reduce((t, b) => t + (b[k] ?? 0), 0);
    assert.deepEqual([total('RxBytes'), total('TxBytes'), total('RxPackets')], [1000 + 50 + 300 + 2500, 7 + 5 + 1, 10 + 3]);
  });

  it('drops empty buckets of the window', async () => {
    assert.deepEqual(await run(`${RANGE}.V().Has('@ID', 'b').Metrics().Aggregates(10)`), [{ Aggregated: [
      bucket(1, { RxBytes: 50, TxBytes: 5 }), bucket(3, { RxBytes: 700, RxPackets: 1 }),
      bucket(4, { RxBytes: 1000, RxPackets: 1 }), bucket(5, { RxBytes: 800, RxPackets: 1 }),
    ] }]);
  });

  it('cuts the window into 30 s buckets by default', async () => {
    assert.deepEqual(await run(`${RANGE}.V().Metrics().Aggregates()`), [{ Aggregated: [
      { Start: T0, Last: T0 + 30_000, RxBytes: 1150, TxBytes: 12, RxPackets: 10 },
      { Start: T0 + 30_000, Last: T0 + 60_000, RxBytes: 2700, TxBytes: 1, RxPackets: 3 },
    ] }]);
  });

  it('answers [] when no metric falls in the window', async () => {
    assert.deepEqual(await run(`${RANGE}.V().Has('Name', 'none').Metrics().Aggregates(10)`), []);
  });

  it('accepts 10000 buckets and refuses 10001 with GREMLIN_TOO_MANY_BUCKETS (400)', async () => {
    assert.equal((await engine.execute('G.At(1700000060, 100000).V().Metrics().Aggregates(10).Count()', RANGE_VIEW)).toJSON(), 1);
    await assert.rejects(engine.execute('G.At(1700000060, 100001).V().Metrics().Aggregates(10)', RANGE_VIEW),
      { code: 'GREMLIN_TOO_MANY_BUCKETS', statusCode: 400, details: { buckets: 10001, max: 10000, seconds: 10 } });
  });

  it('caps the buckets it builds with maxResultSize', async () => {
    const q = `${RANGE}.V().Metrics().Aggregates(10)`;
    await assert.rejects(engine.execute(q, RANGE_VIEW, { maxResultSize: 5 }), { code: 'GREMLIN_RESULT_TOO_LARGE' });
    assert.equal(((await engine.execute(q, RANGE_VIEW, { maxResultSize: 6 })).toJSON() as unknown[]).length, 1);
  });
});

describe('Aggregates over the data window', () => {
  const engine = (graph: GraphView) => createEngine(defaultGremlinConfig(), { history: { view: async () => graph } });
  const run = async (graph: GraphView, q: string): Promise<unknown> => (await engine(graph).execute(q, graph)).toJSON();
  const gapped = liveGraph([{ Start: 1000, Last: 21_000, RxBytes: 20 }, { Start: 51_000, Last: 56_000, RxBytes: 5 }]);

  it('starts buckets at the earliest Start live and drops the empty ones', async () => {
    assert.deepEqual(await run(gapped, 'G.V().Metrics().Aggregates(10)'), [{ Aggregated: [
      { Start: 1000, Last: 11_000, RxBytes: 10 }, { Start: 11_000, Last: 21_000, RxBytes: 10 },
      { Start: 51_000, Last: 61_000, RxBytes: 5 },
    ] }]);
    assert.deepEqual(await run(gapped, 'G.V().Metrics().Aggregates()'), [{ Aggregated: [
      { Start: 1000, Last: 31_000, RxBytes: 20 }, { Start: 31_000, Last: 61_000, RxBytes: 5 },
    ] }]);
  });

  it('uses the data window at a point in time too', async () => {
    assert.deepEqual(await run(gapped, 'G.At(1700000000).V().Metrics().Aggregates(30)'),
      await run(gapped, 'G.V().Metrics().Aggregates(30)'));
  });

  it('puts a metric with Start = Last whole in its bucket, the last one at the window end', async () => {
    const g = liveGraph([{ Start: 1000, Last: 21_000, RxBytes: 20 }, { Start: 21_000, Last: 21_000, RxBytes: 3 },
      { Start: 11_000, Last: 11_000, TxBytes: 1 }]);
    assert.deepEqual(await run(g, 'G.V().Metrics().Aggregates(10)'), [{ Aggregated: [
      { Start: 1000, Last: 11_000, RxBytes: 10 }, { Start: 11_000, Last: 21_000, RxBytes: 13, TxBytes: 1 },
    ] }]);
    assert.deepEqual(await run(liveGraph([{ Start: 5000, Last: 5000, RxBytes: 3 }]), 'G.V().Metrics().Aggregates(10)'),
      [{ Aggregated: [{ Start: 5000, Last: 15_000, RxBytes: 3 }] }]);
  });

  it('splits counters beyond 2^53 / overlap exactly', async () => {
    const g = liveGraph([{ Start: 0, Last: 30_000, RxBytes: Number.MAX_SAFE_INTEGER }]);
    assert.deepEqual(await run(g, 'G.V().Metrics().Aggregates(10)'), [{ Aggregated: [
      { Last: 10_000, RxBytes: 3002399751580331 },
      { Start: 10_000, Last: 20_000, RxBytes: 3002399751580330 },
      { Start: 20_000, Last: 30_000, RxBytes: 3002399751580330 },
    ] }]);
  });

  it('refuses more than 10000 buckets of data', async () => {
    const g = liveGraph([{ Start: 0, Last: 1, RxBytes: 1 }, { Start: 100_010_000, Last: 100_010_001, RxBytes: 1 }]);
    await assert.rejects(run(g, 'G.V().Metrics().Aggregates(10)'), { code: 'GREMLIN_TOO_MANY_BUCKETS' });
    assert.equal(await run(g, 'G.V().Metrics().Aggregates(11).Count()'), 1);
  });
});

describe('apportioning a counter', () => {
  it('gives each part its floor and the remainder to the largest fractions, ties to the earlier', () => {
    assert.deepEqual(apportion(7, [5000, 10_000, 5000]), [2, 3, 2]);
    assert.deepEqual(apportion(3, [7000, 10_000, 8000]), [1, 1, 1]);
    assert.deepEqual(apportion(1, [1, 2]), [0, 1]);
    assert.deepEqual(apportion(2, [1, 1, 1]), [1, 1, 0]);
    assert.deepEqual(apportion(1000, [5, 10, 5]), [250, 500, 250]);
    assert.deepEqual(apportion(0, [1, 2]), [0, 0]);
  });

  it('splits negative values symmetrically', () => {
    assert.deepEqual(apportion(-7, [5000, 10_000, 5000]), [-2, -3, -2]);
  });

  it('stays exact when value × weight exceeds 2^53', () => {
    const parts = apportion(2 ** 50 + 3, [3000, 7000]);
    assert.deepEqual(parts, [337769972052788, 788129934789839]);
    assert.equal((parts[0] as number) + (parts[1] as number), 2 ** 50 + 3);
    assert.deepEqual(apportion(1125899907390590, [8481, 10_000, 1647]), [474401684945330, 559369985786263, 92128236658997]);
  });
});

describe('Aggregates errors', () => {
  const engine = createEngine(defaultGremlinConfig());
  const graph = fixtureGraph();

  const params: readonly (readonly [string, number])[] = [
    ["G.V().Metrics().Aggregates('x')", 27],
    ['G.V().Metrics().Aggregates(0)', 27],
    ['G.V().Metrics().Aggregates(1.5)', 27],
    ['G.V().Metrics().Aggregates(10, 20)', 31],
  ];
  for (const [q, position] of params) {
    it(`${q} fails at parse time with GREMLIN_INVALID_PARAMS at ${position}`, () => {
      assert.throws(() => engine.parse(q), { code: 'GREMLIN_INVALID_PARAMS', details: { position } });
    });
  }

  for (const [q, kind] of [['G.V().Aggregates()', 'nodes'], ['G.E().Aggregates(10)', 'edges'], ['G.Aggregates()', 'graph']] as const) {
    it(`${q} fails with GREMLIN_INVALID_STEP`, async () => {
      const position = q.indexOf('Aggregates');
      assert.throws(() => engine.parse(q), { code: 'GREMLIN_INVALID_STEP', details: { position, step: 'Aggregates', kind } });
      await assert.rejects(engine.execute(q, graph), { code: 'GREMLIN_INVALID_STEP' });
    });
  }

  it('accepts Aggregates() on an empty metrics result', async () => {
    assert.deepEqual((await engine.execute("G.V('eth0').Metrics().Aggregates(5)", graph)).toJSON(), []);
  });
});
