// /ws/publisher: graph messages applied under the connection's origin, Sync, DeleteOnDisconnect, and an
// Error reply for every malformed message without losing the connection or the graph.
import assert from 'node:assert/strict';
import type { Analyzer } from '../analyzer.js';
import { sampleEngine, startTestAnalyzer } from '../testing.js';
import { TestWsClient, type WsMessage } from '../ws/test-client.js';

const code = (m: WsMessage): string => (m.Obj as { code: string }).code;

describe('publisher endpoint', () => {
  let analyzer: Analyzer;
  let url: string;
  const clients: TestWsClient[] = [];

  beforeEach(async () => {
    const started = await startTestAnalyzer((c) => {
      c.analyzer.publisher.syncBatch = 3;
    }, { engine: sampleEngine() });
    analyzer = started.analyzer;
    url = `${started.ws}/ws/publisher`;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await analyzer.stop();
  });

  const connect = async (headers: Record<string, string> = {}): Promise<TestWsClient> => {
    const c = await TestWsClient.connect(url, { 'X-Host-ID': 'pub', 'X-Client-Type': 'seed', ...headers });
    clients.push(c);
    return c;
  };
  /** Sends then round-trips a SyncRequest so every earlier message has been applied. */
  const settle = async (c: TestWsClient): Promise<void> => {
    await c.request('SyncRequest', {});
  };
  const node = (id: string, md: Record<string, unknown> = {}) => ({ ID: id, Metadata: { Name: id, Type: 'device', ...md } });
  const edge = (id: string, p: string, ch: string) => ({ ID: id, Parent: p, Child: ch, Metadata: { RelationType: 'layer2' } });

  it('adds nodes and edges under the connection origin, whatever Origin they carry', async () => {
    const c = await connect();
    c.send('NodeAdded', { ...node('a'), Origin: 'spoofed' });
    c.send('NodeAdded', node('b'));
    c.send('EdgeAdded', edge('e', 'a', 'b'));
    await settle(c);
    assert.equal(analyzer.graph.getNode('a')?.Origin, 'seed.pub');
    assert.equal(analyzer.graph.getNode('a')?.Host, 'pub');
    assert.equal(analyzer.graph.getEdge('e')?.Origin, 'seed.pub');
    assert.deepEqual(c.pending, []);
  });

  it('ignores an add of an existing ID', async () => {
    const c = await connect();
    c.send('NodeAdded', node('a', { V: 1 }));
    c.send('NodeAdded', node('a', { V: 2 }));
    await settle(c);
    assert.equal(analyzer.graph.getNode('a')?.Metadata.V, 1);
    assert.deepEqual(c.pending, []);
  });

  it('applies full updates (newer revisions only), partial updates and deletions', async () => {
    const c = await connect();
    c.send('NodeAdded', node('a'));
    c.send('NodeAdded', node('b'));
    c.send('EdgeAdded', edge('e', 'a', 'b'));
    c.send('NodeUpdated', { ...node('a', { MTU: 1 }) });
    await settle(c);
    assert.equal(analyzer.graph.getNode('a')?.Metadata.MTU, 1);
    assert.equal(analyzer.graph.getNode('a')?.Revision, 2);
    c.send('NodeUpdated', { ...node('a', { MTU: 5 }), Revision: 7 });
    c.send('NodeUpdated', { ...node('a', { MTU: 6 }), Revision: 3 });
    await settle(c);
    assert.equal(analyzer.graph.getNode('a')?.Metadata.MTU, 5);
    assert.equal(analyzer.graph.getNode('a')?.Revision, 7);
    c.send('NodePartiallyUpdated', { ID: 'a', Revision: 8, UpdatedAt: 123, Ops: [{ Type: 1, Key: 'State', Value: 'UP' }, { Type: 2, Key: 'MTU' }] });
    c.send('EdgePartiallyUpdated', { ID: 'e', Ops: [{ Type: 1, Key: 'Speed', Value: 10 }] });
    c.send('EdgeUpdated', { ...edge('e', 'a', 'b'), Metadata: { RelationType: 'layer2', Speed: 20, Duplex: 'full' } });
    await settle(c);
    assert.deepEqual(analyzer.graph.getNode('a')?.Metadata, { Name: 'a', Type: 'device', State: 'UP' });
    assert.equal(analyzer.graph.getNode('a')?.UpdatedAt, 123);
    assert.deepEqual(analyzer.graph.getEdge('e')?.Metadata, { RelationType: 'layer2', Speed: 20, Duplex: 'full' });
    c.send('EdgeDeleted', { ID: 'e' });
    c.send('NodeDeleted', { ID: 'b', DeletedAt: 5 });
    c.send('NodeDeleted', { ID: 'never-existed' });
    await settle(c);
    assert.equal(analyzer.graph.getEdge('e'), undefined);
    assert.equal(analyzer.graph.getNode('b'), undefined);
    assert.deepEqual(c.pending, []);
  });

  it('replaces everything of its origin on Sync, nodes before edges', async () => {
    analyzer.graph.addNode({ ID: 'foreign', Origin: 'agent.h1', Metadata: { Name: 'f', Type: 'host' } });
    const c = await connect();
    c.send('NodeAdded', node('old'));
    await settle(c);
    c.send('Sync', {
      Nodes: [node('n1'), node('n2'), node('n3'), node('n4'), { ...node('foreign'), Metadata: { Name: 'x', Type: 'host' } }],
      Edges: [edge('e1', 'n1', 'n2'), edge('e2', 'n3', 'n4'), edge('e3', 'n4', 'foreign')],
    });
    await settle(c);
    const g = analyzer.graph;
    assert.equal(g.getNode('old'), undefined);
    assert.deepEqual(['n1', 'n2', 'n3', 'n4'].map((id) => g.getNode(id)?.Origin), ['seed.pub', 'seed.pub', 'seed.pub', 'seed.pub']);
    assert.equal(g.getNode('foreign')?.Origin, 'agent.h1');
    assert.equal(g.getNode('foreign')?.Metadata.Name, 'f');
    assert.equal(g.edgeCount, 3);
    assert.deepEqual(c.pending, []);
  });

  it('applies the valid part of a Sync and reports the skipped elements', async () => {
    const c = await connect();
    c.send('Sync', { Nodes: [node('n1'), { ID: 'bad', Metadata: {} }], Edges: [edge('e1', 'n1', 'missing')] });
    const err = await c.nextOfType('Error');
    assert.equal(code(err), 'ANALYZER_VALIDATION_ERROR');
    const details = (err.Obj as { details: { skipped: number; problems: { path: string; code: string }[] } }).details;
    assert.equal(details.skipped, 2);
    assert.deepEqual(details.problems.map((p) => [p.path, p.code]), [
      ['Nodes[1]', 'ANALYZER_VALIDATION_ERROR'], ['Edges[0]', 'GRAPH_ENDPOINT_NOT_FOUND'],
    ]);
    assert.ok(analyzer.graph.getNode('n1'));
  });

  it('answers SyncRequest with the whole graph', async () => {
    analyzer.graph.addNode({ ID: 'x', Metadata: { Name: 'x', Type: 'host' } });
    const c = await connect();
    const reply = await c.request('SyncRequest', {});
    assert.equal(reply.Type, 'SyncReply');
    assert.deepEqual((reply.Obj as { Nodes: { ID: string }[] }).Nodes.map((n) => n.ID), ['x']);
  });

  it('answers each malformed message with an Error reply and keeps going', async () => {
    const c = await connect();
    c.send('NodeAdded', node('a'));
    const cases: [() => string | undefined, string, number][] = [
      [() => (c.sendRaw('{oops'), undefined), 'ANALYZER_WS_INVALID_MESSAGE', 400],
      [() => (c.sendRaw('[1,2]'), undefined), 'ANALYZER_WS_INVALID_MESSAGE', 400],
      [() => (c.sendRaw(JSON.stringify({ Namespace: 'Graph' })), undefined), 'ANALYZER_WS_INVALID_MESSAGE', 400],
      [() => c.send('Frobnicate', {}), 'ANALYZER_WS_UNKNOWN_TYPE', 400],
      [() => c.send('NodeAdded', { ID: 'x', Metadata: { Type: 'device' } }), 'ANALYZER_VALIDATION_ERROR', 400],
      [() => c.send('NodeAdded', 'not an object'), 'ANALYZER_VALIDATION_ERROR', 400],
      [() => c.send('EdgeAdded', edge('e', 'a', 'ghost')), 'GRAPH_ENDPOINT_NOT_FOUND', 400],
      [() => c.send('EdgeAdded', { ID: 'e', Parent: 'a', Child: 'a', Metadata: {} }), 'ANALYZER_VALIDATION_ERROR', 400],
      [() => c.send('NodeUpdated', node('ghost')), 'GRAPH_NODE_NOT_FOUND', 404],
      [() => c.send('NodePartiallyUpdated', { ID: 'a', Ops: [{ Type: 3, Key: 'x' }] }), 'ANALYZER_VALIDATION_ERROR', 400],
      [() => c.send('NodePartiallyUpdated', { ID: 'a', Ops: [{ Type: 1, Key: 'x' }] }), 'ANALYZER_VALIDATION_ERROR', 400],
      [() => c.send('EdgePartiallyUpdated', { ID: 'ghost', Ops: [] }), 'GRAPH_EDGE_NOT_FOUND', 404],
      [() => c.send('Sync', { Nodes: 'many' }), 'ANALYZER_VALIDATION_ERROR', 400],
    ];
    for (const [send, expected, status] of cases) {
      const uuid = send();
      const reply = await c.nextOfType('Error');
      assert.equal(code(reply), expected, String(send));
      assert.equal(reply.Status, status);
      if (uuid !== undefined) assert.equal(reply.UUID, uuid);
    }
    c.sendRaw(JSON.stringify({ Namespace: 'Other', Type: 'X', UUID: 'u-1' }));
    const other = await c.nextOfType('Error');
    assert.deepEqual([other.Namespace, other.UUID, code(other)], ['Other', 'u-1', 'ANALYZER_WS_UNKNOWN_TYPE']);
    await settle(c);
    assert.ok(analyzer.graph.getNode('a'));
    assert.equal(analyzer.graph.nodeCount, 1);
    const metrics = (await analyzer.http!.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /topoflow_analyzer_ws_messages_rejected_total\{endpoint="publisher",code="ANALYZER_VALIDATION_ERROR"\} [1-9]/);
  });

  it('deletes its elements on disconnect with DeleteOnDisconnect, and keeps them otherwise', async () => {
    const volatile = await connect({ 'X-Host-ID': 'v', 'X-Persistence-Policy': 'DeleteOnDisconnect' });
    const persistent = await connect({ 'X-Host-ID': 'p' });
    volatile.send('NodeAdded', node('va'));
    volatile.send('NodeAdded', node('vb'));
    volatile.send('EdgeAdded', edge('ve', 'va', 'vb'));
    persistent.send('NodeAdded', node('pa'));
    await settle(volatile);
    await settle(persistent);
    await volatile.close();
    await persistent.close();
    const deadline = Date.now() + 2000;
    while (analyzer.graph.getNode('va') !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(analyzer.graph.getNode('va'), undefined);
    assert.equal(analyzer.graph.getEdge('ve'), undefined);
    assert.equal(analyzer.graph.getNode('pa')?.Origin, 'seed.p');
  });

  it('closes a connection whose message exceeds ws.maxPayload, and keeps serving others', async () => {
    const { analyzer: small, ws } = await startTestAnalyzer((c) => {
      c.analyzer.ws.maxPayload = '1KiB';
    }, { engine: sampleEngine() });
    try {
      const c = await TestWsClient.connect(`${ws}/ws/publisher`, { 'X-Host-ID': 'big' });
      c.send('NodeAdded', node('a', { Pad: 'x'.repeat(2048) }));
      assert.equal((await c.closed).code, 1009);
      const other = await TestWsClient.connect(`${ws}/ws/publisher`, { 'X-Host-ID': 'ok' });
      other.send('NodeAdded', node('b'));
      await settle(other);
      await other.close();
      assert.equal(small.graph.nodeCount, 1);
    } finally {
      await small.stop();
    }
  });

  it('refuses an unknown persistence policy', async () => {
    await assert.rejects(TestWsClient.connect(url, { 'X-Persistence-Policy': 'Forever' }), (err: { status?: number }) => err.status === 400);
  });
});
