// The flow table's passes (reference §9.1): creation, update windows, application timeouts, hold, expire,
// eviction of a full table, stop, timers and stats.
import assert from 'node:assert/strict';
import { isAppError } from '@topoflow/common';
import { FinishType } from '../model/flow.js';
import { readPcap } from '../pcap/reader.js';
import { trace, traceOptions } from '../test-support.js';
import { ethernet, ipv4Packet, RecordingSender, TCP_FLAGS, tcp, udp } from '../testing/frames.js';
import { LinkType, type FlowTableOptions } from './contract.js';
import { FlowTable } from './table.js';

const T = 1_700_000_000_000;
const A = '02:00:00:00:00:0a', B = '02:00:00:00:00:0b';

function table(over: Partial<FlowTableOptions> = {}): { table: FlowTable; sender: RecordingSender } {
  const sender = new RecordingSender();
  return { table: new FlowTable(traceOptions(over), { sender }), sender };
}

/** A UDP frame from 10.0.0.1:port to 10.0.0.2:53 (or the reverse) with `extra` payload bytes. */
function udpFrame(port: number, extra = 0, reverse = false): Uint8Array {
  const u = reverse ? udp(9, port, new Uint8Array(extra)) : udp(port, 9, new Uint8Array(extra));
  const ip = reverse ? ipv4Packet('10.0.0.2', '10.0.0.1', 17, u) : ipv4Packet('10.0.0.1', '10.0.0.2', 17, u);
  return reverse ? ethernet(B, A, 0x0800, ip) : ethernet(A, B, 0x0800, ip);
}

function feed(t: FlowTable, frame: Uint8Array, ts: number): void {
  t.packet(frame, 0, frame.length, frame.length, ts, LinkType.ETHERNET);
}

function arpFrame(): Uint8Array {
  return ethernet(A, 'ff:ff:ff:ff:ff:ff', 0x0806, Uint8Array.from([0, 1, 8, 0, 6, 4, 0, 1, ...new Array<number>(20).fill(1)]));
}

describe('FlowTable', () => {
  it('creates one flow per echo exchange, each with its own UUID (TestFlowCreateUpdate)', () => {
    const { table: t } = table();
    readPcap(trace('icmpv4-symetric.pcap'), t);
    const flows = t.flows();
    assert.equal(flows.length, 100);
    assert.equal(new Set(flows.map((f) => f.UUID)).size, 100);
    assert.equal(t.stats().PacketsReceived, 200);
  });

  it('expires idle flows and sends them as TIMEOUT (TestFlowExpire)', () => {
    const { table: t, sender } = table({ updateIntervalMs: 3_600_000, expireIntervalMs: 1000 });
    readPcap(trace('icmpv4-symetric.pcap'), t);
    t.expireAt(Date.now());
    assert.equal(t.size, 0);
    assert.equal(sender.flows.length, 100);
    assert.ok(sender.flows.every((f) => f.FinishType === FinishType.TIMEOUT && f.LastUpdateMetric !== undefined));
  });

  it('filters snapshots and lists them least recently touched first (TestGetFlowsWithFilters)', () => {
    const { table: t } = table({ nodeTID: 'probe-1' });
    readPcap(trace('icmpv4-symetric.pcap'), t);
    assert.equal(t.flows((f) => f.NodeTID === 'probe-1').length, 100);
    assert.equal(t.flows((f) => f.NodeTID === 'probe-2').length, 0);
    const first = t.flows()[0];
    feed(t, udpFrame(1000), T);
    feed(t, udpFrame(1001), T);
    feed(t, udpFrame(1000), T + 1);
    const order = t.flows().map((f) => f.Transport?.A);
    assert.deepEqual(order.slice(-2), [1001, 1000]);
    assert.equal(t.flows()[0]?.UUID, first?.UUID);
  });

  it('reports the change since the previous update, and nothing for an untouched flow (TestUpdate)', () => {
    const { table: t, sender } = table();
    const frame = udpFrame(1000, 10); // 14 + 20 + 8 + 10 bytes
    feed(t, frame, T);
    t.updateAt(T + 1000);
    assert.equal(sender.batches.length, 1);
    assert.deepEqual(sender.flows[0]?.LastUpdateMetric, { ABPackets: 1, ABBytes: 52, BAPackets: 0, BABytes: 0, Start: T, Last: T + 1000 });
    t.updateAt(T + 2000);
    assert.equal(sender.flows.length, 1);
    assert.deepEqual(t.flows()[0]?.LastUpdateMetric, { ABPackets: 0, ABBytes: 0, BAPackets: 0, BABytes: 0, Start: T + 1000, Last: T + 2000 });
    feed(t, frame, T + 2500);
    feed(t, udpFrame(1000, 0, true), T + 2600);
    t.updateAt(T + 3000);
    assert.equal(sender.flows.length, 2);
    assert.deepEqual(sender.flows[1]?.LastUpdateMetric, { ABPackets: 1, ABBytes: 52, BAPackets: 1, BABytes: 42, Start: T + 2000, Last: T + 3000 });
    assert.deepEqual([sender.flows[1]?.Metric?.ABBytes, sender.flows[1]?.Metric?.BABytes], [104, 42]);
  });

  it('closes the report window at the last packet when a touched flow expires', () => {
    const { table: t, sender } = table({ expireIntervalMs: 60_000 });
    feed(t, udpFrame(1000, 10), T);
    t.updateAt(T + 1000);
    feed(t, udpFrame(1000, 0), T + 5000);
    t.expireAt(T + 70_000);
    const last = sender.flows.at(-1);
    assert.equal(t.size, 0);
    assert.deepEqual(last?.LastUpdateMetric, { ABPackets: 1, ABBytes: 42, BAPackets: 0, BABytes: 0, Start: T + 1000, Last: T + 5000 });
    assert.equal(last?.FinishType, FinishType.TIMEOUT);
  });

  it('finishes a flow idle past its application timeout and keeps the others (TestAppSpecificTimeout)', () => {
    const { table: t, sender } = table({ applicationTimeoutsMs: { ARP: 10_000, DNS: 20_000 } });
    feed(t, arpFrame(), T);
    feed(t, ethernet(A, B, 0x0800, ipv4Packet('10.0.0.1', '10.0.0.2', 17, udp(5353, 53, Uint8Array.from([0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])))), T);
    assert.deepEqual(t.flows().map((f) => f.Application).sort(), ['ARP', 'DNS']);
    t.updateAt(T + 1);
    const before = sender.batches.length;
    t.updateAt(T + 15_000);
    assert.equal(sender.batches.length, before + 1);
    const sent = sender.batches.at(-1) ?? [];
    assert.deepEqual(sent.map((f) => [f.Application, f.FinishType]), [['ARP', FinishType.TIMEOUT]]);
    assert.deepEqual(t.flows().map((f) => [f.Application, f.FinishType]), [['DNS', undefined]]);
  });

  it('drops a finished flow once idle for the hold time, and keeps an unfinished one (TestHold)', () => {
    const { table: t } = table();
    const fin = ethernet(A, B, 0x0800, ipv4Packet('10.0.0.1', '10.0.0.2', 6, tcp(1000, 80, TCP_FLAGS.FIN | TCP_FLAGS.ACK)));
    const open = ethernet(A, B, 0x0800, ipv4Packet('10.0.0.1', '10.0.0.2', 6, tcp(1001, 80, TCP_FLAGS.ACK)));
    feed(t, fin, T);
    feed(t, open, T);
    assert.equal(t.flows().find((f) => f.Transport?.A === 1000)?.FinishType, FinishType.TCP_FIN);
    t.updateAt(T + 5000);
    assert.equal(t.size, 2);
    t.updateAt(T + 15_000);
    assert.deepEqual(t.flows().map((f) => f.Transport?.A), [1001]);
  });

  it('sets FinishType only from the packet that creates the flow', () => {
    const { table: t } = table();
    const syn = ethernet(A, B, 0x0800, ipv4Packet('10.0.0.1', '10.0.0.2', 6, tcp(1000, 80, TCP_FLAGS.SYN)));
    const rst = ethernet(A, B, 0x0800, ipv4Packet('10.0.0.1', '10.0.0.2', 6, tcp(1000, 80, TCP_FLAGS.RST)));
    feed(t, syn, T);
    feed(t, rst, T + 1);
    assert.equal(t.flows()[0]?.FinishType, undefined);
    assert.equal(t.flows()[0]?.TCPMetric?.ABRstStart, T + 1);
    const { table: t2 } = table();
    feed(t2, rst, T);
    assert.equal(t2.flows()[0]?.FinishType, FinishType.TCP_RST);
  });

  it('sends the least recently used flow as TIMEOUT when full, and counts it as dropped', () => {
    const { table: t, sender } = table({ maxEntries: 3 });
    for (let port = 1000; port < 1005; port++) feed(t, udpFrame(port), T + port);
    assert.equal(t.size, 3);
    assert.deepEqual(sender.flows.map((f) => [f.Transport?.A, f.FinishType]), [[1000, FinishType.TIMEOUT], [1001, FinishType.TIMEOUT]]);
    assert.equal(t.stats().FlowDropped, 2);
    assert.deepEqual(t.flows().map((f) => f.Transport?.A), [1002, 1003, 1004]);
  });

  it('counts frames with neither a link nor a network layer as dropped packets, not as flows', () => {
    const { table: t } = table();
    feed(t, udpFrame(1000), T);
    const noNetwork = new Uint8Array(28);
    t.packet(noNetwork, 0, noNetwork.length, noNetwork.length, T + 1, LinkType.RAW);
    assert.equal(t.size, 1);
    assert.deepEqual([t.stats().PacketsReceived, t.stats().PacketsDropped], [2, 1]);
  });

  it('finishes and sends every flow on stop, once', () => {
    const { table: t, sender } = table();
    feed(t, udpFrame(1000), T);
    feed(t, udpFrame(1001), T);
    t.start();
    t.stop();
    t.stop();
    assert.equal(t.size, 0);
    assert.deepEqual(sender.flows.map((f) => f.FinishType), [FinishType.TIMEOUT, FinishType.TIMEOUT]);
  });

  it('runs the update and stats passes on its timers until stopped', async () => {
    const sender = new RecordingSender();
    const t = new FlowTable(traceOptions({ updateIntervalMs: 10, captureID: 'c1' }), { sender, statsIntervalMs: 10 });
    feed(t, udpFrame(1000), Date.now());
    t.start();
    t.start();
    await new Promise((r) => setTimeout(r, 60));
    assert.ok(sender.batches.length >= 1);
    assert.ok(sender.stats.length >= 2);
    assert.deepEqual(sender.stats[0], { CaptureID: 'c1', FlowCount: 1, FlowDropped: 0, KernelFlowDropped: 0, PacketsDropped: 0, PacketsReceived: 1 });
    t.stop();
    const count = sender.stats.length;
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(sender.stats.length, count);
  });

  it('rejects options out of range', () => {
    assert.throws(() => table({ rawPacketLimit: 11 }), (e: unknown) => isAppError(e, 'FLOW_TABLE_OPTIONS_INVALID'));
    assert.throws(() => table({ layerKeyMode: 'L4' as 'L2' }), (e: unknown) => isAppError(e, 'FLOW_TABLE_OPTIONS_INVALID'));
  });
});
