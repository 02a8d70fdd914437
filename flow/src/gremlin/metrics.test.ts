import { strict as assert } from 'node:assert';
import { itErrors, itResults, type QueryCases } from '@topoflow/gremlin/testing';
import { FakeFlowSource, fixtureFlows, flowFixtureGraph, flowTestEngine, metric } from '../testing.js';

const graph = flowFixtureGraph();
const engine = flowTestEngine({ source: new FakeFlowSource({ live: fixtureFlows() }) }, graph);
const run = async (q: string): Promise<unknown> => (await engine.execute(q, graph)).toJSON();

const cases: QueryCases = [
  ["G.Flows().Has('UUID', Within('u1', 'u2')).Metrics()", [{
    u1: [{ ABPackets: 2, ABBytes: 200, BAPackets: 1, BABytes: 100, Start: 4000, Last: 5000 }],
    u2: [{ ABPackets: 1, ABBytes: 100, BAPackets: 1, BABytes: 200, Start: 2000, Last: 3000, RTT: 500 }],
  }]],
  ["G.Flows().Has('UUID', 'u5').Metrics()", [{ u5: [{ ABPackets: 1, ABBytes: 42, BAPackets: 0, BABytes: 0, Start: 4500, Last: 4500 }] }]],
  ["G.Flows().Has('UUID', 'none').Metrics()", []],
  ['G.Flows().Metrics().Count()', 5],
  ['G.Flows().Metrics().Sum()', metric([6, 542], [4, 600], 2000, 6000)],
  ["G.Flows().Metrics().Sum('ABBytes')", 542],
  ["G.Flows().Metrics().Sum('BAPackets')", 4],
  ["G.Flows().Has('UUID', 'none').Metrics().Sum()", null],
  ['G.Flows().Metrics().Keys()', ['ABPackets', 'ABBytes', 'BAPackets', 'BABytes', 'Start', 'Last', 'RTT']],
  ["G.Flows().Has('UUID', 'none').Metrics().Keys()", []],
  ['G.Flows().Metrics().Aggregates(1)', [{
    Aggregated: [
      metric([1, 190], [1, 380], 2000, 3000), metric([1, 10], [1, 20], 3000, 4000),
      metric([3, 242], [1, 100], 4000, 5000), metric([1, 100], [1, 100], 5000, 6000),
    ],
  }]],
  ['G.Flows().Metrics().Aggregates()', [{ Aggregated: [metric([6, 542], [4, 600], 2000, 6000)] }]],
  ['G.Flows().Metrics().Aggregates(1).Sum()', metric([6, 542], [4, 600], 2000, 6000)],
  ['G.Flows().Metrics().Aggregates(1).Count()', 1],
  ["G.Flows().Has('UUID', 'none').Metrics().Aggregates()", []],
];

describe('flow metrics (live)', () => {
  itResults(run, cases);

  it('gives the flow metrics their own result kind', async () => {
    assert.equal((await engine.execute('G.Flows().Metrics()', graph)).kind, 'flowmetrics');
    assert.equal((await engine.execute('G.V().Metrics()', graph)).kind, 'metrics');
  });

  itErrors(engine, graph, [
    ["G.Flows().Metrics('Metric')", 'GREMLIN_INVALID_PARAMS'],
    ['G.Flows().Metrics().Aggregates(0)', 'GREMLIN_INVALID_PARAMS'],
    ["G.Flows().Metrics().Aggregates('1m')", 'GREMLIN_INVALID_PARAMS'],
    ["G.Flows().Metrics().Sum('RTT')", 'GREMLIN_INVALID_PARAMS'],
    ["G.Flows().Metrics().Sum('ABBytes', 'BABytes')", 'GREMLIN_INVALID_PARAMS'],
    ['G.Flows().Metrics().Count(1)', 'GREMLIN_INVALID_PARAMS'],
    ['G.Flows().Metrics().Metrics()', 'GREMLIN_INVALID_STEP'],
    ['G.At(1717000000, 86400).Flows().Metrics().Aggregates(1)', 'GREMLIN_HISTORY_UNSUPPORTED'],
  ]);
});
