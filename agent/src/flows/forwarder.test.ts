// The flow forwarder against a real WebSocket server on loopback: handshake, batching, stats in the same messages,
// the queue kept across disconnections and resent, overflow dropped oldest-first and counted.
import { strict as assert } from 'node:assert';
import { silentReporter } from '@topoflow/common';
import { FLOW_WS_PATH, type FlowBatch } from '@topoflow/flow';
import { fakeFlow } from '../capture/fakes.js';
import { FakeAnalyzer, waitFor } from '../forwarder/fake-analyzer.js';
import { type FlowForwarderConfig, FlowForwarder, defaultFlowForwarderConfig } from './forwarder.js';

const flows = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => fakeFlow(`${prefix}${i}`));
const uuids = (frames: FlowBatch[]) => frames.flatMap((f) => f.Flows.map((x) => x.UUID));
const stats = (id: string, received: number) => ({
  CaptureID: id, FlowCount: 1, FlowDropped: 0, KernelFlowDropped: 0, PacketsDropped: 0, PacketsReceived: received,
});

describe('flow forwarder', () => {
  const servers: FakeAnalyzer<FlowBatch>[] = [];
  const forwarders: FlowForwarder[] = [];
  let reporter: ReturnType<typeof silentReporter>;

  beforeEach(() => {
    reporter = silentReporter('agent');
  });
  afterEach(async () => {
    await Promise.all(forwarders.splice(0).map((f) => f.stop()));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  const server = async () => {
    const s = await FakeAnalyzer.start<FlowBatch>(FLOW_WS_PATH);
    servers.push(s);
    return s;
  };
  const forwarder = (analyzer: string, tweak: Partial<FlowForwarderConfig> = {}) => {
    const f = new FlowForwarder({ ...defaultFlowForwarderConfig(), analyzers: [analyzer], reconnectMinMs: 10, reconnectMaxMs: 40, ...tweak }, {
      hostId: 'h1', reporter: reporter.child('flows'), random: () => 0.5, dropLogIntervalMs: 0,
    });
    forwarders.push(f);
    return f;
  };
  const metric = async (name: string) => {
    const line = (await reporter.registry.metrics()).split('\n').find((l) => l.startsWith(`topoflow_agent_flows_${name} `));
    return Number(line?.split(' ')[1]);
  };

  it('connects to the flow endpoint with the agent handshake headers', async () => {
    const a = await server();
    const f = forwarder(a.address);
    await f.start();
    await waitFor(() => f.connected);
    assert.equal(a.last?.headers['x-host-id'], 'h1');
    assert.equal(a.last?.headers['x-client-type'], 'agent');
  });

  it('sends batchSize flows per message at once, and a partial batch after flushInterval', async () => {
    const a = await server();
    const f = forwarder(a.address, { batchSize: 3, flushIntervalMs: 40 });
    await f.start();
    await waitFor(() => f.connected);
    f.sendFlows(flows('a', 2));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(a.last?.frames.length, 0, 'a partial batch waits');
    await waitFor(() => a.last?.frames.length === 1);
    assert.deepEqual(uuids(a.last!.frames), ['a0', 'a1']);
    f.sendFlows(flows('b', 7));
    await waitFor(() => a.last?.frames.length === 4);
    assert.deepEqual(a.last!.frames.slice(1).map((m) => m.Flows.length), [3, 3, 1]);
    assert.equal(await metric('sent_total'), 9);
    assert.equal(await metric('batches_sent_total'), 4);
  });

  it('puts the latest stats of each capture in the next message, alone when no flow waits', async () => {
    const a = await server();
    const f = forwarder(a.address, { batchSize: 10, flushIntervalMs: 20 });
    await f.start();
    await waitFor(() => f.connected);
    f.sendStats(stats('c1', 1));
    f.sendStats(stats('c1', 2));
    f.sendStats(stats('c2', 5));
    f.sendFlows(flows('a', 1));
    await waitFor(() => a.last?.frames.length === 1);
    const [first] = a.last!.frames;
    assert.deepEqual(first?.Flows.map((x) => x.UUID), ['a0']);
    assert.deepEqual(first?.Stats?.map((s) => [s.CaptureID, s.PacketsReceived]), [['c1', 2], ['c2', 5]]);
    f.sendStats(stats('c1', 3));
    await waitFor(() => a.last?.frames.length === 2);
    assert.deepEqual(a.last!.frames[1], { Flows: [], Stats: [stats('c1', 3)] });
  });

  it('keeps flows queued while no analyzer answers and sends them in order once one does', async () => {
    const a = await server();
    a.refuse = 503;
    const f = forwarder(a.address, { batchSize: 4, flushIntervalMs: 10 });
    await f.start();
    f.sendFlows(flows('a', 6));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(a.connections.length, 0);
    assert.equal(f.queueLength, 6);
    a.refuse = 0;
    await waitFor(() => uuids(a.last?.frames ?? []).length === 6);
    assert.deepEqual(uuids(a.last!.frames), ['a0', 'a1', 'a2', 'a3', 'a4', 'a5']);
    assert.match(await reporter.registry.metrics(), /topoflow_agent_flows_connect_failures_total\{reason="http_503"\} [1-9]/);
  });

  it('sends what was queued during a disconnection on the next connection', async () => {
    const a = await server();
    const f = forwarder(a.address, { batchSize: 2, flushIntervalMs: 10 });
    await f.start();
    await waitFor(() => f.connected);
    f.sendFlows(flows('a', 2));
    await waitFor(() => a.last?.frames.length === 1);
    a.refuse = 503;
    a.last!.socket.terminate();
    await waitFor(() => !f.connected);
    f.sendFlows(flows('b', 3));
    await new Promise((r) => setTimeout(r, 30));
    a.refuse = 0;
    await waitFor(() => a.connections.length === 2 && uuids(a.last!.frames).length === 3);
    assert.deepEqual(uuids(a.last!.frames), ['b0', 'b1', 'b2']);
    assert.deepEqual(uuids(a.connections[0]!.frames), ['a0', 'a1'], 'nothing sent twice');
  });

  it('drops the oldest flows beyond queueSize, counted, and sends the newest', async () => {
    const a = await server();
    a.refuse = 503;
    const f = forwarder(a.address, { batchSize: 100, flushIntervalMs: 10, queueSize: 5 });
    await f.start();
    f.sendFlows(flows('a', 4));
    f.sendFlows(flows('b', 4));
    assert.equal(f.queueLength, 5);
    assert.equal(await metric('dropped_total'), 3);
    a.refuse = 0;
    await waitFor(() => uuids(a.last?.frames ?? []).length === 5);
    assert.deepEqual(uuids(a.last!.frames), ['a3', 'b0', 'b1', 'b2', 'b3']);
  });

  it('queues again the messages a broken connection did not deliver, and resends them', async () => {
    const a = await server();
    const f = forwarder(a.address, { batchSize: 500, flushIntervalMs: 5, queueSize: 1_000_000, writeBufferSize: 1 << 30 });
    await f.start();
    await waitFor(() => f.connected);
    // The server stops reading, so the agent's writes pile up unconfirmed; then the connection breaks.
    (a.last!.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const total = 40_000;
    f.sendFlows(flows('x', total));
    await new Promise((r) => setTimeout(r, 100));
    a.last!.socket.terminate();
    await waitFor(() => a.connections.length === 2 && uuids(a.last!.frames).includes(`x${total - 1}`), 10_000);
    const requeued = await metric('requeued_total');
    assert.ok(requeued > 0, 'some messages were queued again');
    const resent = uuids(a.last!.frames);
    assert.equal(resent.length, requeued);
    assert.deepEqual(resent, flows('x', total).slice(total - requeued).map((x) => x.UUID), 'in their order, the newest last');
  });

  it('sends what is queued when stopped while connected, and counts what cannot be sent', async () => {
    const a = await server();
    const f = forwarder(a.address, { batchSize: 100, flushIntervalMs: 60_000 });
    await f.start();
    await waitFor(() => f.connected);
    f.sendFlows(flows('a', 3));
    await f.stop();
    await waitFor(() => uuids(a.last?.frames ?? []).length === 3);
    const down = forwarder('127.0.0.1:1', { batchSize: 100 });
    await down.start();
    down.sendFlows(flows('z', 2));
    await down.stop();
    await down.stop();
    assert.equal(await metric('dropped_total'), 2);
  });
});
