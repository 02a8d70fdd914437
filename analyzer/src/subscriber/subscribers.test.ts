// /ws/subscriber: live events under both update policies, SyncRequest/SyncReply, and filtered views kept
// by per-element filters or by debounced re-runs.
import assert from 'node:assert/strict';
import type { Analyzer } from '../analyzer.js';
import { type FakeQueryEngine, SAMPLE_QUERIES, sampleEngine, startTestAnalyzer } from '../testing.js';
import { TestWsClient, type WsMessage, refusedUpgrade } from '../ws/test-client.js';

type Topo = { Nodes: { ID: string }[]; Edges: { ID: string }[] };
const ids = (m: WsMessage): { nodes: string[]; edges: string[] } => {
  const t = m.Obj as Topo;
  return { nodes: t.Nodes.map((n) => n.ID).sort(), edges: t.Edges.map((e) => e.ID).sort() };
};
const summary = (msgs: WsMessage[]): string[] => msgs.map((m) => `${m.Type}:${(m.Obj as { ID: string }).ID}`);
/** The next `n` messages, as "Type:ID". */
const take = async (c: TestWsClient, n: number): Promise<string[]> => {
  const got: WsMessage[] = [];
  for (let i = 0; i < n; i++) got.push(await c.next());
  return summary(got);
};

describe('subscriber endpoint', () => {
  let analyzer: Analyzer;
  let engine: FakeQueryEngine;
  let url: string;
  const clients: TestWsClient[] = [];

  beforeEach(async () => {
    engine = sampleEngine();
    const started = await startTestAnalyzer(undefined, { engine });
    analyzer = started.analyzer;
    url = `${started.ws}/ws/subscriber`;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await analyzer.stop();
  });

  const connect = async (headers: Record<string, string> = {}, path = ''): Promise<TestWsClient> => {
    const c = await TestWsClient.connect(url + path, { 'X-Client-Type': 'webui', ...headers });
    clients.push(c);
    return c;
  };
  const node = (id: string, md: Record<string, unknown> = {}) => analyzer.graph.addNode({ ID: id, Metadata: { Name: id, Type: 'device', ...md } });
  const edge = (id: string, p: string, c: string, rel = 'layer2') => analyzer.graph.addEdge({ ID: id, Parent: p, Child: c, Metadata: { RelationType: rel } });

  it('sends every graph change as full elements by default', async () => {
    const c = await connect();
    node('a');
    node('b');
    edge('e', 'a', 'b');
    analyzer.graph.updateNode('a', { set: { MTU: 1500 } });
    analyzer.graph.updateEdge('e', { set: { Speed: 10 } });
    analyzer.graph.deleteNode('a');
    const got: WsMessage[] = [];
    for (let i = 0; i < 7; i++) got.push(await c.next());
    assert.deepEqual(summary(got), ['NodeAdded:a', 'NodeAdded:b', 'EdgeAdded:e', 'NodeUpdated:a', 'EdgeUpdated:e', 'EdgeDeleted:e', 'NodeDeleted:a']);
    assert.equal((got[3]?.Obj as { Metadata: { MTU: number } }).Metadata.MTU, 1500);
    assert.equal(typeof (got[6]?.Obj as { DeletedAt: number }).DeletedAt, 'number');
    assert.ok(got.every((m) => m.Namespace === 'Graph' && m.Status === 200 && typeof m.UUID === 'string'));
  });

  it('sends partial updates with the event ops under the partial policy (query-parameter handshake)', async () => {
    const c = await connect({}, '?x-host-id=ui-2&x-update-policy=partial');
    node('a', { Old: 1 });
    node('b');
    edge('e', 'a', 'b');
    analyzer.graph.updateNode('a', { set: { State: 'DOWN' }, delete: ['Old'] });
    analyzer.graph.updateEdge('e', { set: { Speed: 10 } });
    const n = await c.nextOfType('NodePartiallyUpdated');
    assert.deepEqual(Object.keys(n.Obj as object).sort(), ['ID', 'Ops', 'Revision', 'UpdatedAt']);
    assert.deepEqual((n.Obj as { Ops: unknown }).Ops, [{ Type: 1, Key: 'State', Value: 'DOWN' }, { Type: 2, Key: 'Old' }]);
    assert.equal((n.Obj as { Revision: number }).Revision, 2);
    const e = await c.nextOfType('EdgePartiallyUpdated');
    assert.deepEqual((e.Obj as { Ops: unknown }).Ops, [{ Type: 1, Key: 'Speed', Value: 10 }]);
    const status = (await analyzer.http!.inject({ method: 'GET', url: '/api/status' })).json();
    assert.equal(status.Subscribers['ui-2'].UpdatePolicy, 'partial');
  });

  it('answers SyncRequest with the whole graph under the request UUID', async () => {
    node('a');
    node('b');
    edge('e', 'a', 'b');
    const c = await connect();
    const reply = await c.request('SyncRequest', {});
    assert.equal(reply.Type, 'SyncReply');
    assert.equal(reply.Status, 200);
    assert.deepEqual(ids(reply), { nodes: ['a', 'b'], edges: ['e'] });
    const nullObj = await c.request('SyncRequest', null);
    assert.equal(nullObj.Status, 200);
  });

  it('refuses SyncRequest.Time, bad filters and non-graph filters with Status 400 and a Code', async () => {
    const c = await connect();
    const time = await c.request('SyncRequest', { Time: 1_700_000_000_000 });
    assert.deepEqual([time.Type, time.Status, time.Code], ['SyncReply', 400, 'ANALYZER_HISTORY_UNAVAILABLE']);
    assert.equal(typeof time.Obj, 'string');
    const parse = await c.request('SyncRequest', { GremlinFilter: 'G.V(' });
    assert.deepEqual([parse.Status, parse.Code], [400, 'GREMLIN_PARSE_ERROR']);
    const value = await c.request('SyncRequest', { GremlinFilter: SAMPLE_QUERIES.count });
    assert.deepEqual([value.Status, value.Code], [400, 'ANALYZER_FILTER_NOT_GRAPH']);
    const typed = await c.request('SyncRequest', { GremlinFilter: 5 });
    assert.deepEqual([typed.Status, typed.Code], [400, 'ANALYZER_VALIDATION_ERROR']);
    node('still-unfiltered');
    assert.deepEqual(await take(c, 1), ['NodeAdded:still-unfiltered']);
  });

  it('keeps a per-element filter up to date: diff adds and deletes, then forwarded updates', async () => {
    node('b1', { Color: 'blue' });
    node('b2', { Color: 'blue' });
    node('r', { Color: 'red' });
    edge('e-b', 'b1', 'b2');
    edge('e-r', 'b1', 'r');
    edge('e-h', 'b2', 'b1', 'hidden');
    const c = await connect();
    const reply = await c.request('SyncRequest', { GremlinFilter: SAMPLE_QUERIES.blue });
    assert.deepEqual(ids(reply), { nodes: ['b1', 'b2'], edges: ['e-b'] });
    analyzer.graph.updateNode('r', { set: { Color: 'blue' } });
    assert.deepEqual(await take(c, 2), ['NodeAdded:r', 'EdgeAdded:e-r']);
    analyzer.graph.updateNode('r', { set: { MTU: 9000 } });
    node('x', { Color: 'green' });
    edge('e-x', 'x', 'b1');
    assert.deepEqual(await take(c, 1), ['NodeUpdated:r']);
    analyzer.graph.updateNode('b1', { set: { Color: 'red' } });
    assert.deepEqual(await take(c, 3), ['EdgeDeleted:e-b', 'EdgeDeleted:e-r', 'NodeDeleted:b1']);
    analyzer.graph.deleteNode('b2');
    assert.deepEqual(await take(c, 1), ['NodeDeleted:b2']);
    assert.deepEqual(await c.drain(30), []);
    assert.equal(engine.executions.get(SAMPLE_QUERIES.blue) ?? 0, 0);
  });

  it('keeps the filter when GremlinFilter is absent and drops it when empty', async () => {
    node('b', { Color: 'blue' });
    node('r', { Color: 'red' });
    const c = await connect();
    await c.request('SyncRequest', { GremlinFilter: SAMPLE_QUERIES.blue });
    assert.deepEqual(ids(await c.request('SyncRequest', {})), { nodes: ['b'], edges: [] });
    assert.deepEqual(ids(await c.request('SyncRequest', { GremlinFilter: null })), { nodes: ['b'], edges: [] });
    const listed = (await analyzer.http!.inject({ method: 'GET', url: '/api/status' })).json().Subscribers;
    assert.equal((Object.values(listed)[0] as { GremlinFilter?: string }).GremlinFilter, SAMPLE_QUERIES.blue);
    assert.deepEqual(ids(await c.request('SyncRequest', { GremlinFilter: '' })), { nodes: ['b', 'r'], edges: [] });
    node('g', { Color: 'green' });
    assert.deepEqual(await take(c, 1), ['NodeAdded:g']);
  });

  it('takes the filter from the handshake and refuses a bad one with 400', async () => {
    node('b', { Color: 'blue' });
    const c = await connect({ 'X-Gremlin-Filter': SAMPLE_QUERIES.blue });
    node('r', { Color: 'red' });
    node('b2', { Color: 'blue' });
    assert.deepEqual(await take(c, 1), ['NodeAdded:b2']);
    assert.deepEqual(ids(await c.request('SyncRequest', {})), { nodes: ['b', 'b2'], edges: [] });
    const q = await connect({}, `?x-host-id=q&x-gremlin-filter=${encodeURIComponent(SAMPLE_QUERIES.blue)}`);
    assert.deepEqual(ids(await q.request('SyncRequest', {})), { nodes: ['b', 'b2'], edges: [] });
    const bad = await refusedUpgrade(url, { 'X-Gremlin-Filter': 'G.V(' });
    assert.equal(bad.status, 400);
    assert.equal((bad.body as { code: string }).code, 'GREMLIN_PARSE_ERROR');
    const value = await refusedUpgrade(url, { 'X-Gremlin-Filter': SAMPLE_QUERIES.count });
    assert.equal((value.body as { code: string }).code, 'ANALYZER_FILTER_NOT_GRAPH');
  });

  it('re-runs a filter without a per-element form after a debounce and diffs by ID', async () => {
    node('v1', { Type: 'veth' });
    node('d', { Type: 'device' });
    const c = await connect({ 'X-Update-Policy': 'partial' });
    assert.deepEqual(ids(await c.request('SyncRequest', { GremlinFilter: SAMPLE_QUERIES.veth })), { nodes: ['v1'], edges: [] });
    const runs = engine.executions.get(SAMPLE_QUERIES.veth) ?? 0;
    node('v2', { Type: 'veth' });
    analyzer.graph.updateNode('v1', { set: { MTU: 1 } });
    analyzer.graph.updateNode('v1', { set: { MTU: 2 } });
    analyzer.graph.updateNode('d', { set: { MTU: 3 } });
    analyzer.graph.updateNode('d', { set: { Type: 'veth' } });
    analyzer.graph.updateNode('v2', { set: { Type: 'device' } });
    const got = [await c.next(), await c.next()];
    assert.deepEqual(summary(got), ['NodeAdded:d', 'NodePartiallyUpdated:v1']);
    assert.deepEqual((got[1]?.Obj as { Ops: unknown }).Ops, [{ Type: 1, Key: 'MTU', Value: 1 }, { Type: 1, Key: 'MTU', Value: 2 }]);
    assert.equal((engine.executions.get(SAMPLE_QUERIES.veth) ?? 0) - runs, 1);
    analyzer.graph.deleteNode('v1');
    assert.deepEqual(await take(c, 1), ['NodeDeleted:v1']);
    assert.deepEqual(await c.drain(60), []);
  });

  it('answers an unknown message with an Error reply echoing the UUID', async () => {
    const c = await connect();
    const reply = await c.request('NodeAdded', { ID: 'x' });
    assert.equal(reply.Type, 'Error');
    assert.equal(reply.Status, 400);
    assert.equal((reply.Obj as { code: string }).code, 'ANALYZER_WS_UNKNOWN_TYPE');
    c.sendRaw('not json');
    const bad = await c.nextOfType('Error');
    assert.equal((bad.Obj as { code: string }).code, 'ANALYZER_WS_INVALID_MESSAGE');
    assert.equal((await c.request('SyncRequest', {})).Status, 200);
  });
});
