import { strict as assert } from 'node:assert';
import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { fixtureGraph, ids, type QueryCases, itResults, itErrors } from '../testing.js';

describe('As, Select and bare G', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig());
  const run = async (q: string): Promise<unknown> => ids((await engine.execute(q, graph)).toJSON());

  const cases: QueryCases = [
    ["G.V().Has('Type', 'host').As('h').G.V().Has('Type', 'netns').As('n').Select('h', 'n')", ['host', 'ns1', 'ns2']],
    ["G.V().Has('Type', 'host').As('h').G.V().Has('Type', 'netns').As('n').Select('n', 'h')", ['ns1', 'ns2', 'host']],
    ["G.V().Has('Type', 'host').As('h').Out().Select('h')", ['host']],
    ["G.V().Has('Type', 'netns').As('n').Select('n').Out()", ['veth1', 'lo1', 'eth1']],
    ["G.V().Has('Type', 'veth').As('x').Has('Name', 'veth0').As('x').Select('x')", ['veth0']],
    ["G.V().Has('Type', 'veth').SubGraph().V().As('v').G.V('host').Select('v').Out()", ['veth1']],
    ["G.V().As('a').G.Select('a').Count()", 10],
    ['G.G.V().Count()', 10],
  ];
  itResults(run, cases);

  it('returns to the root graph with a bare G', async () => {
    const r = await engine.execute("G.V().Has('Type', 'veth').G", graph);
    assert.equal(r.kind, 'graph');
    assert.equal(r.graph, graph);
  });

  const errors: QueryCases = [
    ["G.V().Select('x')", 'GREMLIN_INVALID_PARAMS'],
    ["G.V().Select('x').As('x')", 'GREMLIN_INVALID_PARAMS'],
    ["G.V().As('a', 'b')", 'GREMLIN_INVALID_PARAMS'],
    ['G.V().As(1)', 'GREMLIN_INVALID_PARAMS'],
    ['G.V().Select()', 'GREMLIN_INVALID_PARAMS'],
    ["G.E().As('e')", 'GREMLIN_INVALID_STEP'],
    ["G.V().As('a').Values('Name').Select('a')", 'GREMLIN_INVALID_STEP'],
  ];
  itErrors(engine, graph, errors);

  it('points at the unknown name in Select', async () => {
    await assert.rejects(engine.execute("G.V().As('a').Select('a', 'b')", graph), { details: { position: 26 } });
  });
});
