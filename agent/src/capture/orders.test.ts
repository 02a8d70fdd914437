// Capture orders of the analyzer (OnDemand CaptureStart / CaptureStop) applied to a capture manager with fake
// tables and sources, and the replies they get.
import { strict as assert } from 'node:assert';
import { silentReporter } from '@topoflow/common';
import type { MemoryGraph } from '@topoflow/graph';
import { FakeCaptureFactories, RecordingFlowSender, captureTestGraph } from './fakes.js';
import { CaptureManager, defaultCaptureManagerConfig } from './manager.js';
import { handleOrderMessage, orderSpec } from './orders.js';
import type { CaptureEntry } from './running.js';

async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('capture orders', () => {
  let graph: MemoryGraph;
  let manager: CaptureManager;
  let replies: Array<{ Type: string; UUID: string; Status: number; Obj: { NodeID?: string; CaptureID?: string; Error?: string; Code?: string } }>;
  const reporter = silentReporter('agent').child('capture');
  const send = (msg: unknown) => handleOrderMessage(manager, reporter, typeof msg === 'string' ? msg : JSON.stringify(msg), (r) => replies.push(r as never));
  const entries = () => graph.getNode('eth')?.Metadata.Captures as CaptureEntry[] | undefined;
  const start = (uuid: string, extra: object = {}) => ({
    Namespace: 'OnDemand', Type: 'CaptureStart', UUID: `req-${uuid}`, Status: 200,
    Obj: { NodeID: 'eth', ProbeType: 'afpacket', Capture: { UUID: uuid, GremlinQuery: "G.V().Has('Name','eth0')", BPFFilter: 'icmp', HeaderSize: 0, ...extra } },
  });

  beforeEach(async () => {
    graph = captureTestGraph();
    replies = [];
    const fakes = new FakeCaptureFactories();
    manager = new CaptureManager(defaultCaptureManagerConfig(), {
      graph, reporter, sender: new RecordingFlowSender(), tableFactory: fakes.tableFactory, sourceFactory: fakes.sourceFactory,
    });
    await manager.start();
  });
  afterEach(() => manager.stop());

  it('maps a CaptureStart to a spec: the UUID as ID, the chosen probe type as Type', () => {
    const spec = orderSpec(start('c1', { Type: '', RawPacketLimit: 2, ExtraTCPMetric: true }).Obj);
    assert.deepEqual(spec, { ID: 'c1', BPFFilter: 'icmp', HeaderSize: 0, RawPacketLimit: 2, ExtraTCPMetric: true, Type: 'afpacket' });
  });

  it('starts once for repeated starts, stops on CaptureStop, and answers each order', async () => {
    send(start('c1'));
    send(start('c1'));
    await waitFor(() => replies.length === 2);
    assert.deepEqual(replies.map((r) => [r.Type, r.UUID, r.Status]), [['CaptureStartReply', 'req-c1', 200], ['CaptureStartReply', 'req-c1', 200]]);
    assert.deepEqual(entries()?.map((e) => [e.ID, e.State]), [['c1', 'active']]);
    send({ Namespace: 'OnDemand', Type: 'CaptureStop', UUID: 'req-stop', Obj: { NodeID: 'eth', CaptureID: 'c1' } });
    await waitFor(() => replies.length === 3);
    assert.equal(replies[2]?.Status, 200);
    assert.equal(entries(), undefined);
  });

  it('answers bad orders with an error status and ignores other namespaces and garbage', async () => {
    send({ Namespace: 'OnDemand', Type: 'CaptureStart', UUID: 'x', Obj: { NodeID: 'eth' } });
    send({ Namespace: 'OnDemand', Type: 'CaptureStart', UUID: 'y', Obj: { NodeID: 'nope', Capture: { UUID: 'c2' } } });
    send({ Namespace: 'OnDemand', Type: 'Reboot', UUID: 'z', Obj: {} });
    send({ Namespace: 'Graph', Type: 'Sync', Obj: {} });
    send('not json');
    await waitFor(() => replies.length === 3);
    assert.deepEqual(replies.map((r) => r.Status).sort(), [400, 400, 404]);
  });

  it('names the node, the capture and the error code in the reply to a refused start', async () => {
    graph.updateNode('eth', { set: { LinkFlags: ['BROADCAST'] } });
    send(start('c3'));
    await waitFor(() => replies.length === 1);
    const [r] = replies;
    assert.equal(r?.Status, 409);
    assert.deepEqual({ ...r?.Obj, Error: undefined }, { NodeID: 'eth', CaptureID: 'c3', Code: 'AGENT_CAPTURE_PRECONDITION_FAILED', Error: undefined });
    assert.match(r?.Obj.Error ?? '', /no UP in LinkFlags/);
    assert.equal(entries(), undefined, 'nothing runs');
  });
});
