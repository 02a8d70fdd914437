import { strict as assert } from 'node:assert';
import { ManualClock } from '@topoflow/common/testing';
import { type GraphView, MemoryGraph } from '@topoflow/graph';
import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import type { HistoryProvider, TimeSlice } from '../history.js';
import { fixtureGraph, ids, type QueryCases } from '../testing.js';

/** A history provider that records the slices asked for and serves one fixed past graph. */
class FakeHistory implements HistoryProvider {
  readonly slices: TimeSlice[] = [];
  readonly past: GraphView;
  constructor(past: GraphView) {
    this.past = past;
  }
  async view(slice: TimeSlice): Promise<GraphView> {
    this.slices.push(slice);
    return this.past;
  }
}

const NOW = 1_700_000_000_000;

const slices: readonly (readonly [string, TimeSlice])[] = [
  ['G.At(1717000000)', { start: 1717000000000, end: 1717000000000, point: true }],
  ['G.At(1717000000123)', { start: 1717000000123, end: 1717000000123, point: true }],
  ["G.At('-5m')", { start: NOW - 300_000, end: NOW - 300_000, point: true }],
  ["G.At('-1h30m')", { start: NOW - 5_400_000, end: NOW - 5_400_000, point: true }],
  ['G.At(NOW)', { start: NOW, end: NOW, point: true }],
  ['G.Context(NOW, 300)', { start: NOW - 300_000, end: NOW, point: false }],
  ["G.at(now, '1h')", { start: NOW - 3_600_000, end: NOW, point: false }],
  ['G.At(NOW, FOREVER)', { start: 0, end: NOW, point: false }],
  ["G.At('Mon, 02 Jan 2006 15:04:05 MST')", { start: 1136239445000, end: 1136239445000, point: true }],
  ["G.At(1717000000, '0s')", { start: 1717000000000, end: 1717000000000, point: false }],
];

const errors: QueryCases = [
  ['G.At()', 'GREMLIN_INVALID_PARAMS'],
  ["G.At('now')", 'GREMLIN_INVALID_PARAMS'],
  ["G.At('yesterday')", 'GREMLIN_INVALID_PARAMS'],
  ['G.At(TRUE)', 'GREMLIN_INVALID_PARAMS'],
  ["G.At(NOW, 'x')", 'GREMLIN_INVALID_PARAMS'],
  ["G.At(NOW, '-5m')", 'GREMLIN_INVALID_PARAMS'],
  ['G.At(NOW, ASC)', 'GREMLIN_INVALID_PARAMS'],
  ['G.At(FOREVER)', 'GREMLIN_INVALID_PARAMS'],
  ['G.At(1, 2, 3)', 'GREMLIN_INVALID_PARAMS'],
  ['G.V().At(NOW)', 'GREMLIN_INVALID_STEP'],
  ['G.At(NOW).At(NOW)', 'GREMLIN_INVALID_STEP'],
  ['G.At(NOW).V().Context(NOW)', 'GREMLIN_INVALID_STEP'],
];

describe('At and Context', () => {
  const live = fixtureGraph();
  function setup(): { clock: ManualClock; history: FakeHistory; run: (q: string) => Promise<unknown> } {
    const clock = new ManualClock(NOW);
    const past = new MemoryGraph();
    past.addNode({ ID: 'old', Metadata: { Name: 'old', Type: 'veth' } });
    const history = new FakeHistory(past);
    const engine = createEngine(defaultGremlinConfig(), { clock, history });
    return { clock, history, run: async (q) => ids((await engine.execute(q, live)).toJSON()) };
  }

  for (const [q, want] of slices) {
    it(`${q} asks history for ${JSON.stringify(want)}`, async () => {
      const { history, run } = setup();
      await run(q);
      assert.deepEqual(history.slices, [want]);
    });
  }

  it('runs the following steps on the historical graph', async () => {
    const { run } = setup();
    assert.deepEqual(await run("G.At('-5m').V().Has('Type', 'veth')"), ['old']);
    assert.deepEqual(await run('G.At(NOW)'), [{ Nodes: ['old'], Edges: [] }]);
    assert.deepEqual(await run("G.At(NOW).V().Has('Type', 'veth').G.V().Count()"), 1);
  });

  it('resolves relative instants at each execution of a cached query', async () => {
    const { clock, history, run } = setup();
    await run("G.At('-1m').V()");
    clock.advance(10_000);
    await run("G.At('-1m').V()");
    assert.deepEqual(history.slices.map((s) => s.end), [NOW - 60_000, NOW - 50_000]);
  });

  it('fails with GREMLIN_HISTORY_UNSUPPORTED (400) without a history provider', async () => {
    const engine = createEngine(defaultGremlinConfig());
    await assert.rejects(engine.execute("G.At('-5m').V()", live), { code: 'GREMLIN_HISTORY_UNSUPPORTED', statusCode: 400 });
    assert.ok(engine.parse("G.Context(NOW, 60).V()"));
  });

  it('times out when history does not answer within the budget', async () => {
    const engine = createEngine(defaultGremlinConfig(), { history: { view: () => new Promise<GraphView>(() => undefined) } });
    await assert.rejects(engine.execute('G.At(NOW).V()', live, { timeoutMs: 30 }), { code: 'GREMLIN_TIMEOUT', statusCode: 408 });
  });

  for (const [q, code] of errors) {
    it(`${q} fails with ${String(code)}`, async () => {
      const { run } = setup();
      await assert.rejects(run(q), { code });
    });
  }
});
