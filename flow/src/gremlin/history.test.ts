import { strict as assert } from 'node:assert';
import type { FlowRawPacketRecord } from '../query/contract.js';
import { brief, FakeFlowSource, fixtureFlows, flow, flowFixtureGraph, flowTestEngine, metric } from '../testing.js';

const graph = flowFixtureGraph();
const T = 1717000000;
const MS = T * 1000;

const stored = [
  flow('h1', 'k1', { NodeTID: 'tid-veth0', Start: MS - 700_000, Last: MS - 650_000 }),
  flow('h2', 'k2', { NodeTID: 'tid-veth0', Start: MS - 900_000, Last: MS - 670_000 }),
  flow('h3', 'k3', { NodeTID: 'tid-eth0', Start: MS + 1000, Last: MS + 2000 }),
  flow('h4', 'k4', { NodeTID: 'tid-eth0', Start: MS - 30_000, Last: MS - 10_000 }),
];
const m1 = metric([1, 100], [1, 10], MS - 30_000, MS - 20_000);
const m2 = metric([2, 200], [0, 0], MS - 20_000, MS - 10_000);
const old = metric([5, 500], [5, 500], MS - 700_000, MS - 690_000);
const packet = (UUID: string, Index: number, Timestamp: number): FlowRawPacketRecord =>
  ({ UUID, Packet: { Timestamp, Index, Data: Buffer.from([Index]).toString('base64'), LinkType: 1 } });

function setup(expireMs?: number) {
  const source = new FakeFlowSource({
    live: fixtureFlows(), history: stored,
    metrics: [{ UUID: 'h4', Metric: m2 }, { UUID: 'h1', Metric: old }, { UUID: 'h4', Metric: m1 }],
    rawPackets: [packet('h4', 1, MS - 25_000), packet('h4', 0, MS - 26_000), packet('h4', 2, MS - 90_000)],
  });
  const engine = flowTestEngine({ source, ...(expireMs === undefined ? {} : { expireMs }) }, graph);
  const run = async (q: string): Promise<unknown> => brief((await engine.execute(q, graph)).toJSON());
  return { source, run };
}

describe('flow steps under a time context', () => {
  it('reads history for flows active in [slice start − expire, slice end]', async () => {
    const { source, run } = setup();
    assert.deepEqual(await run(`G.At(${T}, 60).Flows()`), ['h1', 'h4']);
    assert.deepEqual(source.calls.map((c) => [c.method, (c as { range?: unknown }).range]),
      [['history', { from: MS - 660_000, to: MS }]]);
  });

  it('uses the configured expiry, and the instant for At(t) without a duration', async () => {
    const { source, run } = setup(0);
    assert.deepEqual(await run(`G.At(${T}, 60).Flows()`), ['h4']);
    assert.deepEqual(await run(`G.Context(${T}).Flows()`), []);
    assert.deepEqual((source.calls[1] as { range: unknown }).range, { from: MS, to: MS });
    assert.deepEqual(await setup().run(`G.At(${T}).Flows()`), ['h4']);
  });

  it('restricts history to the TIDs of the nodes of the historical graph', async () => {
    const { source, run } = setup();
    assert.deepEqual(await run(`G.At(${T}, 60).V().Has('Name', 'veth0').Flows()`), ['h1']);
    assert.deepEqual((source.calls[0] as { search: { nodeTIDs?: unknown } }).search.nodeTIDs, ['tid-veth0']);
  });

  it('applies following steps to stored flows as to live ones', async () => {
    const { run } = setup();
    assert.deepEqual(await run(`G.At(${T}, 60).Flows().Sort(DESC).Limit(1).Hops()`), ['eth0']);
    assert.deepEqual(await run(`G.At(${T}, 60).Flows().Has('NodeTID', 'tid-veth0').Count()`), 1);
  });

  it('reads the stored metrics of the flows over the slice', async () => {
    const { source, run } = setup();
    assert.deepEqual(await run(`G.At(${T}, 60).Flows().Metrics()`), [{ h4: [m1, m2] }]);
    assert.deepEqual(source.calls[1], { method: 'metrics', uuids: ['h1', 'h4'], range: { from: MS - 60_000, to: MS } });
  });

  it('reads every stored metric up to the instant of At(t)', async () => {
    const { run } = setup();
    assert.deepEqual(await run(`G.At(${T}).Flows().Has('UUID', 'h4').Metrics()`), [{ h4: [m1, m2] }]);
    assert.deepEqual(await run(`G.At(${T}, 3600).Flows().Has('UUID', 'h1').Metrics().Count()`), 1);
  });

  it('aggregates over the buckets of the slice', async () => {
    const { run } = setup();
    assert.deepEqual(await run(`G.At(${T}, 60).Flows().Metrics().Aggregates(30)`),
      [{ Aggregated: [metric([3, 300], [1, 10], MS - 30_000, MS)] }]);
  });

  it('refuses more than 10000 buckets', async () => {
    const { run } = setup();
    await assert.rejects(run(`G.At(${T}, 86400).Flows().Metrics().Aggregates(1)`), { code: 'GREMLIN_TOO_MANY_BUCKETS' });
  });

  it('reads stored raw packets over the slice, by Index', async () => {
    const { source, run } = setup();
    const json = await run(`G.At(${T}, 60).Flows().RawPackets()`) as [Record<string, { Index: number }[]>];
    assert.deepEqual(Object.keys(json[0]), ['h4']);
    assert.deepEqual(json[0].h4?.map((p) => p.Index), [0, 1]);
    assert.deepEqual(source.calls[1], { method: 'rawPackets', uuids: ['h1', 'h4'], range: { from: MS - 60_000, to: MS } });
  });

  it('fails with a clear error, asking nothing, when the source keeps no history', async () => {
    const source = new FakeFlowSource({ live: fixtureFlows() });
    const engine = flowTestEngine({ source }, graph);
    await assert.rejects(engine.execute(`G.At(${T}).Flows()`, graph), { code: 'GREMLIN_HISTORY_UNSUPPORTED', statusCode: 400 });
    await assert.rejects(engine.execute(`G.At(${T}).V().Flows()`, graph), { code: 'GREMLIN_HISTORY_UNSUPPORTED' });
    assert.equal(source.calls.length, 0);
    assert.equal((await engine.execute('G.Flows().Count()', graph)).toJSON(), 5);
  });
});
