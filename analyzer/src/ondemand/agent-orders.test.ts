// Capture orders over /ws/agent/topology: an analyzer with a real etcd and a test agent. A created capture reaches
// the agent as CaptureStart, the agent's Captures metadata gives Count, a deletion sends CaptureStop, a
// reconnection gets its starts again, the agent's replies in the OnDemand namespace are accepted, and a start the
// agent refused is sent again once its node changed (not on changes of other nodes).
import assert from 'node:assert/strict';
import type { Analyzer } from '../analyzer.js';
import { type TestEtcd, startTestAnalyzer, startTestEtcd, withTestEtcd } from '../testing.js';
import { TestWsClient, type WsMessage } from '../ws/test-client.js';

const HEADERS = { 'X-Host-ID': 'h1', 'X-Client-Type': 'agent', 'X-Persistence-Policy': 'DeleteOnDisconnect' };

const veth = (captures?: unknown[], rev = 1, name = 'veth1', extra: Record<string, unknown> = {}) => ({
  ID: `${name}-id`.replace('veth1-id', 'veth-1'), Metadata: { Name: name, Type: 'veth', ...extra, ...(captures ? { Captures: captures } : {}) },
  Host: 'h1', Origin: 'agent.h1', CreatedAt: 1000, UpdatedAt: 1000 + rev, DeletedAt: null, Revision: rev,
});

const isOrder = (type: string) => (m: WsMessage) => m.Namespace === 'OnDemand' && m.Type === type;

describe('capture orders to agents', function () {
  this.timeout(30_000);
  let etcd: TestEtcd;
  let analyzer: Analyzer;
  let ws: string;
  const clients: TestWsClient[] = [];

  before(async () => {
    etcd = await startTestEtcd();
    const started = await startTestAnalyzer(withTestEtcd(etcd, (c) => {
      c.analyzer.onDemand.debounce = '50ms';
    }));
    analyzer = started.analyzer;
    ws = started.ws;
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await analyzer?.stop();
    await etcd?.destroy();
  });

  const agent = async (): Promise<TestWsClient> => {
    const c = await TestWsClient.connect(`${ws}/ws/agent/topology`, HEADERS);
    clients.push(c);
    c.send('Sync', { Nodes: [veth()], Edges: [] });
    return c;
  };
  const inject = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => {
    const res = await analyzer.http!.inject({ method, url, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.body === '' ? undefined : res.json() as Record<string, unknown> };
  };

  it('sends CaptureStart, counts the active capture, sends CaptureStop on delete and starts again after a reconnection', async () => {
    let a = await agent();
    const created = await inject('POST', '/api/capture', { GremlinQuery: "G.V().Has('Name', 'veth1')", BPFFilter: 'icmp' });
    assert.equal(created.status, 201);
    const id = created.body?.UUID as string;

    const start = await a.next(isOrder('CaptureStart'), 5000);
    const obj = start.Obj as { NodeID: string; ProbeType: string; Capture: Record<string, unknown> };
    assert.equal(obj.NodeID, 'veth-1');
    assert.equal(obj.ProbeType, 'afpacket');
    assert.deepEqual([obj.Capture.UUID, obj.Capture.BPFFilter, obj.Capture.HeaderSize], [id, 'icmp', 0]);

    // The agent answers and records the capture on the node, as the agent side does.
    a.socket.send(JSON.stringify([{ Namespace: 'OnDemand', Type: 'CaptureStartReply', UUID: start.UUID, Status: 200, Obj: { NodeID: 'veth-1', CaptureID: id } }]));
    a.send('NodeUpdated', veth([{ ID: id, State: 'active', PacketsReceived: 0, PacketsDropped: 0, PacketsIfDropped: 0 }], 2));
    const count = async () => (await inject('GET', `/api/capture/${id}`)).body?.Count;
    for (let i = 0; i < 100 && (await count()) !== 1; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await count(), 1);

    await a.close();
    a = await agent();
    const again = await a.next(isOrder('CaptureStart'), 5000);
    assert.equal((again.Obj as { NodeID: string }).NodeID, 'veth-1');

    assert.equal((await inject('DELETE', `/api/capture/${id}`)).status, 200);
    const stop = await a.next(isOrder('CaptureStop'), 5000);
    assert.deepEqual(stop.Obj, { NodeID: 'veth-1', CaptureID: id });
    assert.equal(a.socket.readyState, a.socket.OPEN, 'the agent stays connected');
  });

  it('sends a refused start again once the node changed, and shows the refusal meanwhile', async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    const a = await agent();
    const created = await inject('POST', '/api/capture', { GremlinQuery: "G.V().Has('Name', 'veth1')" });
    const id = created.body?.UUID as string;
    const start = await a.next(isOrder('CaptureStart'), 5000);
    const refusal = { NodeID: 'veth-1', CaptureID: id, Error: 'node veth-1 cannot be captured on yet: no UP in LinkFlags', Code: 'AGENT_CAPTURE_PRECONDITION_FAILED' };
    a.socket.send(JSON.stringify([{ Namespace: 'OnDemand', Type: 'CaptureStartReply', UUID: start.UUID, Status: 409, Obj: refusal }]));
    const errors = async () => ((await inject('GET', '/api/status')).body?.Captures as { Errors: Record<string, unknown[]> }).Errors[id];
    for (let i = 0; i < 100 && (await errors()) === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await errors(), [{ NodeID: 'veth-1', Error: refusal.Error, Code: 'AGENT_CAPTURE_PRECONDITION_FAILED' }]);

    // another node changes: the refused node did not, so nothing is sent
    a.send('NodeAdded', veth(undefined, 1, 'other'));
    assert.deepEqual((await a.drain(400)).filter(isOrder('CaptureStart')), []);
    a.send('NodeUpdated', veth(undefined, 2, 'veth1', { LinkFlags: ['UP'] }));
    const again = await a.next(isOrder('CaptureStart'), 5000);
    assert.equal((again.Obj as { NodeID: string }).NodeID, 'veth-1');
    assert.equal(await errors(), undefined, 'the refusal is forgotten once the start is sent again');
    assert.equal((await inject('DELETE', `/api/capture/${id}`)).status, 200);
  });
});
