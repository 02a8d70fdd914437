import { strict as assert } from 'node:assert';
import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { fixtureGraph, nodeRevision as rev, type QueryCases, itErrors, itResults, RevisionsView } from '../testing.js';

describe('Count and Sum', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig());

  const cases: QueryCases = [
    ['G.V().Count()', 10],
    ['G.E().Count()', 12],
    ["G.V().Has('Type', 'veth').Count()", 2],
    ["G.V().Has('Type', 'nothing').Count()", 0],
    ["G.V('host').Out().Count()", 6],
    ["G.V().Sum('MTU')", 1500 + 65536 + 1500 + 9000 + 9000 + 65536 + 1450],
    ["G.V().Sum('Speed')", 1000],
    ["G.V().Sum('Captures.PacketsCount')", 15],
    ["G.V().Sum('Ovs.Metric.RxBytes')", 1300],
    ["G.V().Sum('Nothing')", 0],
    ["G.E().Sum('Cost')", 5],
    ["G.V().Has('Type', 'veth').Sum('@CreatedAt')", 1070 + 1080],
  ];
  for (const [q, want] of cases) {
    it(`${q} → ${JSON.stringify(want)} as a bare number`, async () => {
      const r = await engine.execute(q, graph);
      assert.equal(r.kind, 'value');
      assert.equal(JSON.stringify(r.toJSON()), JSON.stringify(want));
    });
  }

  const errors: QueryCases = [
    ["G.V().Count('x')", 'GREMLIN_INVALID_PARAMS'],
    ['G.V().Sum()', 'GREMLIN_INVALID_PARAMS'],
    ['G.V().Sum(1)', 'GREMLIN_INVALID_PARAMS'],
    ["G.V().Sum('Name')", 'GREMLIN_EXECUTION_ERROR'],
    ['G.Count()', 'GREMLIN_INVALID_STEP'],
    ["G.V().Values('Name').Count()", 'GREMLIN_INVALID_STEP'],
    ["G.V().ShortestPathTo(Metadata('Type', 'host')).Count()", 'GREMLIN_INVALID_STEP'],
    ['G.V().Count().Count()', 'GREMLIN_INVALID_STEP'],
  ];
  itErrors(engine, graph, errors);

  it('answers a non-numeric Sum with status 400', async () => {
    await assert.rejects(engine.execute("G.V().Sum('Name')", graph), { statusCode: 400 });
  });
});

describe('Count and Sum on metrics', () => {
  /** Window [T0, T0 + 60 s]; a has two metrics, b one, c none, d a metric outside the window. */
  const T0 = 1_700_000_000_000;
  const view = new RevisionsView([
    rev('a', 1, { LastUpdateMetric: { Start: T0 + 10_000, Last: T0 + 20_000, RxBytes: 100, TxBytes: 3, RxPackets: 2 } }),
    rev('b', 2, { LastUpdateMetric: { Start: T0 + 5_000, Last: T0 + 15_000, RxBytes: 40, Collisions: 1 } }),
    rev('a', 3, { LastUpdateMetric: { Start: T0 + 20_000, Last: T0 + 50_000, RxBytes: 60, TxBytes: 0, RxPackets: 5 } }),
    rev('c', 4, { Name: 'c' }),
    rev('d', 5, { LastUpdateMetric: { Start: T0 + 50_000, Last: T0 + 70_000, RxBytes: 1000 } }),
  ]);
  const engine = createEngine(defaultGremlinConfig(), { history: { view: async () => view } });
  const run = async (q: string): Promise<unknown> => (await engine.execute(q, view)).toJSON();
  const W = 'G.At(1700000060, 60).V()';

  const cases: QueryCases = [
    [`${W}.Metrics().Count()`, 2],
    [`${W}.Metrics().Aggregates(10).Count()`, 1],
    [`${W}.Has('Name', 'c').Metrics().Count()`, 0],
    ['G.V().Metrics().Count()', 3],
    [`${W}.Metrics().Sum()`, { Start: T0 + 5_000, Last: T0 + 50_000, RxBytes: 200, TxBytes: 3, RxPackets: 7, Collisions: 1 }],
    [`${W}.Metrics().Aggregates(10).Sum()`, { Start: T0, Last: T0 + 50_000, RxBytes: 200, TxBytes: 3, RxPackets: 7, Collisions: 1 }],
    [`${W}.Metrics().Sum('RxBytes')`, 200],
    [`${W}.Metrics().Sum('RxPackets')`, 7],
    [`${W}.Metrics().Sum('Start')`, 3 * T0 + 35_000],
    [`${W}.Metrics().Sum('TxDropped')`, 0],
    [`${W}.Metrics().Sum('toString')`, 0],
    [`${W}.Has('Name', 'c').Metrics().Sum()`, {}],
    [`${W}.Has('Name', 'c').Metrics().Sum('RxBytes')`, 0],
  ];
  itResults(run, cases);

  it('answers Count and Sum with kind value, Sum() as a bare metric object', async () => {
    const r = await engine.execute(`${W}.Metrics().Sum()`, view);
    assert.equal(r.kind, 'value');
    assert.equal(JSON.stringify(r.toJSON()), `{"Start":${T0 + 5_000},"Last":${T0 + 50_000},"RxBytes":200,"Collisions":1,"TxBytes":3,"RxPackets":7}`);
    assert.equal((await engine.execute(`${W}.Metrics().Count()`, view)).kind, 'value');
  });

  const errors: QueryCases = [
    ["G.V().Metrics().Count('x')", 'GREMLIN_INVALID_PARAMS'],
    ['G.V().Metrics().Sum(1)', 'GREMLIN_INVALID_PARAMS'],
    ["G.V().Metrics().Sum('RxBytes', 'TxBytes')", 'GREMLIN_INVALID_PARAMS'],
    ['G.V().Metrics().Sum().Count()', 'GREMLIN_INVALID_STEP'],
  ];
  itErrors(engine, view, errors);
});
