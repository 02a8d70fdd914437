import { strict as assert } from 'node:assert';
import { MemoryGraph } from '@topoflow/graph';
import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { fixtureGraph, ids, type QueryCases, itResults, itErrors } from '../testing.js';

const cases: QueryCases = [
  ["G.V('host').Out()", ['ns1', 'ns2', 'eth0', 'lo', 'br0', 'veth0']],
  ["G.V('host').Out('Type', 'netns')", ['ns1', 'ns2']],
  ["G.V('host').Out('TID')", ['eth0']],
  ["G.V('host').Out().Has('Type', 'device')", ['eth0', 'lo']],
  ["G.V('host').Out().Limit(2)", ['ns1', 'ns2']],
  ["G.V('host').Out().Range(1, 3)", ['ns2', 'eth0']],
  ["G.V('host').Out('Type', 'device').Limit(1)", ['eth0']],
  ["G.V('veth0').In()", ['host', 'br0']],
  ["G.V().Has('Type', 'netns').In()", ['host', 'host']],
  ["G.V('veth1').Both()", ['eth1', 'ns1', 'veth0']],
  ["G.V('veth1').Both('RelationType', 'layer2')", []],
  ["G.V('eth1').Out()", []],
  ["G.V('veth0').OutE()", ['e-veth0-veth1']],
  ["G.V('veth0').InE()", ['e-host-veth0', 'e-br0-veth0']],
  ["G.V('veth0').BothE()", ['e-veth0-veth1', 'e-host-veth0', 'e-br0-veth0']],
  ["G.V('veth0').BothE('RelationType', 'layer2')", ['e-veth0-veth1', 'e-br0-veth0']],
  ["G.V('host').OutE('RelationType', 'layer2')", []],
  ["G.E('e-veth0-veth1').InV()", ['veth0']],
  ["G.E('e-veth0-veth1').OutV()", ['veth1']],
  ["G.E('e-veth0-veth1').BothV()", ['veth0', 'veth1']],
  ["G.E().Has('RelationType', 'layer2').InV('Type', 'bridge')", ['br0']],
  ["G.E().Has('RelationType', 'layer2').OutV().Has('Type', 'veth')", ['veth0', 'veth1']],
  ["G.V('ns1').OutE().OutV()", ['veth1', 'lo1']],
  ["G.V('veth1').InE().InV()", ['ns1', 'veth0']],
  ["G.V('host').Out().Out()", ['veth1', 'lo1', 'eth1', 'veth0', 'veth1']],
  ["G.E().Has('RelationType', 'layer2').BothV().Dedup()", ['br0', 'veth0', 'veth1', 'eth1']],
  ["g.V().has('Name', 'veth0').outE().inV()", ['veth0']],
  ["g.V().has('Name', 'veth0').outE().outV()", ['veth1']],
  ["g.V().has('Name', 'veth0').both().has('Type', 'veth')", ['veth1']],
];

const errors: QueryCases = [
  ['G.E().Out()', 'GREMLIN_INVALID_STEP'],
  ['G.V().InV()', 'GREMLIN_INVALID_STEP'],
  ['G.Out()', 'GREMLIN_INVALID_STEP'],
  ["G.V().Out('a', 'b', 'c')", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().OutE(1, 'x')", 'GREMLIN_INVALID_PARAMS'],
];

describe('traversal steps', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig());
  const run = async (q: string, view = graph): Promise<unknown> => ids((await engine.execute(q, view)).toJSON());

  itResults(run, cases);

  itErrors(engine, graph, errors);

  it('gives the same results fused and unfused', async () => {
    for (const q of ["G.V('host').Out().Has('Type', 'device').Limit(1)", "G.V().Has('Type', 'netns').Out().Range(1, 2)",
      "G.V('veth0').BothE().Has('RelationType', 'layer2').BothV().Has('MTU', 9000).Limit(3)"]) {
      const fused = engine.parse(q);
      const unfused = engine.plan(q, { fuse: false });
      assert.ok(fused.plan.steps.length < unfused.plan.steps.length, q);
      const a = (await engine.execute(fused, graph)).toJSON();
      const b = (await engine.execute(unfused, graph)).toJSON();
      assert.deepEqual(ids(a), ids(b), q);
    }
  });

  it('walks a self-loop once with Both and BothE', async () => {
    const g = new MemoryGraph();
    g.addNode({ ID: 'a' });
    g.addNode({ ID: 'b' });
    g.addEdge({ ID: 'loop', Parent: 'a', Child: 'a' });
    g.addEdge({ ID: 'ab', Parent: 'a', Child: 'b' });
    assert.deepEqual(await run("G.V('a').BothE()", g), ['loop', 'ab']);
    assert.deepEqual(await run("G.V('a').Both()", g), ['a', 'b']);
    assert.deepEqual(await run("G.V('a').Out()", g), ['a', 'b']);
    assert.deepEqual(await run("G.V('a').In()", g), ['a']);
  });
});
