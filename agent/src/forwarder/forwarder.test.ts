// The forwarder against a minimal WebSocket server standing in for the analyzer: handshake headers, the Sync on
// connect, batching, resync after a drop, failover along the analyzer list, and the bounded send queue.
import assert from 'node:assert/strict';
import { silentReporter } from '@topoflow/common';
import { MemoryGraph } from '@topoflow/graph';
import type { WebSocket } from 'ws';
import { FakeAnalyzer, waitFor } from './fake-analyzer.js';
import { type ForwarderConfig, Forwarder, defaultForwarderConfig } from './forwarder.js';
import type { AgentMessage } from './framing.js';
import { Link } from './link.js';

const types = (frame: AgentMessage[] | undefined) => (frame ?? []).map((m) => m.Type);

describe('forwarder', () => {
  let fakes: FakeAnalyzer<AgentMessage[]>[] = [];
  const forwarders: Forwarder[] = [];
  let graph: MemoryGraph;
  const reporter = silentReporter('agent');

  beforeEach(() => {
    graph = new MemoryGraph({ host: 'h1', origin: 'agent.h1' });
    graph.addNode({ ID: 'host', Metadata: { Name: 'h1', Type: 'host' } });
  });

  afterEach(async () => {
    await Promise.all(forwarders.splice(0).map((f) => f.stop()));
    await Promise.all(fakes.splice(0).map((f) => f.stop()));
  });

  const fake = async (): Promise<FakeAnalyzer<AgentMessage[]>> => {
    const f = await FakeAnalyzer.start<AgentMessage[]>('/ws/agent/topology');
    fakes.push(f);
    return f;
  };
  const forwarder = (analyzers: string[], tweak: Partial<ForwarderConfig> = {}): Forwarder => {
    const f = new Forwarder({ ...defaultForwarderConfig(), analyzers, reconnectMinMs: 10, reconnectMaxMs: 50, ...tweak }, {
      hostId: 'h1', graph, clock: { now: () => Date.now() }, reporter: reporter.child('forwarder'), random: () => 0.5,
    });
    forwarders.push(f);
    return f;
  };

  it('connects with the agent headers and sends the whole graph as one Sync first', async () => {
    graph.addNode({ ID: 'a', Metadata: { Name: 'a', Type: 'device' } });
    graph.addEdge({ ID: 'e', Parent: 'host', Child: 'a', Metadata: { RelationType: 'ownership' } });
    const a = await fake();
    const f = forwarder([a.address]);
    await f.start();
    await waitFor(() => a.last?.frames.length === 1);
    const conn = a.last!;
    assert.equal(conn.headers['x-host-id'], 'h1');
    assert.equal(conn.headers['x-client-type'], 'agent');
    assert.equal(conn.headers['x-persistence-policy'], 'DeleteOnDisconnect');
    const [sync] = conn.frames[0]!;
    assert.equal(sync?.Type, 'Sync');
    assert.equal(sync?.Namespace, 'Graph');
    const obj = sync?.Obj as { Nodes: { ID: string }[]; Edges: { ID: string }[] };
    assert.deepEqual(obj.Nodes.map((n) => n.ID).sort(), ['a', 'host']);
    assert.deepEqual(obj.Edges.map((e) => e.ID), ['e']);
    assert.equal(f.connected, true);
    assert.equal(f.status()[a.address]?.IsConnected, true);
  });

  it('forwards events in order, batchSize per message, the rest after flushInterval', async () => {
    const a = await fake();
    const f = forwarder([a.address], { batchSize: 3, flushIntervalMs: 30 });
    await f.start();
    await waitFor(() => a.last?.frames.length === 1);
    graph.addNode({ ID: 'a', Metadata: { Name: 'a', Type: 'device' } });
    graph.updateNode('a', { set: { State: 'UP' } });
    graph.addEdge({ ID: 'e', Parent: 'host', Child: 'a', Metadata: { RelationType: 'ownership' } });
    graph.updateEdge('e', { set: { Weight: 2 } });
    graph.deleteNode('a');
    await waitFor(() => a.last!.frames.length === 3);
    const frames = a.last!.frames;
    assert.deepEqual(types(frames[1]), ['NodeAdded', 'NodePartiallyUpdated', 'EdgeAdded']);
    assert.deepEqual(types(frames[2]), ['EdgePartiallyUpdated', 'EdgeDeleted', 'NodeDeleted']);
    const updated = frames[1]![1]!.Obj as { ID: string; UpdatedAt: number; Revision: number; Ops: unknown[] };
    assert.deepEqual(Object.keys(updated).sort(), ['ID', 'Ops', 'Revision', 'UpdatedAt'], 'ops only, no whole node');
    assert.equal(updated.ID, 'a');
    assert.equal(updated.Revision, 2);
    assert.equal(typeof updated.UpdatedAt, 'number');
    assert.deepEqual(updated.Ops, [{ Type: 1, Key: 'State', Value: 'UP' }]);
    graph.updateNode('host', { set: { X: 1 } });
    await waitFor(() => a.last!.frames.length === 4);
    assert.deepEqual(types(frames[3]), ['NodePartiallyUpdated']);
  });

  it('resyncs after the connection drops and never replays events of the gap', async () => {
    const a = await fake();
    const f = forwarder([a.address]);
    await f.start();
    await waitFor(() => a.connections.length === 1 && a.last!.frames.length === 1);
    a.last!.socket.terminate();
    await waitFor(() => !f.connected);
    graph.addNode({ ID: 'gap', Metadata: { Name: 'gap', Type: 'device' } });
    await waitFor(() => a.connections.length === 2 && a.last!.frames.length === 1);
    const second = a.last!;
    assert.deepEqual(types(second.frames[0]), ['Sync']);
    assert.ok((second.frames[0]![0]!.Obj as { Nodes: { ID: string }[] }).Nodes.some((n) => n.ID === 'gap'));
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(second.frames.length, 1);
  });

  it('fails over to the next analyzer when one refuses or is down', async () => {
    const refusing = await fake();
    refusing.refuse = 409;
    const down = await fake();
    const downAddress = down.address;
    await down.stop();
    fakes = fakes.filter((x) => x !== down);
    const good = await fake();
    const f = forwarder([refusing.address, downAddress, good.address]);
    await f.start();
    await waitFor(() => good.last?.frames.length === 1);
    assert.equal(f.analyzer, good.address);
    const metrics = await reporter.registry.metrics();
    assert.match(metrics, /topoflow_agent_forwarder_connect_failures_total\{reason="http_409"\} 1/);
    assert.match(metrics, /topoflow_agent_forwarder_connect_failures_total\{reason="ECONNREFUSED"\} 1/);
  });

  it('stops cleanly, idempotently, while connected or still trying', async () => {
    const a = await fake();
    const f = forwarder([a.address]);
    await f.start();
    await waitFor(() => a.last?.frames.length === 1);
    await f.stop();
    await f.stop();
    assert.equal(f.connected, false);
    const dead = forwarder(['127.0.0.1:1']);
    await dead.start();
    await new Promise((r) => setTimeout(r, 30));
    await dead.stop();
  });
});

describe('forwarder link', () => {
  it('drops the link when more than queueSize events wait for a full socket', () => {
    const graph = new MemoryGraph({ host: 'h', origin: 'agent.h' });
    const sent: string[] = [];
    const socket = { readyState: 1, bufferedAmount: 10_000, send: (t: string) => void sent.push(t) } as unknown as WebSocket;
    let dropped = 0;
    const link = new Link(socket, { batchSize: 2, flushIntervalMs: 1000, queueSize: 5, writeBufferSize: 100 }, {
      onBatch: () => undefined,
      onOverflow: (n) => (dropped = n),
    });
    link.open(graph);
    assert.equal(sent.length, 1);
    for (let i = 0; i < 5; i++) graph.addNode({ ID: `n${i}`, Metadata: {} });
    assert.equal(dropped, 0);
    assert.equal(link.queueLength, 5);
    graph.addNode({ ID: 'n5', Metadata: {} });
    assert.equal(dropped, 6);
    assert.equal(link.queueLength, 0);
    graph.addNode({ ID: 'n6', Metadata: {} });
    assert.equal(link.queueLength, 0);
    assert.equal(sent.length, 1);
  });
});
