import { strict as assert } from 'node:assert';
import { PSEUDO_FIELDS } from '@topoflow/graph';
import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { fixtureGraph, ids, type QueryCases, itResults, itErrors } from '../testing.js';

describe('Values, ValueMap, Keys', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig());
  const run = async (q: string): Promise<unknown> => ids((await engine.execute(q, graph)).toJSON());

  const cases: QueryCases = [
    ["G.V().Values('Name')", ['host1', 'ns1', 'ns2', 'eth0', 'lo', 'br0', 'veth0', 'veth1', 'lo', 'eth1']],
    ["G.V().Values('MTU')", [1500, 65536, 1500, 9000, 9000, 65536, 1450]],
    ["G.V().Values('Labels')", []],
    ["G.V().Values('Nothing')", []],
    ["G.V().Values('Ovs.Metric')", [{ RxBytes: 1000, TxBytes: 2000 }, { RxBytes: 300, TxBytes: 10 }]],
    ["G.V().Values('Ovs.Metric.TxBytes')", [2000, 10]],
    ["G.V().Has('Type', 'veth').Values('IPV4')", [['10.0.0.1/24', '10.0.1.1/24']]],
    ["G.V().Values('Captures.ID')", [['c1', 'c2']]],
    ["G.V('eth0').Values('@ID')", ['eth0']],
    ["G.E().Has('RelationType', 'layer2').Values('Parent')", ['br0', 'veth0', 'veth1']],
    ["G.E().Values('Cost')", [5]],
    ["G.V().Has('Type', 'netns').ValueMap('Name', 'MTU')", [{ Name: 'ns1' }, { Name: 'ns2' }]],
    ["G.V().Has('Type', 'veth').ValueMap('Name', 'Ovs.Metric.RxBytes')",
      [{ Name: 'veth0', 'Ovs.Metric.RxBytes': 1000 }, { Name: 'veth1', 'Ovs.Metric.RxBytes': 300 }]],
    ["G.V().ValueMap('TID', 'Hostname')", [{ Hostname: 'host1' }, { TID: 'tid-eth0' }]],
    ["G.E('e-veth1-eth1').ValueMap('Cost', 'Child')", [{ Cost: 5, Child: 'eth1' }]],
    ["G.V('veth0').Keys()", [...PSEUDO_FIELDS, 'Name', 'Type', 'MTU', 'State', 'Ovs', 'Ovs.Metric', 'Ovs.Metric.RxBytes', 'Ovs.Metric.TxBytes']],
    ["G.V().Has('Type', 'netns').Keys()", [...PSEUDO_FIELDS, 'Name', 'Type', 'Path']],
    ["G.E('e-veth1-eth1').Keys()", [...PSEUDO_FIELDS, 'RelationType', 'Cost']],
    ["G.V().Has('Type', 'nothing').Keys()", []],
  ];
  itResults(run, cases);

  const errors: QueryCases = [
    ['G.V().Values()', 'GREMLIN_INVALID_PARAMS'],
    ["G.V().Values('a', 'b')", 'GREMLIN_INVALID_PARAMS'],
    ['G.V().Values(1)', 'GREMLIN_INVALID_PARAMS'],
    ['G.V().ValueMap()', 'GREMLIN_INVALID_PARAMS'],
    ["G.V().ValueMap('a', 2)", 'GREMLIN_INVALID_PARAMS'],
    ["G.V().Keys('a')", 'GREMLIN_INVALID_PARAMS'],
    ["G.Values('Name')", 'GREMLIN_INVALID_STEP'],
    ["G.V().Values('Name').Values('Name')", 'GREMLIN_INVALID_STEP'],
  ];
  itErrors(engine, graph, errors);

  it('reports the error on Values over a graph as Invalid step on graph', async () => {
    await assert.rejects(engine.execute("G.Values('Name')", graph), (err: { details?: Record<string, unknown> }) => {
      assert.deepEqual(err.details, { step: 'Values', kind: 'graph', position: 2 });
      return true;
    });
  });
});
