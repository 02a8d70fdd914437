// /ws/agent/topology: the diffed Sync, batched events, deletion of the agent's subgraph on disconnect, malformed
// messages (error reply, metric, connection closed, analyzer unharmed) and one connection per host ID.
import assert from 'node:assert/strict';
import type { GraphEvent } from '@topoflow/graph';
import type { Analyzer } from '../analyzer.js';
import { sampleEngine, startTestAnalyzer } from '../testing.js';
import { TestWsClient, refusedUpgrade } from '../ws/test-client.js';

const HEADERS = { 'X-Host-ID': 'h1', 'X-Client-Type': 'agent', 'X-Persistence-Policy': 'DeleteOnDisconnect' };
const ORIGIN = 'agent.h1';

const node = (id: string, rev = 1, md: Record<string, unknown> = {}) => ({
  ID: id, Metadata: { Name: id, Type: 'device', ...md }, Host: 'h1', Origin: ORIGIN, CreatedAt: 1000, UpdatedAt: 1000 + rev, DeletedAt: null, Revision: rev,
});
const edge = (id: string, p: string, c: string, rev = 1) => ({
  ...node(id, rev, { RelationType: 'ownership' }), Metadata: { RelationType: 'ownership' }, Parent: p, Child: c,
});
const env = (Type: string, Obj: unknown) => ({ Namespace: 'Graph', Type, Obj });

async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('agent endpoint', () => {
  let analyzer: Analyzer;
  let base: string;
  let url: string;
  const clients: TestWsClient[] = [];

  beforeEach(async () => {
    const started = await startTestAnalyzer((c) => {
      c.analyzer.agents.syncBatch = 2;
    }, { engine: sampleEngine() });
    analyzer = started.analyzer;
    base = started.base;
    url = `${started.ws}/ws/agent/topology`;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await analyzer.stop();
  });

  const connect = async (headers: Record<string, string> = HEADERS): Promise<TestWsClient> => {
    const c = await TestWsClient.connect(url, headers);
    clients.push(c);
    return c;
  };
  const ids = () => [...analyzer.graph.nodes()].filter((n) => n.Origin === ORIGIN).map((n) => n.ID).sort();
  const metric = async (name: string): Promise<string> => {
    const text = await (await fetch(`${base}/metrics`)).text();
    return text.split('\n').filter((l) => l.startsWith(name)).join('\n');
  };

  it('applies a Sync, then a second Sync as a diff that keeps unchanged elements', async () => {
    const c = await connect();
    c.sendRaw(JSON.stringify([env('Sync', { Nodes: [node('a'), node('b'), node('c')], Edges: [edge('ab', 'a', 'b'), edge('bc', 'b', 'c')] })]));
    await waitFor(() => ids().length === 3 && analyzer.graph.edgeCount === 2);
    const events: GraphEvent[] = [];
    analyzer.graph.onAny((e) => events.push(e));
    c.sendRaw(JSON.stringify([env('Sync', { Nodes: [node('a'), node('b', 2, { Color: 'red' }), node('d')], Edges: [edge('ab', 'a', 'b')] })]));
    await waitFor(() => ids().join() === 'a,b,d');
    assert.equal(analyzer.graph.getNode('b')?.Metadata.Color, 'red');
    assert.equal(analyzer.graph.getNode('b')?.Revision, 2);
    assert.equal(analyzer.graph.getEdge('bc'), undefined);
    assert.ok(analyzer.graph.getEdge('ab'));
    // a and ab were unchanged: no event touched them.
    const touched = events.map((e) => ('node' in e ? e.node.ID : e.edge.ID));
    assert.ok(!touched.includes('a') && !touched.includes('ab'), touched.join());
    assert.match(await metric('topoflow_analyzer_agents_sync_elements_total{result="unchanged"}'), / 2$/);
  });

  it('re-creates an element whose revision went backwards (agent restart)', async () => {
    const c = await connect();
    c.sendRaw(JSON.stringify([env('Sync', { Nodes: [node('a', 5, { V: 'old' })], Edges: [] })]));
    await waitFor(() => analyzer.graph.getNode('a')?.Revision === 5);
    c.sendRaw(JSON.stringify([env('Sync', { Nodes: [node('a', 1, { V: 'new' })], Edges: [] })]));
    await waitFor(() => analyzer.graph.getNode('a')?.Metadata.V === 'new');
    assert.equal(analyzer.graph.getNode('a')?.Revision, 1);
  });

  it('applies batched events in order, idempotently, under the agent origin', async () => {
    const c = await connect();
    c.sendRaw(JSON.stringify([env('Sync', { Nodes: [node('a')], Edges: [] })]));
    c.sendRaw(JSON.stringify([
      env('NodeAdded', { ...node('b'), Origin: 'elsewhere' }),
      env('EdgeAdded', edge('ab', 'a', 'b')),
      env('NodeUpdated', node('a', 2, { State: 'UP' })),
      env('NodeUpdated', node('a', 2, { State: 'IGNORED' })),
      env('NodePartiallyUpdated', { ID: 'b', UpdatedAt: 2000, Revision: 2, Ops: [{ Type: 1, Key: 'MTU', Value: 1500 }] }),
    ]));
    c.sendRaw(JSON.stringify(env('EdgeDeleted', { ...edge('ab', 'a', 'b'), DeletedAt: 3000 })));
    await waitFor(() => analyzer.graph.getNode('b')?.Metadata.MTU === 1500 && analyzer.graph.getEdge('ab') === undefined);
    assert.equal(analyzer.graph.getNode('a')?.Metadata.State, 'UP');
    assert.equal(analyzer.graph.getNode('b')?.Origin, ORIGIN);
    c.sendRaw(JSON.stringify([env('NodeDeleted', { ...node('b', 2), DeletedAt: 4000 })]));
    await waitFor(() => analyzer.graph.getNode('b') === undefined);
    assert.match(await metric('topoflow_analyzer_agents_events_total{result="ignored"}'), / 1$/);
  });

  it('deletes the agent subgraph when the connection ends, and lists the agent in /api/status meanwhile', async () => {
    analyzer.graph.addNode({ ID: 'keep', Metadata: { Name: 'keep', Type: 'switch' } });
    const c = await connect();
    c.sendRaw(JSON.stringify([env('Sync', { Nodes: [node('a'), node('b')], Edges: [edge('ab', 'a', 'b')] })]));
    await waitFor(() => ids().length === 2);
    const status = await (await fetch(`${base}/api/status`)).json() as { Agents: Record<string, Record<string, unknown>> };
    assert.equal(status.Agents.h1?.ServiceType, 'agent');
    assert.equal(status.Agents.h1?.IsConnected, true);
    assert.equal(status.Agents.h1?.RemoteHost, 'h1');
    for (const k of ['ClientProtocol', 'Addr', 'Port', 'ConnectTime']) assert.ok(k in (status.Agents.h1 ?? {}), k);
    const started = Date.now();
    c.socket.terminate();
    await waitFor(() => ids().length === 0, 5000);
    assert.ok(Date.now() - started < 5000);
    assert.equal(analyzer.graph.edgeCount, 0);
    assert.ok(analyzer.graph.getNode('keep'));
    await waitFor(() => analyzer.agents.size === 0);
  });

  it('answers a malformed message with an error, counts it, closes the connection and keeps serving', async () => {
    const c = await connect();
    c.sendRaw(JSON.stringify([env('Sync', { Nodes: [node('a')], Edges: [] })]));
    c.sendRaw(JSON.stringify([env('NodeAdded', node('z')), env('NodeAdded', { ID: 'bad', Revision: 'x' })]));
    const reply = await c.nextOfType('Error');
    assert.equal(reply.Status, 400);
    assert.equal((reply.Obj as { code: string }).code, 'GRAPH_DECODE_ERROR');
    const closed = await c.closed;
    assert.equal(closed.code, 1008);
    assert.match(closed.reason, /GRAPH_DECODE_ERROR/);
    await waitFor(() => ids().length === 0);
    assert.match(await metric('topoflow_analyzer_agents_malformed_messages_total{code="GRAPH_DECODE_ERROR"}'), / 1$/);
    assert.match(await metric('topoflow_analyzer_ws_messages_rejected_total{endpoint="agent",code="GRAPH_DECODE_ERROR"}'), / 1$/);
    for (const text of ['not json', '[{"Type": "Sync"}]', JSON.stringify(env('Hello', {})), JSON.stringify(env('Sync', { Nodes: 3 }))]) {
      const other = await connect();
      other.sendRaw(text);
      const r = await other.nextOfType('Error');
      assert.equal(r.Status, 400);
      assert.equal((await other.closed).code, 1008);
    }
    assert.equal((await fetch(`${base}/api`)).status, 200);
    const again = await connect();
    again.sendRaw(JSON.stringify([env('Sync', { Nodes: [node('a')], Edges: [] })]));
    await waitFor(() => ids().length === 1);
  });

  it('closes an agent whose partial update skips a revision, so its reconnection resyncs', async () => {
    const c = await connect();
    c.sendRaw(JSON.stringify([env('Sync', { Nodes: [node('a')], Edges: [] })]));
    await waitFor(() => ids().length === 1);
    c.sendRaw(JSON.stringify([env('NodePartiallyUpdated', { ID: 'a', UpdatedAt: 2000, Revision: 3, Ops: [{ Type: 1, Key: 'MTU', Value: 9000 }] })]));
    const reply = await c.nextOfType('Error');
    assert.equal((reply.Obj as { code: string }).code, 'ANALYZER_AGENT_OUT_OF_SYNC');
    assert.equal((await c.closed).code, 1008);
    assert.equal(analyzer.graph.getNode('a')?.Metadata.MTU, undefined, 'ops never applied on a stale base');
    await waitFor(() => ids().length === 0);
  });

  it('counts OnDemand messages under their known type and any other type as other', async () => {
    const c = await connect();
    const od = (Type: string, Status: number) => ({ Namespace: 'OnDemand', Type, Status, Obj: {} });
    c.sendRaw(JSON.stringify([od('CaptureStopReply', 200), od('Made-Up-1', 200), od('Made-Up-2', 500)]));
    let text = '';
    for (let i = 0; i < 300 && !/status="5xx"/.test(text); i++) {
      await new Promise((r) => setTimeout(r, 10));
      text = await metric('topoflow_analyzer_agents_ondemand_messages_total');
    }
    assert.match(text, /\{type="CaptureStopReply",status="2xx"\} 1$/m);
    assert.match(text, /\{type="other",status="2xx"\} 1$/m);
    assert.match(text, /\{type="other",status="5xx"\} 1$/m);
    assert.doesNotMatch(text, /Made-Up/);
  });

  it('refuses a second connection for the same host ID with 409', async () => {
    await connect();
    const refused = await refusedUpgrade(url, HEADERS);
    assert.equal(refused.status, 409);
    assert.equal((refused.body as { code: string }).code, 'ANALYZER_WS_HOST_CONFLICT');
  });
});
