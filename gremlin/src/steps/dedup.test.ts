import { strict as assert } from 'node:assert';
import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { fixtureGraph, ids, type QueryCases, itResults } from '../testing.js';
import { canonicalJSON } from './dedup.js';

describe('Dedup', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig());
  const run = async (q: string): Promise<unknown> => ids((await engine.execute(q, graph)).toJSON());

  const cases: QueryCases = [
    ["G.V().Has('Type', 'netns').In().Dedup()", ['host']],
    ["G.V().Dedup('Type')", ['host', 'ns1', 'eth0', 'br0', 'veth0']],
    ["G.V().Dedup('MTU')", ['host', 'ns1', 'ns2', 'eth0', 'lo', 'veth0', 'eth1']],
    ["G.V().Dedup('Name', 'Type').Count()", 9],
    ["G.V().Dedup('Ovs.Metric.TxBytes', 'Hostname')", ['host', 'ns1', 'ns2', 'eth0', 'lo', 'br0', 'veth0', 'veth1', 'lo1', 'eth1']],
    ["G.V('veth0').BothE().BothV().Dedup()", ['veth0', 'veth1', 'host', 'br0']],
    ["G.E().Dedup('RelationType')", ['e-host-ns1', 'e-br0-veth0']],
    ["G.V().Has('Type', 'netns').In().Dedup().Limit(1)", ['host']],
    ["G.V('host').Out().Out().Dedup().Range(1, 3)", ['lo1', 'eth1']],
    ["G.V().Has('Type', 'device').ShortestPathTo(Metadata('Type', 'host')).Dedup()",
      ['eth0', 'host', 'lo', 'lo1', 'ns1', 'eth1', 'ns2']],
    ["G.V().Values('Type').Dedup()", ['host', 'netns', 'device', 'bridge', 'veth']],
    ["G.V().Values('IPV4').Dedup()", [['192.168.1.10/24'], ['127.0.0.1/8'], ['10.0.0.1/24', '10.0.1.1/24'], ['10.0.0.2/24']]],
  ];
  itResults(run, cases);

  it('dedups Value objects by the given keys', async () => {
    assert.deepEqual(await run("G.V().ValueMap('Type', 'State').Dedup('State')"),
      [{ Type: 'host' }, { Type: 'netns' }, { Type: 'netns' }, { Type: 'device', State: 'UP' }, { Type: 'veth', State: 'DOWN' }]);
  });

  it('fails on bad parameters and kinds', async () => {
    await assert.rejects(engine.execute('G.V().Dedup(1)', graph), { code: 'GREMLIN_INVALID_PARAMS' });
    await assert.rejects(engine.execute('G.Dedup()', graph), { code: 'GREMLIN_INVALID_STEP' });
    await assert.rejects(engine.execute('G.V().Count().Dedup()', graph), { code: 'GREMLIN_INVALID_STEP' });
  });

  it('hashes values independently of key order', () => {
    assert.equal(canonicalJSON({ b: 1, a: [1, { d: 2, c: 3 }] }), canonicalJSON({ a: [1, { c: 3, d: 2 }], b: 1 }));
    assert.notEqual(canonicalJSON([1, 2]), canonicalJSON([2, 1]));
    assert.notEqual(canonicalJSON('1'), canonicalJSON(1));
  });
});
