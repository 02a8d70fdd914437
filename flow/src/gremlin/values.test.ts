import { strict as assert } from 'node:assert';
import { itErrors, itResults, type QueryCases } from '@topoflow/gremlin/testing';
import { FakeFlowSource, fixtureFlows, flowFixtureGraph, brief, flowTestEngine } from '../testing.js';

const graph = flowFixtureGraph();
const engine = flowTestEngine({ source: new FakeFlowSource({ live: fixtureFlows() }) }, graph);
const run = async (q: string): Promise<unknown> => brief((await engine.execute(q, graph)).toJSON());

const cases: QueryCases = [
  ["G.Flows().Has('Application', 'DNS').Count()", 2],
  ["G.Flows().Sum('Metric.ABBytes')", 1542],
  ["G.Flows().Sum('Metric.BAPackets')", 13],
  ["G.Flows().Sum('LastUpdateMetric.ABPackets')", 3],
  ["G.Flows().Has('Application', 'ARP').Sum('LastUpdateMetric.ABBytes')", 0],
  ["G.Flows().Values('Transport.B')", [80, 53, 53]],
  ["G.Flows().Values('TCP.A')", [40000, 5353, 5353]],
  ["G.Flows().Values('ICMP.Type')", ['ECHO']],
  ["G.Flows().Has('UUID', 'u1').Values('Transport')", [{ Protocol: 'TCP', A: 40000, B: 80, ID: 0 }]],
  ["G.Flows().Values('Network.B').Dedup()", ['10.0.0.2', '10.0.0.1', '8.8.8.8']],
  ["G.Flows().Has('UUID', 'u5').Keys()", [
    'UUID', 'LayersPath', 'Application', 'ParentUUID', 'Start', 'Last', 'Link.Protocol', 'Link.A', 'Link.B', 'Link.ID',
    'Metric.ABPackets', 'Metric.ABBytes', 'Metric.BAPackets', 'Metric.BABytes', 'Metric.Start', 'Metric.Last', 'Metric.RTT',
    'NodeTID', 'RawPacketsCaptured', 'TrackingID', 'L3TrackingID', 'FinishType',
  ]],
  ["G.Flows().Has('UUID', 'none').Keys()", []],
  ['G.Flows().Group()', [{ t1: ['u1'], t2: ['u2', 'u3'], t4: ['u4'], t5: ['u5'] }]],
  ["G.Flows().Group('NodeTID')", [{ 'tid-eth0': ['u1', 'u4'], 'tid-veth0': ['u2'], 'tid-veth1': ['u3'], 'tid-tap0': ['u5'] }]],
  ["G.Flows().Group('NodeTID').MoreThan()", [{ 'tid-eth0': ['u1', 'u4'] }]],
  ['G.Flows().Group().MoreThan(2)', []],
  ["G.Flows().Has('UUID', 'none').Group()", []],
];

describe('flow values and groups', () => {
  itResults(run, cases);

  it('lists the keys of several flows once each, in first-seen order', async () => {
    const keys = (await engine.execute('G.Flows().Keys()', graph)).toJSON() as string[];
    assert.equal(new Set(keys).size, keys.length);
    assert.ok(keys.includes('ICMP.Type') && keys.includes('Transport.A') && keys.includes('LastUpdateMetric.ABBytes'));
    assert.ok(keys.indexOf('Transport.A') < keys.indexOf('ICMP.Type'));
  });

  itErrors(engine, graph, [
    ["G.Flows().Sum('Start')", 'GREMLIN_INVALID_PARAMS'],
    ["G.Flows().Sum('Metric.Foo')", 'GREMLIN_INVALID_PARAMS'],
    ["G.Flows().Sum('TCPMetric.ABPackets')", 'GREMLIN_INVALID_PARAMS'],
    ["G.Flows().Sum('Metric.ABBytes.x')", 'GREMLIN_INVALID_PARAMS'],
    ['G.Flows().Sum()', 'GREMLIN_INVALID_PARAMS'],
    ["G.Flows().Values('Foo')", 'GREMLIN_INVALID_PARAMS'],
    ['G.Flows().Values()', 'GREMLIN_INVALID_PARAMS'],
    ['G.Flows().Count(1)', 'GREMLIN_INVALID_PARAMS'],
    ["G.Flows().Keys('a')", 'GREMLIN_INVALID_PARAMS'],
    ["G.Flows().Group('Nope')", 'GREMLIN_INVALID_PARAMS'],
    ["G.Flows().Group().MoreThan('x')", 'GREMLIN_INVALID_PARAMS'],
    ['G.Flows().MoreThan()', 'GREMLIN_INVALID_STEP'],
    ['G.V().Group()', 'GREMLIN_INVALID_STEP'],
  ]);
});
