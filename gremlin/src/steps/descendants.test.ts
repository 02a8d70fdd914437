import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { fixtureGraph, ids, type QueryCases, itResults, itErrors } from '../testing.js';

describe('Descendants, Ascendants, Neighbors', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig());
  const run = async (q: string): Promise<unknown> => ids((await engine.execute(q, graph)).toJSON());
  const all = ['host', 'ns1', 'ns2', 'eth0', 'lo', 'br0', 'veth0', 'veth1', 'lo1', 'eth1'];

  const cases: QueryCases = [
    ["G.V('host').Descendants()", ['host', 'ns1', 'ns2', 'eth0', 'lo', 'br0', 'veth0']],
    ["G.V('host').Descendants(0)", all],
    ["G.V('host').Descendants(2)", all],
    ["G.V().Has('Type', 'netns', 'Name', 'ns1').Descendants(0)", ['ns1', 'veth1', 'lo1']],
    ["G.V('br0').Descendants('RelationType', 'layer2', 0)", ['br0', 'veth0', 'veth1', 'eth1']],
    ["G.V('br0').Descendants('RelationType', 'layer2')", ['br0', 'veth0']],
    ["G.V('ns1').Descendants('RelationType', 'layer2', 'RelationType', 'ownership', 0)", ['ns1', 'veth1', 'lo1', 'eth1']],
    ["G.V('veth0').Descendants('Type', 'veth')", ['veth0', 'veth1']],
    ["G.V().Has('Type', 'netns').Descendants()", ['ns1', 'ns2', 'veth1', 'lo1', 'eth1']],
    ["G.V('eth1').Ascendants()", ['eth1', 'ns2']],
    ["G.V('eth1').Ascendants(0)", ['eth1', 'ns2', 'host']],
    ["G.V('eth1').Ascendants('RelationType', 'layer2', 0)", ['eth1', 'veth1', 'veth0', 'br0']],
    ["G.V().Has('Name', 'lo').Ascendants()", ['lo', 'lo1', 'host', 'ns1']],
    ["G.V('veth1').Neighbors()", ['veth1', 'ns1']],
    ["G.V('veth1').Neighbors(2)", ['veth1', 'ns1', 'lo1', 'host']],
    ["G.V('veth1').Neighbors('RelationType', 'layer2', 2)", ['veth1', 'eth1', 'veth0', 'br0']],
    ["G.V('veth1').Neighbors(0)", ['veth1']],
    ["G.V('veth1').Neighbors('RelationType', 'layer2', 0)", ['veth1']],
    ["G.V('host').Descendants(0).Count()", 10],
  ];
  itResults(run, cases);

  const errors: QueryCases = [
    ["G.V().Descendants('a')", 'GREMLIN_INVALID_PARAMS'],
    ['G.V().Descendants(1.5)', 'GREMLIN_INVALID_PARAMS'],
    ["G.V().Descendants('k', 'v', 'x')", 'GREMLIN_INVALID_PARAMS'],
    ["G.V().Ascendants(1, 'v', 2)", 'GREMLIN_INVALID_PARAMS'],
    ['G.E().Descendants()', 'GREMLIN_INVALID_STEP'],
    ['G.Neighbors()', 'GREMLIN_INVALID_STEP'],
  ];
  itErrors(engine, graph, errors);
});
