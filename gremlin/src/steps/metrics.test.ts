// Metrics() on node lists: range time slices (strict window, dedup, Start order), live and point slices, keys, errors.
import { strict as assert } from 'node:assert';
import { MemoryGraph, type Metadata } from '@topoflow/graph';
import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { nodeRevision as rev, RevisionsView, fixtureGraph, type QueryCases, itErrors } from '../testing.js';
import { readMetric } from './metrics.js';

/** Window of `G.At(1700000100, 100)`: [T0, T0 + 100 s]. */
const T0 = 1_700_000_000_000;
const RANGE = 'G.At(1700000100, 100)';

const m = (start: number, last: number, counters: Record<string, number> = {}): Metadata =>
  ({ Start: T0 + start, Last: T0 + last, ...counters });

/** eth0's LastUpdateMetric changes four times; revision 3 repeats revision 2's metric (another field changed). */
const RANGE_VIEW = new RevisionsView([
  rev('eth0', 1, { Name: 'eth0', LastUpdateMetric: m(-20_000, 10_000, { RxBytes: 999 }) }),
  rev('eth1', 2, { Name: 'eth1', LastUpdateMetric: m(0, 30_000, { RxBytes: 1 }) }),
  rev('eth0', 4, { Name: 'eth0', LastUpdateMetric: m(40_000, 70_000, { RxBytes: 600, TxBytes: 60, RxPackets: 6 }) }),
  rev('eth0', 3, { Name: 'eth0', LastUpdateMetric: m(10_000, 40_000, { RxBytes: 300, TxBytes: 30, RxPackets: 3, TxPackets: 0 }) }),
  rev('eth0', 5, { Name: 'eth0', MTU: 9000, LastUpdateMetric: m(10_000, 40_000, { RxBytes: 300, TxBytes: 30, RxPackets: 3, TxPackets: 0 }) }),
  rev('eth1', 6, { Name: 'eth1', LastUpdateMetric: m(30_000, 60_000, { RxBytes: 5, Collisions: 1 }) }),
  rev('eth0', 7, { Name: 'eth0', LastUpdateMetric: m(70_000, 95_000, { RxBytes: 250 }) }),
  rev('eth1', 8, { Name: 'eth1', LastUpdateMetric: m(60_000, 100_000, { RxBytes: 7 }) }),
  rev('eth0', 9, { Name: 'eth0', LastUpdateMetric: m(95_000, 110_000, { RxBytes: 2 }) }),
  rev('lo', 10, { Name: 'lo' }),
  rev('bad', 11, { Name: 'bad', LastUpdateMetric: 'garbage' }),
  rev('ovs0', 12, { Name: 'ovs0', Ovs: { LastUpdateMetric: m(20_000, 50_000, { TxBytes: 11 }) } }),
  rev('sf0', 13, { Name: 'sf0', SFlow: { LastUpdateMetric: m(20_000, 50_000, { RxPackets: 4 }) } }),
]);

/** The series the range view gives for LastUpdateMetric, in Start order, zero counters omitted. */
const ETH0_SERIES = [
  { Start: T0 + 10_000, Last: T0 + 40_000, RxBytes: 300, TxBytes: 30, RxPackets: 3 },
  { Start: T0 + 40_000, Last: T0 + 70_000, RxBytes: 600, TxBytes: 60, RxPackets: 6 },
  { Start: T0 + 70_000, Last: T0 + 95_000, RxBytes: 250 },
];
const ETH1_SERIES = [{ Start: T0 + 30_000, Last: T0 + 60_000, RxBytes: 5, Collisions: 1 }];

function liveGraph(): MemoryGraph {
  const g = new MemoryGraph({ host: 'h', origin: 'test' });
  g.addNode({ ID: 'a', Metadata: { Name: 'a', LastUpdateMetric: { Start: 1000, Last: 2000, RxBytes: 10, TxBytes: 0 } }, CreatedAt: 1 });
  g.addNode({ ID: 'b', Metadata: { Name: 'b', LastUpdateMetric: { Start: 500, Last: 1500, TxBytes: 4 } }, CreatedAt: 1 });
  g.addNode({ ID: 'c', Metadata: { Name: 'c' }, CreatedAt: 1 });
  g.addEdge({ ID: 'ab', Parent: 'a', Child: 'b', Metadata: { RelationType: 'layer2' }, CreatedAt: 1 });
  return g;
}

describe('Metrics on a range time slice', () => {
  const engine = createEngine(defaultGremlinConfig(), { history: { view: async () => RANGE_VIEW } });
  const run = async (q: string): Promise<unknown> => (await engine.execute(q, RANGE_VIEW)).toJSON();

  it('gives one metric per distinct revision metric inside the window, in Start order', async () => {
    assert.deepEqual(await run(`${RANGE}.V().Has('Name', 'eth0').Metrics()`), [{ eth0: ETH0_SERIES }]);
  });

  it('drops metrics touching or straddling the window bounds (strict) and nodes without a metric', async () => {
    assert.deepEqual(await run(`${RANGE}.V().Metrics()`), [{ eth0: ETH0_SERIES, eth1: ETH1_SERIES }]);
  });

  it('orders series by their first metric Start', async () => {
    const json = await run(`${RANGE}.V().Has('Name', Within('eth1', 'eth0')).Metrics('LastUpdateMetric')`) as [object];
    assert.deepEqual(Object.keys(json[0]), ['eth0', 'eth1']);
  });

  const keys: QueryCases = [
    ['Ovs', [{ ovs0: [{ Start: T0 + 20_000, Last: T0 + 50_000, TxBytes: 11 }] }]],
    ['Ovs.LastUpdateMetric', [{ ovs0: [{ Start: T0 + 20_000, Last: T0 + 50_000, TxBytes: 11 }] }]],
    ['SFlow', [{ sf0: [{ Start: T0 + 20_000, Last: T0 + 50_000, RxPackets: 4 }] }]],
    ['SFlow.LastUpdateMetric', [{ sf0: [{ Start: T0 + 20_000, Last: T0 + 50_000, RxPackets: 4 }] }]],
  ];
  for (const [key, want] of keys) {
    it(`Metrics('${key}') reads its metadata path`, async () => {
      assert.deepEqual(await run(`${RANGE}.V().Metrics('${key}')`), want);
    });
  }

  it('answers [] when no node has the metric', async () => {
    assert.deepEqual(await run(`${RANGE}.V().Has('Name', 'lo').Metrics()`), []);
    assert.deepEqual(await run('G.At(1700000100, 1).V().Metrics()'), []);
  });
});

describe('Metrics on the live graph and at a point in time', () => {
  const graph = liveGraph();
  const engine = createEngine(defaultGremlinConfig(), { history: { view: async () => graph } });
  const run = async (q: string): Promise<unknown> => (await engine.execute(q, graph)).toJSON();
  const A = { Start: 1000, Last: 2000, RxBytes: 10 };
  const B = { Start: 500, Last: 1500, TxBytes: 4 };

  it('gives one metric per node having the key, whatever its times', async () => {
    assert.deepEqual(await run('G.V().Metrics()'), [{ b: [B], a: [A] }]);
  });

  it('keeps one metric per node at a point in time, where the strict window rule would keep none', async () => {
    assert.deepEqual(await run('G.At(1700000050).V().Metrics()'), [{ b: [B], a: [A] }]);
  });

  it('dedupes a node met several times', async () => {
    assert.deepEqual(await run("G.V('a').As('x').Both().As('y').Select('x', 'y', 'x').Metrics()"), [{ b: [B], a: [A] }]);
  });

  it('has kind metrics', async () => {
    assert.equal((await engine.execute("G.V('a').Metrics()", graph)).kind, 'metrics');
  });
});

describe('reading stored metrics', () => {
  it('keeps numeric fields as integers and drops the others', () => {
    assert.deepEqual(readMetric({ Start: 1.9, Last: 3, RxBytes: 10.7, Name: 'x', Nested: { a: 1 } }), { Start: 1, Last: 3, RxBytes: 10 });
  });

  it('refuses values that are not metrics', () => {
    for (const v of ['x', 3, null, [], [{ Start: 1, Last: 2 }], { Start: 1 }, { Last: 1 }, { Start: 3, Last: 2 }, { Start: '1', Last: 2 }]) {
      assert.equal(readMetric(v), undefined, JSON.stringify(v));
    }
  });
});

describe('Metrics errors', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig());

  const positions: QueryCases = [
    ["G.V().Metrics('Foo')", 14],
    ["G.V().Metrics('ovs')", 14],
    ['G.V().Metrics(1)', 14],
    ["G.V().Metrics('Ovs', 'SFlow')", 21],
    ["G.V().Metrics().Count('x')", 22],
  ];
  for (const [q, position] of positions) {
    it(`${q} fails at parse time with GREMLIN_INVALID_PARAMS at ${String(position)}`, () => {
      assert.throws(() => engine.parse(q), { code: 'GREMLIN_INVALID_PARAMS', details: { position } });
    });
  }

  const steps: readonly (readonly [string, { step: string; kind: string; position: number }])[] = [
    ['G.Metrics()', { step: 'Metrics', kind: 'graph', position: 2 }],
    ['G.E().Metrics()', { step: 'Metrics', kind: 'edges', position: 6 }],
    ["G.V().Values('Name').Metrics()", { step: 'Metrics', kind: 'value', position: 21 }],
    ["G.V().Metrics().Has('RxBytes')", { step: 'Has', kind: 'metrics', position: 16 }],
    ["G.V().Metrics().Values('RxBytes')", { step: 'Values', kind: 'metrics', position: 16 }],
    ['G.V().Metrics().Dedup()', { step: 'Dedup', kind: 'metrics', position: 16 }],
    ['G.V().Metrics().Out()', { step: 'Out', kind: 'metrics', position: 16 }],
    ['G.V().Metrics().Limit(1)', { step: 'Limit', kind: 'metrics', position: 16 }],
    ['G.V().Metrics().Metrics()', { step: 'Metrics', kind: 'metrics', position: 16 }],
  ];
  for (const [q, details] of steps) {
    it(`${q} fails at parse time with GREMLIN_INVALID_STEP (${details.step} on ${details.kind})`, () => {
      assert.throws(() => engine.parse(q), { code: 'GREMLIN_INVALID_STEP', details });
    });
  }

  itErrors(engine, graph, [["G.V().Metrics('Foo')", 'GREMLIN_INVALID_PARAMS'], ['G.V().Metrics().Keys()', 'GREMLIN_INVALID_STEP']]);
});
