import { strict as assert } from 'node:assert';
import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { fixtureGraph, ids, type QueryCases, itResults, itErrors } from '../testing.js';

describe('Sort', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig());
  const run = async (q: string): Promise<unknown> => ids((await engine.execute(q, graph)).toJSON());
  const created = ['host', 'ns1', 'ns2', 'eth0', 'lo', 'br0', 'veth0', 'veth1', 'lo1', 'eth1'];

  const cases: QueryCases = [
    ['G.V().Sort(DESC)', [...created].reverse()],
    ['G.V().Sort(DESC).Sort()', created],
    ["G.V().Sort(DESC).Sort(ASC, '@CreatedAt')", created],
    ["G.V().Sort('MTU')", ['eth1', 'eth0', 'br0', 'veth0', 'veth1', 'lo', 'lo1', 'host', 'ns1', 'ns2']],
    ["G.V().Sort(DESC, 'MTU')", ['lo', 'lo1', 'veth0', 'veth1', 'eth0', 'br0', 'eth1', 'host', 'ns1', 'ns2']],
    ["G.V().Sort('Name')", ['br0', 'eth0', 'eth1', 'host', 'lo', 'lo1', 'ns1', 'ns2', 'veth0', 'veth1']],
    ["G.V().Has('Type', 'veth').Sort(DESC, 'Ovs.Metric.RxBytes')", ['veth0', 'veth1']],
    ["G.V().Has('Type', 'veth').Sort(ASC, 'Ovs.Metric.RxBytes')", ['veth1', 'veth0']],
    ["G.V().HasKey('IPV4').Sort('IPV4')", ['veth1', 'eth1', 'lo', 'lo1', 'eth0']],
    ["G.E().Sort(DESC, '@CreatedAt').Limit(1)", ['e-veth1-eth1']],
    ["G.V().Sort(DESC, 'MTU').Range(0, 2)", ['lo', 'lo1']],
    ["G.V().Sort('MTU').Values('Name')", ['eth1', 'eth0', 'br0', 'veth0', 'veth1', 'lo', 'lo', 'host1', 'ns1', 'ns2']],
  ];
  itResults(run, cases);

  const errors: QueryCases = [
    ["G.V().Sort('a', 'b')", 'GREMLIN_INVALID_PARAMS'],
    ["G.V().Sort(DESC, 'a', 'b')", 'GREMLIN_INVALID_PARAMS'],
    ['G.V().Sort(DESC, 1)', 'GREMLIN_INVALID_PARAMS'],
    ['G.V().Sort(NOW)', 'GREMLIN_INVALID_PARAMS'],
    ["G.V().Values('Name').Sort()", 'GREMLIN_INVALID_STEP'],
  ];
  itErrors(engine, graph, errors);

  it('does not reorder the list it was given', async () => {
    const before = ids((await engine.execute("G.V().Has('Type', 'veth')", graph)).toJSON());
    await engine.execute("G.V().Has('Type', 'veth').Sort(DESC, 'Name')", graph);
    assert.deepEqual(ids((await engine.execute("G.V().Has('Type', 'veth')", graph)).toJSON()), before);
  });
});
