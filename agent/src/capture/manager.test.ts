// The capture manager against a real memory graph (host, netns, veth, OVS bridge) with fake tables and sources.
import { strict as assert } from 'node:assert';
import { isAppError, silentReporter } from '@topoflow/common';
import type { GraphEvent, MemoryGraph } from '@topoflow/graph';
import { AgentErrors } from '../errors.js';
import { FakeCaptureFactories, RecordingFlowSender, captureTestGraph, fakeFlow } from './fakes.js';
import { type SourceFactory, unavailableTableFactory } from './factories.js';
import { CaptureManager, FIRST_PACKET_POLL_MS, defaultCaptureManagerConfig } from './manager.js';
import type { CaptureEntry } from './running.js';

const settle = (ms = 0) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await settle(5);
  }
}

const rejectsWith = (p: Promise<unknown>, code: string) => assert.rejects(p, (err: unknown) => isAppError(err, code));

describe('capture manager', () => {
  let graph: MemoryGraph;
  let fakes: FakeCaptureFactories;
  let sender: RecordingFlowSender;
  let manager: CaptureManager;
  let reporter: ReturnType<typeof silentReporter>;

  const build = (tweak: { statsUpdateMs?: number; sourceFactory?: SourceFactory; tableFactory?: typeof unavailableTableFactory } = {}) => {
    const config = defaultCaptureManagerConfig();
    config.capture.statsUpdateMs = tweak.statsUpdateMs ?? 60_000;
    config.capture.sflow = { bindAddress: '127.0.0.1', portMin: 16345, portMax: 16346 };
    reporter = silentReporter('agent');
    return new CaptureManager(config, {
      graph, reporter: reporter.child('capture'), sender,
      tableFactory: tweak.tableFactory ?? fakes.tableFactory, sourceFactory: tweak.sourceFactory ?? fakes.sourceFactory,
    });
  };
  const captures = (id: string) => graph.getNode(id)?.Metadata.Captures as CaptureEntry[] | undefined;
  const metric = async (name: string) => {
    const line = (await reporter.registry.metrics()).split('\n').find((l) => l.startsWith(`topoflow_agent_capture_${name} `));
    return Number(line?.split(' ')[1]);
  };

  beforeEach(async () => {
    graph = captureTestGraph();
    fakes = new FakeCaptureFactories();
    sender = new RecordingFlowSender();
    manager = build();
    await manager.start();
  });
  afterEach(() => manager.stop());

  it('starts a libpcap capture in the namespace of a veth, with the table options of the spec and the agent', async () => {
    const state = await manager.startCapture({ ID: 'c1', Name: 'web', BPFFilter: 'tcp port 80', RawPacketLimit: 3, ExtraTCPMetric: true }, 'eth');
    assert.equal(state.State, 'active');
    assert.equal(state.Type, 'afpacket');
    const [table] = fakes.tables;
    assert.equal(table?.options.nodeTID, 'tid-eth');
    assert.equal(table?.options.captureID, 'c1');
    assert.equal(table?.options.layerKeyMode, 'L2');
    assert.equal(table?.options.rawPacketLimit, 3);
    assert.equal(table?.options.extraTCPMetric, true);
    assert.equal(table?.options.updateIntervalMs, 10_000);
    assert.deepEqual(table?.options.applicationTimeoutsMs, { ARP: 10_000, DNS: 10_000 });
    assert.equal(table?.started, true);
    const [source] = fakes.sources;
    assert.equal(source?.kind, 'pcap');
    assert.equal(source?.sink, table);
    assert.deepEqual({ ...source?.params, onError: undefined }, {
      kind: 'pcap', captureId: 'c1', nodeId: 'eth', bpfFilter: 'tcp port 80', snapLength: 256, onError: undefined,
      interfaceName: 'eth0', netnsPath: '/var/run/netns/ns1', encapType: 'ether',
    });
    assert.deepEqual(captures('eth'), [{
      ID: 'c1', State: 'active', Type: 'afpacket', Name: 'web', BPFFilter: 'tcp port 80', PacketsReceived: 0, PacketsDropped: 0, PacketsIfDropped: 0,
    }]);
    assert.equal(await metric('active'), 1);
    assert.equal(reporter.checkHealth().checks['capture.stats']?.ok, true);
  });

  it('starts a capture only once per ID and node, and once per node for the same ID on two nodes', async () => {
    graph.addNode({ ID: 'eth2', Metadata: { Name: 'eth2', Type: 'device', TID: 'tid-eth2', LinkFlags: ['UP'] } });
    graph.addEdge({ ID: 'host-eth2', Parent: 'host', Child: 'eth2', Metadata: { RelationType: 'ownership' } });
    await manager.startCapture({ ID: 'c1' }, 'eth');
    const again = await manager.startCapture({ ID: 'c1', BPFFilter: 'udp' }, 'eth');
    await manager.startCapture({ ID: 'c1' }, 'eth2');
    assert.equal(fakes.sources.length, 2);
    assert.equal(again.BPFFilter, undefined, 'the running capture is returned unchanged');
    const root = fakes.sources[1]?.params;
    assert.ok(root?.kind === 'pcap');
    assert.equal(root.netnsPath, '', "an interface owned by the host is captured in the agent's namespace");
    assert.deepEqual(manager.list().map((c) => [c.ID, c.NodeID]), [['c1', 'eth'], ['c1', 'eth2']]);
  });

  it('runs ovssflow on an OVS bridge with a port of the configured range, and sflow on the node address', async () => {
    const a = await manager.startCapture({ ID: 'o1', SamplingRate: 0, PollingInterval: 10 }, 'br');
    const b = await manager.startCapture({ ID: 'o2', SamplingRate: 100 }, 'br');
    assert.equal(a.Type, 'ovssflow');
    assert.equal(a.SFlowSocket, '127.0.0.1:16345');
    assert.equal(b.SFlowSocket, '127.0.0.1:16346');
    const p = fakes.sources[0]?.params;
    assert.ok(p?.kind === 'ovssflow');
    assert.equal(p.bridgeUUID, 'b-uuid');
    assert.equal(p.samplingRate, 0xffff_ffff);
    assert.equal(p.pollingInterval, 10);
    await rejectsWith(manager.startCapture({ ID: 'o3' }, 'br'), AgentErrors.CAPTURE_NO_PORT);
    const s = await manager.startCapture({ ID: 's1', Type: 'sflow' }, 'eth');
    assert.equal(s.SFlowSocket, '10.9.0.1:6343');
    assert.equal(fakes.sources[2]?.kind, 'sflow');
    assert.equal(captures('br')?.length, 2);
  });

  it('refuses nodes and types it cannot capture, and records nothing', async () => {
    await rejectsWith(manager.startCapture({ ID: 'x' }, 'host'), AgentErrors.CAPTURE_NOT_CAPTURABLE);
    await rejectsWith(manager.startCapture({ ID: 'x' }, 'tap'), AgentErrors.CAPTURE_NOT_CAPTURABLE);
    await rejectsWith(manager.startCapture({ ID: 'x', Type: 'afpacket' }, 'br'), AgentErrors.CAPTURE_NOT_CAPTURABLE);
    await rejectsWith(manager.startCapture({ ID: 'x', Type: 'ebpf' }, 'eth'), AgentErrors.CAPTURE_TYPE_UNSUPPORTED);
    await rejectsWith(manager.startCapture({ ID: 'x' }, 'down'), AgentErrors.CAPTURE_PRECONDITION_FAILED);
    await rejectsWith(manager.startCapture({ ID: 'x' }, 'notid'), AgentErrors.CAPTURE_PRECONDITION_FAILED);
    await rejectsWith(manager.startCapture({ ID: 'x' }, 'nope'), AgentErrors.CAPTURE_NODE_NOT_FOUND);
    await rejectsWith(manager.startCapture({ ID: 'x', RawPacketLimit: 11 }, 'eth'), AgentErrors.BAD_REQUEST);
    await rejectsWith(manager.startCapture({ ID: '' }, 'eth'), AgentErrors.BAD_REQUEST);
    assert.equal(fakes.tables.length, 0);
    assert.deepEqual(manager.list(), []);
    assert.equal(captures('eth'), undefined);
  });

  it('refuses every capture with AGENT_CAPTURE_UNAVAILABLE when no flow table is built in', async () => {
    const m = build({ tableFactory: unavailableTableFactory });
    await m.start();
    try {
      await rejectsWith(m.startCapture({ ID: 'c1' }, 'eth'), AgentErrors.CAPTURE_UNAVAILABLE);
      assert.deepEqual(m.list(), []);
    } finally {
      await m.stop();
    }
    await rejectsWith(m.startCapture({ ID: 'c1' }, 'eth'), AgentErrors.CAPTURE_UNAVAILABLE);
  });

  it('keeps a capture whose source fails to open in State error, counted, and replaces it on the next start', async () => {
    fakes.prepare = (s) => (s.startError = new Error('permission denied'));
    const state = await manager.startCapture({ ID: 'c1' }, 'eth');
    assert.equal(state.State, 'error');
    assert.equal(state.Error, 'permission denied');
    await waitFor(() => captures('eth')?.[0]?.State === 'error');
    assert.equal(captures('eth')?.[0]?.Error, 'permission denied');
    assert.equal(fakes.tables[0]?.stopped, true);
    assert.match(await reporter.registry.metrics(), /topoflow_agent_capture_errors_total\{kind="pcap"\} 1/);
    fakes.prepare = undefined;
    const retried = await manager.startCapture({ ID: 'c1' }, 'eth');
    assert.equal(retried.State, 'active');
    assert.deepEqual(captures('eth')?.map((c) => c.State), ['active']);
  });

  it('marks a capture failed when its source reports an error, and its table sends its flows', async () => {
    await manager.startCapture({ ID: 'c1' }, 'eth');
    fakes.tables[0]?.hold(fakeFlow('f1'));
    fakes.sources[0]?.fail(new Error('interface vanished'));
    await waitFor(() => captures('eth')?.[0]?.State === 'error');
    assert.equal(captures('eth')?.[0]?.Error, 'interface vanished');
    assert.equal(fakes.sources[0]?.stops, 1);
    assert.deepEqual(sender.flows.map((f) => [f.UUID, f.NodeTID, f.CaptureID]), [['f1', 'tid-eth', 'c1']]);
    assert.equal(await metric('active'), 0);
  });

  it('refreshes the Captures counters every statsUpdate, only when they changed', async () => {
    await manager.stop();
    manager = build({ statsUpdateMs: 15 });
    await manager.start();
    await manager.startCapture({ ID: 'c1' }, 'eth');
    const updates: GraphEvent[] = [];
    graph.on('nodeUpdated', (e) => updates.push(e));
    fakes.sources[0]?.feed(5);
    fakes.sources[0]!.counters.PacketsDropped = 2;
    await waitFor(() => captures('eth')?.[0]?.PacketsReceived === 5);
    assert.equal(captures('eth')?.[0]?.PacketsDropped, 2);
    assert.equal(fakes.tables[0]?.packets, 5);
    const count = updates.length;
    await settle(80);
    assert.equal(updates.length, count, 'no write while the counters stay the same');
    assert.equal(await metric('packets_received_total'), 5);
    assert.equal(await metric('packets_dropped_total'), 2);
  });

  it('shows the first packets of a new capture at once, without waiting for the stats refresh', async () => {
    await manager.startCapture({ ID: 'c1' }, 'eth');
    const updates: GraphEvent[] = [];
    graph.on('nodeUpdated', (e) => updates.push(e));
    await settle(4 * FIRST_PACKET_POLL_MS);
    assert.equal(updates.length, 0, 'no write while nothing is counted');
    const fed = Date.now();
    fakes.sources[0]?.feed(3);
    await waitFor(() => captures('eth')?.[0]?.PacketsReceived === 3, 1000);
    assert.ok(Date.now() - fed < 10 * FIRST_PACKET_POLL_MS, `shown after ${Date.now() - fed} ms (stats refresh: 60 s)`);
    fakes.sources[0]?.feed(2);
    await settle(4 * FIRST_PACKET_POLL_MS);
    assert.equal(captures('eth')?.[0]?.PacketsReceived, 3, 'later packets wait for the stats refresh');
  });

  it('adds the source drops to the stats the table sends, and counts the flows it sends', async () => {
    await manager.startCapture({ ID: 'c1' }, 'eth');
    const source = fakes.sources[0]!;
    source.counters.PacketsDropped = 3;
    source.counters.PacketsIfDropped = 4;
    const table = fakes.tables[0]!;
    table.sender.sendStats?.({ ...table.stats(), PacketsDropped: 1 });
    assert.equal(sender.stats[0]?.PacketsDropped, 8);
    assert.equal(sender.stats[0]?.CaptureID, 'c1');
    table.sender.sendFlows([fakeFlow('a'), fakeFlow('b')]);
    assert.equal(await metric('flows_sent_total'), 2);
  });

  it('stops a capture on one node or on all, sending its last flows and removing its entry', async () => {
    graph.addNode({ ID: 'eth2', Metadata: { Name: 'eth2', Type: 'device', TID: 'tid-eth2', LinkFlags: ['UP'] } });
    graph.addEdge({ ID: 'host-eth2', Parent: 'host', Child: 'eth2', Metadata: { RelationType: 'ownership' } });
    await manager.startCapture({ ID: 'c1' }, 'eth');
    await manager.startCapture({ ID: 'c2' }, 'eth');
    await manager.startCapture({ ID: 'c1' }, 'eth2');
    fakes.tables[0]?.hold(fakeFlow('f1'));
    assert.equal(await manager.stopCapture('c1', 'eth'), 1);
    assert.deepEqual(captures('eth')?.map((c) => c.ID), ['c2']);
    assert.deepEqual(sender.flows.map((f) => [f.UUID, f.FinishType]), [['f1', 1]]);
    assert.equal(fakes.sources[0]?.stops, 1);
    assert.equal(await manager.stopCapture('c1'), 1);
    assert.equal('Captures' in (graph.getNode('eth2')?.Metadata ?? {}), false, 'the key goes with the last entry');
    assert.equal(await manager.stopCapture('c1'), 0);
    assert.deepEqual(manager.list().map((c) => c.ID), ['c2']);
  });

  it('stops the captures of a node that disappears', async () => {
    await manager.startCapture({ ID: 'c1' }, 'eth');
    graph.deleteNode('eth');
    await waitFor(() => manager.list().length === 0);
    await waitFor(() => fakes.sources[0]?.stops === 1);
    assert.equal(fakes.tables[0]?.stopped, true);
  });

  it('answers a start repeated while the source opens with the same capture, and stops one still opening', async () => {
    let open!: () => void;
    fakes.prepare = (s) => (s.gate = new Promise<void>((r) => (open = r)));
    const first = manager.startCapture({ ID: 'c1' }, 'eth');
    const second = manager.startCapture({ ID: 'c1' }, 'eth');
    assert.equal(manager.list()[0]?.State, 'starting');
    open();
    assert.equal((await first).State, 'active');
    assert.equal((await second).State, 'active');
    assert.equal(fakes.sources.length, 1);
    const third = manager.startCapture({ ID: 'c2' }, 'eth');
    const stopping = manager.stopCapture('c2');
    open();
    assert.equal(await stopping, 1);
    assert.equal((await third).State, 'stopped');
    assert.deepEqual(captures('eth')?.map((c) => c.ID), ['c1']);
    assert.equal(fakes.sources[1]?.stops, 1);
  });

  it('stops every capture on stop, flushing their tables and clearing the Captures metadata', async () => {
    await manager.startCapture({ ID: 'c1' }, 'eth');
    await manager.startCapture({ ID: 'o1' }, 'br');
    fakes.tables[1]?.hold(fakeFlow('f2'));
    await manager.stop();
    await manager.stop();
    assert.deepEqual(sender.flows.map((f) => f.UUID), ['f2']);
    assert.equal(captures('eth'), undefined);
    assert.equal(captures('br'), undefined);
    assert.ok(fakes.sources.every((s) => s.stops === 1));
    assert.equal(await metric('active'), 0);
  });
});
