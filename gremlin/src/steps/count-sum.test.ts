import { strict as assert } from 'node:assert';
import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { fixtureGraph, type QueryCases, itErrors } from '../testing.js';

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
