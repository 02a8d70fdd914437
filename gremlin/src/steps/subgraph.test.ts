import { strict as assert } from 'node:assert';
import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { fixtureGraph, ids, type QueryCases, itResults } from '../testing.js';

describe('SubGraph and the graph result', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig());
  const run = async (q: string): Promise<unknown> => ids((await engine.execute(q, graph)).toJSON());

  const cases: QueryCases = [
    ["G.V().Has('Type', 'veth').SubGraph()", [{ Nodes: ['veth0', 'veth1'], Edges: ['e-veth0-veth1'] }]],
    ["G.V().Has('Type', Within('host', 'netns')).SubGraph('RelationType', 'ownership')",
      [{ Nodes: ['host', 'ns1', 'ns2'], Edges: ['e-host-ns1', 'e-host-ns2'] }]],
    ["G.V().Has('Type', Within('host', 'netns')).SubGraph('RelationType', 'layer2')", [{ Nodes: ['host', 'ns1', 'ns2'], Edges: [] }]],
    ["G.V().Has('IPV4', Ipv4Range('10.0.0.0/24')).SubGraph()", [{ Nodes: ['veth1', 'eth1'], Edges: ['e-veth1-eth1'] }]],
    ["G.V().Has('Type', 'nothing').SubGraph()", [{ Nodes: [], Edges: [] }]],
    ["G.V('veth0').In().In().SubGraph()", [{ Nodes: ['host'], Edges: [] }]],
    ["G.E().Has('RelationType', 'layer2').SubGraph()",
      [{ Nodes: ['br0', 'veth0', 'veth1', 'eth1'], Edges: ['e-br0-veth0', 'e-veth0-veth1', 'e-veth1-eth1'] }]],
    ["G.E().SubGraph('Cost')", [{ Nodes: ['veth1', 'eth1'], Edges: ['e-veth1-eth1'] }]],
    ["G.V().Has('Type', 'veth').SubGraph().V().Count()", 2],
    ["G.V().Has('Type', 'veth').SubGraph().E()", ['e-veth0-veth1']],
    ["G.V().Has('Type', 'veth').SubGraph().V('veth0').Out()", ['veth1']],
    ["G.V().Has('Type', 'veth').SubGraph().V('veth1').Out()", []],
    ["G.V().Has('Type', 'veth').SubGraph().V().Has('Name', 'veth1')", ['veth1']],
    ["G.V().Has('Type', 'veth').SubGraph().G.V().Count()", 10],
  ];
  itResults(run, cases);

  it('returns the whole graph for G, with the view in result.graph', async () => {
    const r = await engine.execute('G', graph);
    assert.equal(r.kind, 'graph');
    assert.equal(r.graph, graph);
    assert.deepEqual(r.toJSON(), [{ Nodes: [...graph.nodes()], Edges: [...graph.edges()] }]);
  });

  it('exposes a sub-graph as a GraphView sharing the source elements', async () => {
    const r = await engine.execute("G.V().Has('Type', 'veth').SubGraph()", graph);
    assert.equal(r.graph?.nodeCount, 2);
    assert.equal(r.graph?.edgeCount, 1);
    assert.equal(r.graph?.getNode('veth0'), graph.getNode('veth0'));
  });

  it('fails on bad kinds, parameters and missing IDs', async () => {
    await assert.rejects(engine.execute('G.SubGraph()', graph), { code: 'GREMLIN_INVALID_STEP' });
    await assert.rejects(engine.execute("G.V().SubGraph('a', 'b', 'c')", graph), { code: 'GREMLIN_INVALID_PARAMS' });
    await assert.rejects(engine.execute("G.V().Has('Type', 'veth').SubGraph().V('eth1')", graph), { code: 'GREMLIN_NOT_FOUND', statusCode: 404 });
    await assert.rejects(engine.execute("G.V('nothing')", graph), { code: 'GREMLIN_NOT_FOUND' });
    await assert.rejects(engine.execute("G.E('nothing')", graph), { code: 'GREMLIN_NOT_FOUND' });
    await assert.rejects(engine.execute("G.V('Type', 'host')", graph), { code: 'GREMLIN_INVALID_PARAMS' });
    await assert.rejects(engine.execute('G.V(1)', graph), { code: 'GREMLIN_INVALID_PARAMS' });
  });

  it('finds single elements by ID with V and E', async () => {
    assert.deepEqual(await run("G.V('eth0')"), ['eth0']);
    assert.deepEqual(await run("G.V('eth0').Has('Type', 'veth')"), []);
    assert.deepEqual(await run("G.E('e-host-ns1')"), ['e-host-ns1']);
    assert.deepEqual(await run("G.E('e-host-ns1').Has('RelationType', 'ownership').Limit(0)"), []);
  });
});
