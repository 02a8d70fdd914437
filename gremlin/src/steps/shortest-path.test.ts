import { strict as assert } from 'node:assert';
import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { fixtureGraph, ids, type QueryCases, itResults, itErrors } from '../testing.js';

describe('ShortestPathTo', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig());
  const run = async (q: string): Promise<unknown> => ids((await engine.execute(q, graph)).toJSON());

  const cases: QueryCases = [
    ["G.V('eth1').ShortestPathTo(Metadata('Type', 'host'))", [['eth1', 'ns2', 'host']]],
    ["G.V('eth1').ShortestPathTo(Metadata('Name', 'br0'), Metadata('RelationType', 'layer2'))",
      [['eth1', 'veth1', 'veth0', 'br0']]],
    ["G.V('lo1').ShortestPathTo(Metadata('Name', 'br0'), Metadata('RelationType', 'layer2'))", []],
    ["G.V('host').ShortestPathTo(Metadata('Type', 'host'))", [['host']]],
    ["G.V('eth1').ShortestPathTo(Metadata('Type', 'nothing'))", []],
    ["G.V().Has('Type', 'netns').ShortestPathTo(Metadata('Name', 'eth0'))", [['ns1', 'host', 'eth0'], ['ns2', 'host', 'eth0']]],
    ["G.V().Has('Type', 'device').ShortestPathTo(Metadata('Type', 'host'))",
      [['eth0', 'host'], ['lo', 'host'], ['lo1', 'ns1', 'host'], ['eth1', 'ns2', 'host']]],
    ["G.V('veth1').ShortestPathTo(Metadata('Name', 'veth0', 'MTU', 9000))", [['veth1', 'veth0']]],
    ["G.V('eth1').ShortestPathTo(Metadata('Type', 'host')).SubGraph()",
      [{ Nodes: ['eth1', 'ns2', 'host'], Edges: ['e-ns2-eth1', 'e-host-ns2'] }]],
  ];
  itResults(run, cases);

  it('serializes paths as arrays of Skydive nodes', async () => {
    const json = (await engine.execute("G.V('eth1').ShortestPathTo(Metadata('Type', 'host'))", graph)).toJSON();
    assert.equal(JSON.stringify(json), JSON.stringify([[graph.getNode('eth1'), graph.getNode('ns2'), graph.getNode('host')]]));
  });

  const errors: QueryCases = [
    ['G.V().ShortestPathTo()', 'GREMLIN_INVALID_PARAMS'],
    ["G.V().ShortestPathTo('Type')", 'GREMLIN_INVALID_PARAMS'],
    ["G.V().ShortestPathTo(Metadata('Type'))", 'GREMLIN_INVALID_PARAMS'],
    ["G.V().ShortestPathTo(Metadata(1, 'a'))", 'GREMLIN_INVALID_PARAMS'],
    ["G.V().ShortestPathTo(Metadata('a', Gt(1)))", 'GREMLIN_INVALID_PARAMS'],
    ["G.V().ShortestPathTo(Metadata('a', 1), Metadata('b', 2), Metadata('c', 3))", 'GREMLIN_INVALID_PARAMS'],
    ["G.V().ShortestPathTo(Within('a'))", 'GREMLIN_INVALID_PARAMS'],
    ["G.E().ShortestPathTo(Metadata('Type', 'host'))", 'GREMLIN_INVALID_STEP'],
  ];
  itErrors(engine, graph, errors);
});
