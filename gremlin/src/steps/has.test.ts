import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { fixtureGraph, ids, type QueryCases, itResults, itErrors } from '../testing.js';

const cases: QueryCases = [
  ["G.V().Has('Type', 'netns')", ['ns1', 'ns2']],
  ["G.V().Has('Name', 'ETH0')", []],
  ["G.V().Has('MTU', 1500)", ['eth0', 'br0']],
  ["G.V().Has('MTU', 1500.9)", ['eth0', 'br0']],
  ["G.V().Has('Speed', 1000)", ['eth0']],
  ["G.V().Has('MTU', '1500')", []],
  ["G.V().Has('Virtual', TRUE)", ['eth1']],
  ["G.V().Has('Virtual', FALSE)", ['eth0']],
  ["G.V().Has('TID')", ['eth0']],
  ["G.V().Has('Name').Count()", 10],
  ["G.V().Has('Labels')", ['br0']],
  ["G.V().Has('Type', 'device', 'State', 'UP')", ['eth0', 'lo', 'lo1', 'eth1']],
  ["G.V().Has('Type', 'device').Has('MTU', 65536)", ['lo', 'lo1']],
  ["G.V().Has('IPV4', '10.0.1.1/24')", ['veth1']],
  ["G.V().Has('Captures.ID', 'c2')", ['eth0']],
  ["G.V().Has('Captures.State', 'active')", ['eth0']],
  ["G.V().Has('Captures.PacketsCount', Gt(7))", ['eth0']],
  ["G.V().Has('Captures.PacketsCount', 7)", []],
  ["G.V().Has('Ovs.Metric.RxBytes', 1000)", ['veth0']],
  ["G.V().Has('Metadata.Name', 'eth0')", ['eth0']],
  ["G.V().Has('@ID', 'eth1')", ['eth1']],
  ["G.V().Has('@CreatedAt', Gt(1090))", ['eth1']],
  ["G.V().Has('@Host', 'host1').Count()", 10],
  ["G.V().Has('Name.Sub', 'x')", []],
  ["G.E().Has('RelationType', 'layer2')", ['e-br0-veth0', 'e-veth0-veth1', 'e-veth1-eth1']],
  ["G.E().Has('Parent', 'ns1')", ['e-ns1-veth1', 'e-ns1-lo1']],
  ["G.E().Has('Child', 'veth1', 'RelationType', 'layer2')", ['e-veth0-veth1']],
  ["G.V().HasEither('Name', 'eth0', 'Name', 'eth1')", ['eth0', 'eth1']],
  ["G.V().HasEither('Type', 'host', 'MTU', Gt(10000))", ['host', 'lo', 'lo1']],
  ["G.V().HasEither('TID')", ['eth0']],
  ["G.V().HasKey('Ovs.Metric.RxBytes')", ['veth0', 'veth1']],
  ["G.V().HasKey('Captures.ID')", ['eth0']],
  ["G.V().HasNot('MTU')", ['host', 'ns1', 'ns2']],
  ["G.E().HasNot('Cost').Count()", 11],
  ["G.V().HasKey('MTU').HasNot('IPV4')", ['br0', 'veth0']],
  ["G.V().ValueMap('Name', 'MTU').Has('MTU', 9000)", [{ Name: 'veth0', MTU: 9000 }, { Name: 'veth1', MTU: 9000 }]],
  ["G.V().ValueMap('Name', 'MTU').HasNot('MTU')", [{ Name: 'host1' }, { Name: 'ns1' }, { Name: 'ns2' }]],
  ["G.V().Values('Ovs').Has('Metric.TxBytes', Lt(100))", [{ Metric: { RxBytes: 300, TxBytes: 10 } }]],
  ["G.V().Values('Name').Has('x')", []],
  ["g.V().has('Name', 'ns1').out()", ['veth1', 'lo1']],
  ["g.V().hasKey('TID').valueMap('Name')", [{ Name: 'eth0' }]],
  ["G.V().HASNOT('MTU').hAsEiThEr('Name', 'ns1')", ['ns1']],
];

const errors: QueryCases = [
  ['G.V().Has()', 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('a', 'b', 'c')", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has(1, 'b')", 'GREMLIN_INVALID_PARAMS'],
  ['G.V().Has(1)', 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('a', ASC)", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('a', Metadata('b', 1))", 'GREMLIN_INVALID_PARAMS'],
  ['G.V().HasEither()', 'GREMLIN_INVALID_PARAMS'],
  ['G.V().HasKey()', 'GREMLIN_INVALID_PARAMS'],
  ['G.V().HasKey(1)', 'GREMLIN_INVALID_PARAMS'],
  ["G.V().HasNot('a', 'b')", 'GREMLIN_INVALID_PARAMS'],
  ["G.Has('a')", 'GREMLIN_INVALID_STEP'],
  ["G.V().Count().Has('a')", 'GREMLIN_INVALID_STEP'],
  ["G.V().ShortestPathTo(Metadata('Type', 'host')).Has('a')", 'GREMLIN_INVALID_STEP'],
];

describe('Has, HasEither, HasKey, HasNot', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig());
  const run = async (q: string): Promise<unknown> => ids((await engine.execute(q, graph)).toJSON());

  itResults(run, cases);

  itErrors(engine, graph, errors);
});
