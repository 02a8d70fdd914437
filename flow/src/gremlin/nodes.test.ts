import { strict as assert } from 'node:assert';
import { itErrors, itResults, type QueryCases } from '@topoflow/gremlin/testing';
import { CountingView } from '@topoflow/gremlin/testing';
import { FakeFlowSource, fixtureFlows, flowFixtureGraph, brief, flowTestEngine } from '../testing.js';

const graph = flowFixtureGraph();
const engine = flowTestEngine({ source: new FakeFlowSource({ live: fixtureFlows() }) }, graph);
const run = async (q: string): Promise<unknown> => brief((await engine.execute(q, graph)).toJSON());

const cases: QueryCases = [
  ['G.Flows().Hops()', ['eth0', 'veth0', 'veth1', 'eth0', 'tap0']],
  ['G.Flows().CaptureNode()', ['eth0', 'veth0', 'veth1', 'eth0', 'tap0']],
  ['G.Flows().Node()', ['eth0', 'veth0', 'veth1', 'eth0', 'tap0']],
  ["G.Flows().Hops('Type', 'veth')", ['veth0', 'veth1']],
  ["G.Flows().Hops().Has('Type', 'veth')", ['veth0', 'veth1']],
  ['G.Flows().Hops().Limit(2)', ['eth0', 'veth0']],
  ["G.Flows().Hops().Has('Type', 'veth').Range(1, 5)", ['veth1']],
  ['G.Flows().Hops().Dedup()', ['eth0', 'veth0', 'veth1', 'tap0']],
  ["G.Flows().Has('Application', 'DNS').Hops().Values('Name')", ['veth0', 'veth1']],
  ['G.Flows().In()', ['eth0', 'veth0', 'veth0', 'eth0', 'tap0']],
  ['G.Flows().Out()', ['veth1', 'veth1', 'patch0']],
  ["G.Flows().Out('Type', 'patch')", ['patch0']],
  ["G.Flows().In('Name', 'veth1')", ['veth1', 'veth1']],
  ["G.Flows().In('Name', 'eth0')", ['eth0', 'eth0']],
  ["G.Flows().Out().Has('Name', 'veth1').Limit(1)", ['veth1']],
  ['G.Flows().Both()', ['eth0', 'veth0', 'veth1', 'veth0', 'veth1', 'eth0', 'patch0', 'tap0']],
  ['G.Flows().Both().Limit(3)', ['eth0', 'veth0', 'veth1']],
  ['G.Flows().Nodes()', ['eth0', 'eth0', 'veth0', 'veth0', 'veth1', 'veth1', 'veth0', 'veth1', 'eth0', 'eth0', 'tap0', 'tap0']],
  ["G.Flows().Nodes('Type', 'veth').Dedup()", ['veth0', 'veth1']],
  ["G.Flows().Has('UUID', 'u4').Nodes()", ['eth0', 'eth0']],
  ["G.V().Has('Name', 'veth0').Flows().Hops().Flows().Out()", ['veth1']],
];

describe('from flows to nodes', () => {
  itResults(run, cases);
  itErrors(engine, graph, [
    ["G.Flows().Hops('Type', 'veth', 'Name')", 'GREMLIN_INVALID_PARAMS'],
    ['G.V().Hops()', 'GREMLIN_INVALID_STEP'],
    ['G.Flows().Metrics().Out()', 'GREMLIN_INVALID_STEP'],
  ]);

  it('absorbs a following Has and Range into the node lookup', () => {
    assert.equal(engine.parse("G.Flows().In().Has('Type', 'veth').Limit(1)").plan.steps.length, 2);
  });

  it('looks nodes up through the graph index when there is one, scanning once for keys without', async () => {
    const view = new CountingView(graph);
    await engine.execute('G.Flows().Hops()', view);
    assert.equal(view.counts.nodeScans, 0);
    assert.ok(view.counts.nodeLookups >= 5);
    const view2 = new CountingView(graph);
    assert.deepEqual(brief((await engine.execute('G.Flows().Out()', view2)).toJSON()), ['veth1', 'veth1', 'patch0']);
    assert.equal(view2.counts.nodeScans, 1);
  });
});
