// The on-demand server with a real etcd, a real Gremlin engine and a recording dispatcher: starts on matching nodes,
// follows the graph after the debounce, stops on removal and deletion, re-sends to reconnected agents, retries refused
// starts when they may succeed, resumes its watch after etcd restarts and lists again after a compaction.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { silentReporter, systemClock } from '@topoflow/common';
import { MemoryGraph } from '@topoflow/graph';
import { createEngine, defaultGremlinConfig } from '@topoflow/gremlin';
import { Etcd3 } from 'etcd3';
import { type Capture, defaultCapture } from '../captures/capture.js';
import { CaptureStore, captureDecoder } from '../captures/store.js';
import { defaultEtcdConfig, resolveEtcdConfig } from '../etcd/config.js';
import { EtcdService } from '../etcd/etcd-service.js';
import { type TcpProxy, type TestEtcd, startTcpProxy, startTestEtcd } from '../etcd/test-etcd.js';
import { onDemandSettled } from '../testing.js';
import type { CaptureDispatcher, CaptureStartOrder, CaptureStopOrder, StartRefusal } from './dispatcher.js';
import { OnDemandServer } from './ondemand-server.js';

type Order = { kind: 'start'; host: string; order: CaptureStartOrder } | { kind: 'stop'; host: string; order: CaptureStopOrder };

/** Records orders; agents are "connected" with a connection number a test can bump (a reconnection). */
class RecordingDispatcher implements CaptureDispatcher {
  readonly orders: Order[] = [];
  readonly connections = new Map<string, number>();
  readonly #listeners = new Set<(host: string) => void>();
  readonly #refusalListeners = new Set<(host: string, refusal: StartRefusal) => void>();

  connection(host: string): number | undefined {
    return this.connections.get(host);
  }

  start(host: string, order: CaptureStartOrder): boolean {
    if (!this.connections.has(host)) return false;
    this.orders.push({ kind: 'start', host, order });
    return true;
  }

  stop(host: string, order: CaptureStopOrder): boolean {
    if (!this.connections.has(host)) return false;
    this.orders.push({ kind: 'stop', host, order });
    return true;
  }

  onAgentSynced(listener: (host: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onStartRefused(listener: (host: string, refusal: StartRefusal) => void): () => void {
    this.#refusalListeners.add(listener);
    return () => this.#refusalListeners.delete(listener);
  }

  /** The agent refuses a start with `status`. */
  refuse(host: string, refusal: Omit<StartRefusal, 'Error'>): void {
    for (const l of this.#refusalListeners) l(host, { ...refusal, Error: `refused with ${refusal.Status}` });
  }

  /** The agent connects again and its graph is synced. */
  reconnect(host: string): void {
    this.connections.set(host, (this.connections.get(host) ?? 0) + 1);
    for (const l of this.#listeners) l(host);
  }

  /** `start NodeID CaptureID` / `stop NodeID CaptureID` lines, then forgets them. */
  take(): string[] {
    const out = this.orders.map((o) => (o.kind === 'start' ? `start ${o.order.NodeID} ${o.order.Capture.UUID as string}` : `stop ${o.order.NodeID} ${o.order.CaptureID}`));
    this.orders.length = 0;
    return out.sort();
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function iface(graph: MemoryGraph, id: string, name: string, type = 'veth', host = 'h1'): void {
  graph.addNode({ ID: id, Host: host, Metadata: { Name: name, Type: type } });
}

describe('OnDemandServer', function () {
  this.timeout(40_000);
  let etcd: TestEtcd;
  let direct: Etcd3;
  let cleanup: (() => Promise<void>)[] = [];

  before(async () => {
    etcd = await startTestEtcd();
    direct = new Etcd3({ hosts: etcd.endpoint });
  });

  after(async () => {
    direct?.close();
    await etcd?.destroy();
  });

  afterEach(async () => {
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
    await direct.delete().prefix('/capture/').exec();
  });

  async function setup(options: { endpoint?: string; debounceMs?: number; retryMs?: number } = {}) {
    const reporter = silentReporter('analyzer');
    const etcdService = new EtcdService(resolveEtcdConfig({ ...defaultEtcdConfig(), embedded: false, endpoints: [options.endpoint ?? etcd.endpoint], requestTimeout: '1s' }, '/nonexistent'), {
      reporter: reporter.child('etcd'), env: {},
    });
    await etcdService.start();
    const graph = new MemoryGraph({ host: 'analyzer' });
    const dispatcher = new RecordingDispatcher();
    dispatcher.connections.set('h1', 1);
    dispatcher.connections.set('h2', 1);
    const decode = captureDecoder(reporter.child('captures'));
    const server = new OnDemandServer({ debounceMs: options.debounceMs ?? 50, retryMs: options.retryMs ?? 200 }, {
      etcd: etcdService, graph, engine: createEngine(defaultGremlinConfig()), queryOptions: {}, dispatcher, decode, clock: systemClock, reporter: reporter.child('ondemand'),
    });
    cleanup.push(async () => {
      await server.stop();
      await etcdService.stop();
    });
    return { server, graph, dispatcher, store: new CaptureStore(etcdService, decode), reporter };
  }

  function capture(query: string, fields: Partial<Capture> = {}): Capture {
    return { ...defaultCapture(randomUUID(), query), ...fields };
  }

  it('starts a capture on every capturable matching node of an agent, with the type chosen per node', async () => {
    const { server, graph, dispatcher, store } = await setup();
    iface(graph, 'v1', 'veth1');
    iface(graph, 'b1', 'br0', 'ovsbridge', 'h2');
    iface(graph, 'ns', 'ns1', 'netns');
    iface(graph, 'orphan', 'veth9', 'veth', '');
    const all = capture("G.V().Has('Name', Regex('veth.*|br0|ns1'))");
    await store.put(all);
    await server.start();
    await until('the starts', () => dispatcher.orders.length === 2);
    await onDemandSettled(server);
    const starts = dispatcher.orders.filter((o) => o.kind === 'start').map((o) => [o.host, o.order.NodeID, (o.order as CaptureStartOrder).ProbeType]);
    assert.deepEqual(starts.sort(), [['h1', 'v1', 'afpacket'], ['h2', 'b1', 'ovssflow']]);
    assert.equal((dispatcher.orders[0]?.order as CaptureStartOrder).Capture.GremlinQuery, all.GremlinQuery);
    assert.equal(server.status().Assignments, 2);
  });

  it('records an explicit type the node type does not allow instead of starting it', async () => {
    const { server, graph, dispatcher, store } = await setup();
    iface(graph, 'v1', 'veth1');
    iface(graph, 'b1', 'br0', 'ovsbridge');
    await server.start();
    const c = capture("G.V().Has('Name', Within('veth1', 'br0'))", { Type: 'pcap' });
    await store.put(c);
    await until('the start', () => dispatcher.orders.length === 1);
    await onDemandSettled(server);
    assert.deepEqual(dispatcher.take(), [`start v1 ${c.UUID}`]);
    assert.deepEqual(server.status().Errors[c.UUID]?.map((e) => [e.NodeID, e.Code]), [['b1', 'ANALYZER_CAPTURE_TYPE_NOT_ALLOWED']]);
  });

  it('starts on a node that appears later only after the debounce, and stops where a node goes or stops matching', async () => {
    const { server, graph, dispatcher, store } = await setup({ debounceMs: 250 });
    await server.start();
    const c = capture("G.V().Has('Type', 'veth').Has('Color', 'blue')");
    await store.put(c);
    await until('the capture to be known', () => server.status().Captures === 1);
    await onDemandSettled(server);
    const added = Date.now();
    graph.addNode({ ID: 'v1', Host: 'h1', Metadata: { Name: 'veth1', Type: 'veth', Color: 'blue' } });
    graph.addNode({ ID: 'v2', Host: 'h2', Metadata: { Name: 'veth2', Type: 'veth', Color: 'blue' } });
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(dispatcher.orders, [], 'nothing is sent before the debounce');
    await until('the starts', () => dispatcher.orders.length === 2);
    assert.ok(Date.now() - added >= 240, 'the starts wait for the debounce');
    assert.deepEqual(dispatcher.take(), [`start v1 ${c.UUID}`, `start v2 ${c.UUID}`]);
    graph.deleteNode('v1');
    graph.updateNode('v2', { set: { Color: 'red' } });
    await until('the stops', () => dispatcher.orders.length === 2);
    assert.deepEqual(dispatcher.take(), [`stop v1 ${c.UUID}`, `stop v2 ${c.UUID}`]);
    assert.equal(server.status().Assignments, 0);
  });

  it('ignores counter updates but follows links', async () => {
    const { server, graph, dispatcher, store, reporter } = await setup();
    graph.addNode({ ID: 'ns', Host: 'h1', Metadata: { Name: 'ns1', Type: 'netns' } });
    iface(graph, 'e', 'eth0');
    await server.start();
    const c = capture("G.V().Has('Name', 'ns1').Out().Has('Name', 'eth0')");
    await store.put(c);
    await until('the capture to be known', () => server.status().Captures === 1);
    await onDemandSettled(server);
    const runs = async () => (await reporter.registry.getSingleMetric('topoflow_analyzer_ondemand_evaluations_total')?.get())?.values[0]?.value ?? 0;
    const before = await runs();
    graph.updateNode('e', { set: { Metric: { RxBytes: 1 }, LastUpdateMetric: { RxBytes: 1 } } });
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(await runs(), before, 'a metric update evaluates nothing');
    graph.addEdge({ ID: 'own', Parent: 'ns', Child: 'e', Metadata: { RelationType: 'ownership' } });
    await until('the start', () => dispatcher.orders.length === 1);
    assert.deepEqual(dispatcher.take(), [`start e ${c.UUID}`]);
  });

  it('stops a deleted capture on every node, and a capture a node still carries after it was deleted', async () => {
    const { server, graph, dispatcher, store } = await setup();
    iface(graph, 'v1', 'veth1');
    iface(graph, 'v2', 'veth2', 'veth', 'h2');
    const c = capture("G.V().Has('Type', 'veth')");
    await store.put(c);
    await server.start();
    await until('the starts', () => dispatcher.orders.length === 2);
    dispatcher.take();
    await store.delete(c.UUID);
    await until('the stops', () => dispatcher.orders.length === 2);
    assert.deepEqual(dispatcher.take(), [`stop v1 ${c.UUID}`, `stop v2 ${c.UUID}`]);
    graph.addNode({ ID: 'v3', Host: 'h1', Metadata: { Name: 'veth3', Type: 'bridge', Captures: [{ ID: 'gone', State: 'active' }] } });
    await until('the orphan stop', () => dispatcher.orders.length === 1);
    assert.deepEqual(dispatcher.take(), ['stop v3 gone']);
    graph.updateNode('v3', { set: { MTU: 1400 } });
    await new Promise((r) => setTimeout(r, 150));
    await onDemandSettled(server);
    assert.deepEqual(dispatcher.take(), [], 'one stop per agent connection');
  });

  it('re-sends the starts of an agent that reconnects, and starts for an agent once it connects', async () => {
    const { server, graph, dispatcher, store } = await setup();
    iface(graph, 'v1', 'veth1');
    iface(graph, 'v3', 'veth3', 'veth', 'h3');
    const c = capture("G.V().Has('Type', 'veth')");
    await store.put(c);
    await server.start();
    await until('the start', () => dispatcher.orders.length === 1);
    await onDemandSettled(server);
    assert.deepEqual(dispatcher.take(), [`start v1 ${c.UUID}`]);
    dispatcher.reconnect('h1');
    dispatcher.reconnect('h3');
    await until('the starts', () => dispatcher.orders.length === 2);
    assert.deepEqual(dispatcher.take(), [`start v1 ${c.UUID}`, `start v3 ${c.UUID}`]);
  });

  it('keeps a 4xx or 501 refusal until a field the capture depends on changes, and retries a 503 on any node change', async () => {
    const { server, graph, dispatcher, store } = await setup();
    iface(graph, 'v1', 'veth1');
    iface(graph, 'v2', 'veth2');
    const c = capture("G.V().Has('Type', 'veth')");
    await store.put(c);
    await server.start();
    await until('the starts', () => dispatcher.orders.length === 2);
    await onDemandSettled(server);
    dispatcher.take();
    dispatcher.refuse('h1', { NodeID: 'v1', CaptureID: c.UUID, Status: 501 });
    dispatcher.refuse('h1', { NodeID: 'v2', CaptureID: c.UUID, Status: 503 });
    // metrics ticks change every node's revision; a later evaluation (another node added) retries the 503 only
    graph.updateNode('v1', { set: { Metric: { RxBytes: 1 } } });
    graph.updateNode('v2', { set: { Metric: { RxBytes: 1 } } });
    iface(graph, 'x', 'other', 'device');
    await until('the retry of the transient refusal', () => dispatcher.orders.length >= 1);
    await onDemandSettled(server);
    assert.deepEqual(dispatcher.take(), [`start v2 ${c.UUID}`]);
    for (let i = 0; i < 3; i++) {
      graph.updateNode('v1', { set: { Metric: { RxBytes: i + 2 }, MTU: 1400 + i } });
      await new Promise((r) => setTimeout(r, 100));
      await onDemandSettled(server);
    }
    assert.deepEqual(dispatcher.take(), [], 'the permanent refusal is not sent again while the node is the same');
    assert.deepEqual(server.status().Errors[c.UUID], [{ NodeID: 'v1', Error: 'refused with 501' }]);
    graph.updateNode('v1', { set: { LinkFlags: ['UP'] } });
    await until('the retry of the permanent refusal', () => dispatcher.orders.length === 1);
    assert.deepEqual(dispatcher.take(), [`start v1 ${c.UUID}`]);
    dispatcher.refuse('h1', { NodeID: 'v1', CaptureID: c.UUID, Status: 400 });
    dispatcher.reconnect('h1');
    await until('the starts after the reconnection', () => dispatcher.orders.length === 2);
    assert.deepEqual(dispatcher.take(), [`start v1 ${c.UUID}`, `start v2 ${c.UUID}`]);
    dispatcher.refuse('h1', { NodeID: 'v1', CaptureID: c.UUID, Status: 400 });
    await store.put({ ...c, Description: 'changed' });
    await until('the start of the changed capture', () => dispatcher.orders.length === 1);
    assert.deepEqual(dispatcher.take(), [`start v1 ${c.UUID}`]);
  });

  it('resumes its watch after etcd restarts without missing a capture created meanwhile', async () => {
    // The first retry comes after etcd is back (about 1s), so the second capture is written while the watch is down.
    const { server, graph, dispatcher, store, reporter } = await setup({ retryMs: 1500 });
    iface(graph, 'v1', 'veth1');
    iface(graph, 'v2', 'veth2');
    await server.start();
    const first = capture("G.V().Has('Name', 'veth1')");
    await store.put(first);
    await until('the first start', () => dispatcher.orders.length === 1);
    await etcd.stop();
    await until('the watch to be lost', () => !server.watch.watching);
    await etcd.restart();
    // Written before the watch is back: it must come from the resumed watch, not from a new listing.
    const second = capture("G.V().Has('Name', 'veth2')");
    await direct.put(`/capture/${second.UUID}`).value(JSON.stringify(second)).exec();
    await until('the second start', () => dispatcher.orders.length === 2);
    assert.deepEqual(dispatcher.take(), [`start v1 ${first.UUID}`, `start v2 ${second.UUID}`]);
    const lists = (await reporter.registry.getSingleMetric('topoflow_analyzer_ondemand_watch_lists_total')?.get())?.values[0]?.value;
    assert.equal(lists, 1, 'resumed from its revision, not listed again');
    await until('the watch to be back', () => server.watch.watching);
  });

  describe('behind a link that can be cut', () => {
    let proxy: TcpProxy;

    beforeEach(async () => {
      proxy = await startTcpProxy(etcd.endpoint);
    });

    afterEach(async () => {
      await proxy.close();
    });

    it('resumes from its revision after a network cut, getting what changed meanwhile', async () => {
      const { server, graph, dispatcher, store, reporter } = await setup({ endpoint: proxy.endpoint });
      iface(graph, 'v1', 'veth1');
      iface(graph, 'v2', 'veth2');
      const old = capture("G.V().Has('Name', 'veth1')");
      await store.put(old);
      await server.start();
      await until('the first start', () => dispatcher.orders.length === 1);
      proxy.cut();
      await until('the watch to be lost', () => !server.watch.watching);
      const added = capture("G.V().Has('Name', 'veth2')");
      await direct.put(`/capture/${added.UUID}`).value(JSON.stringify(added)).exec();
      await direct.delete().key(`/capture/${old.UUID}`).exec();
      proxy.restore();
      await until('the new start and the stop', () => dispatcher.orders.length === 3);
      assert.deepEqual(dispatcher.take(), [`start v1 ${old.UUID}`, `start v2 ${added.UUID}`, `stop v1 ${old.UUID}`]);
      const lists = (await reporter.registry.getSingleMetric('topoflow_analyzer_ondemand_watch_lists_total')?.get())?.values[0]?.value;
      assert.equal(lists, 1, 'resumed, not listed again');
    });

    it('lists everything again when the revision it would resume from was compacted', async () => {
      const { server, graph, dispatcher, store, reporter } = await setup({ endpoint: proxy.endpoint });
      iface(graph, 'v1', 'veth1');
      iface(graph, 'v2', 'veth2');
      const old = capture("G.V().Has('Name', 'veth1')");
      await store.put(old);
      await server.start();
      await until('the first start', () => dispatcher.orders.length === 1);
      proxy.cut();
      await until('the watch to be lost', () => !server.watch.watching);
      const added = capture("G.V().Has('Name', 'veth2')");
      await direct.put(`/capture/${added.UUID}`).value(JSON.stringify(added)).exec();
      await direct.delete().key(`/capture/${old.UUID}`).exec();
      const rev = (await direct.put('/unrelated').value('x').exec()).header.revision;
      await direct.kv.compact({ revision: rev, physical: true });
      proxy.restore();
      await until('the new start and the stop', () => dispatcher.orders.length === 3);
      assert.deepEqual(dispatcher.take(), [`start v1 ${old.UUID}`, `start v2 ${added.UUID}`, `stop v1 ${old.UUID}`]);
      const lists = (await reporter.registry.getSingleMetric('topoflow_analyzer_ondemand_watch_lists_total')?.get())?.values[0]?.value;
      assert.equal(lists, 2);
      assert.equal(server.status().Captures, 1);
    });
  });
});
