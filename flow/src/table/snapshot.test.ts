// The shape of flow snapshots (TestFlowJSON, TestEmptyParentUUIDExported) and the per-packet details they carry:
// DNS, raw packets, ICMP, VLAN ids, application ports, options that add sections.
import assert from 'node:assert/strict';
import type { Flow } from '../model/flow.js';
import { traceOptions } from '../test-support.js';
import {
  dnsAnswer, dnsQuery, ethernet, icmpv4, icmpv6Echo, ipv4Packet, ipv6Packet, RecordingSender, TCP_FLAGS, tcp, udp,
} from '../testing/frames.js';
import { ExtraLayers, LinkType, type FlowTableOptions } from './contract.js';
import { FlowTable } from './table.js';

const T = 1_700_000_000_000;
const A = '02:00:00:00:00:0a', B = '02:00:00:00:00:0b';

function run(frames: Array<[Uint8Array, number]>, over: Partial<FlowTableOptions> = {}): { flows: Flow[]; table: FlowTable; sender: RecordingSender } {
  const sender = new RecordingSender();
  const table = new FlowTable(traceOptions(over), { sender });
  for (const [f, ts] of frames) table.packet(f, 0, f.length, f.length, ts, LinkType.ETHERNET);
  return { flows: table.flows(), table, sender };
}

function ping(type: number, reverse = false): Uint8Array {
  const ip = reverse ? ipv4Packet('10.0.0.2', '10.0.0.1', 1, icmpv4(type, 0, 7, 1)) : ipv4Packet('10.0.0.1', '10.0.0.2', 1, icmpv4(type, 0, 7, 1));
  return reverse ? ethernet(B, A, 0x0800, ip) : ethernet(A, B, 0x0800, ip);
}

describe('flow snapshots', () => {
  it('always carry ParentUUID and RawPacketsCaptured, and omit what does not apply (TestEmptyParentUUIDExported)', () => {
    const { flows } = run([[ping(8), T]], { extraTCPMetric: false, ipDefrag: false });
    const json = JSON.parse(JSON.stringify(flows[0])) as Record<string, unknown>;
    assert.equal(json.ParentUUID, '');
    assert.equal(json.RawPacketsCaptured, 0);
    for (const absent of ['FinishType', 'LastUpdateMetric', 'TCPMetric', 'IPMetric', 'Transport', 'DNS', 'NodeTID', 'LastRawPackets']) {
      assert.ok(!(absent in json), `${absent} is absent`);
    }
  });

  it('serialise enums as names and zero metrics as numbers, and round-trip through JSON (TestFlowJSON)', () => {
    const { flows, table } = run([[ping(8), T], [ping(0, true), T + 1]], { nodeTID: 'probe-1' });
    table.updateAt(T + 1000);
    table.updateAt(T + 2000);
    const f = table.flows()[0] as Flow;
    const text = JSON.stringify(f);
    assert.match(text, /"Protocol":"ETHERNET"/);
    assert.match(text, /"Type":"ECHO"/);
    assert.match(text, /"LastUpdateMetric":\{"ABPackets":0,"ABBytes":0,"BAPackets":0,"BABytes":0,"Start":\d+,"Last":\d+\}/);
    assert.deepEqual(JSON.parse(text), f);
    assert.equal(f.NodeTID, 'probe-1');
    assert.equal(flows[0]?.Metric?.RTT, 1_000_000);
  });

  it('add TCPMetric only with ExtraTCPMetric', () => {
    const syn = ethernet(A, B, 0x0800, ipv4Packet('10.0.0.1', '10.0.0.2', 6, tcp(1000, 80, TCP_FLAGS.SYN)));
    assert.equal(run([[syn, T]], { extraTCPMetric: false }).flows[0]?.TCPMetric, undefined);
    const m = run([[syn, T]]).flows[0]?.TCPMetric;
    assert.equal(m?.ABSynStart, T);
    assert.equal(m?.ABSawStart, 1);
    assert.equal(m?.BASynTTL, undefined);
  });

  it('copy the last DNS message when the capture asks for it', () => {
    const q = ethernet(A, B, 0x0800, ipv4Packet('10.0.0.1', '10.0.0.2', 17, udp(40000, 53, dnsQuery(0x1234, 'example.org'))));
    const r = ethernet(B, A, 0x0800, ipv4Packet('10.0.0.2', '10.0.0.1', 17, udp(53, 40000, dnsAnswer(0x1234, 'example.org', '192.0.2.7'))));
    const plain = run([[q, T], [r, T + 1]]).flows[0];
    assert.equal(plain?.LayersPath, 'Ethernet/IPv4/UDP/DNS');
    assert.equal(plain?.DNS, undefined);
    const dns = run([[q, T], [r, T + 1]], { extraLayers: ExtraLayers.DNS }).flows[0]?.DNS;
    assert.equal(dns?.ID, 0x1234);
    assert.equal(dns?.QR, true);
    assert.deepEqual(dns?.questions, [{ name: 'example.org', type: 'A', class: 'IN' }]);
    assert.deepEqual(dns?.answers, [{ name: 'example.org', type: 'A', class: 'IN', TTL: 60, data_length: 4, IP: '192.0.2.7' }]);
  });

  it('keep raw packets up to the limit between two reports and hand them over when sent', () => {
    const frames: Array<[Uint8Array, number]> = [[ping(8), T], [ping(0, true), T + 1], [ping(8), T + 2]];
    const { flows, table, sender } = run(frames, { rawPacketLimit: 2 });
    assert.equal(flows[0]?.RawPacketsCaptured, 2);
    assert.deepEqual(flows[0]?.LastRawPackets?.map((r) => [r.Index, r.Timestamp, r.LinkType]), [[0, T, 1], [1, T + 1, 1]]);
    assert.deepEqual(Buffer.from(flows[0]?.LastRawPackets?.[0]?.Data ?? '', 'base64'), Buffer.from(ping(8)));
    table.updateAt(T + 1000);
    assert.equal(sender.flows[0]?.LastRawPackets?.length, 2);
    assert.equal(table.flows()[0]?.LastRawPackets, undefined);
    const f = ping(8);
    table.packet(f, 0, f.length, f.length, T + 2000, LinkType.ETHERNET);
    assert.deepEqual(table.flows()[0]?.LastRawPackets?.map((r) => r.Index), [2]);
  });

  it('describe ICMPv6 echo with its identifier and RTT', () => {
    const req = ethernet(A, B, 0x86dd, ipv6Packet('fd00::1', 'fd00::2', 58, icmpv6Echo(128, 99, 1)));
    const rep = ethernet(B, A, 0x86dd, ipv6Packet('fd00::2', 'fd00::1', 58, icmpv6Echo(129, 99, 1)));
    const f = run([[req, T], [rep, T + 0.25]]).flows;
    assert.equal(f.length, 1);
    assert.equal(f[0]?.LayersPath, 'Ethernet/IPv6/ICMPv6/ICMPv6Echo');
    assert.deepEqual(f[0]?.ICMP, { Type: 'ECHO', ID: 99 });
    assert.deepEqual([f[0]?.Network?.A, f[0]?.Network?.B], ['fd00::1', 'fd00::2']);
    assert.equal(f[0]?.Metric?.RTT, 250_000);
  });

  it('fold VLAN tags into Link.ID with the outermost in the low bits', () => {
    const ip = ipv4Packet('10.0.0.1', '10.0.0.2', 1, icmpv4(8, 0, 1, 1));
    const ids = [[8, 10], [8, 10, 20], [8, 10, 20, 30]].map((tags) => run([[ethernet(A, B, 0x0800, ip, tags), T]]).flows[0]?.Link?.ID);
    assert.deepEqual(ids, [40968, 335585288, 2061919887368]);
    assert.equal(run([[ethernet(A, B, 0x0800, ip, [8, 10]), T]]).flows[0]?.LayersPath, 'Ethernet/Dot1Q/Dot1Q/IPv4/ICMPv4');
  });

  it('name the application from the port map, source port first', () => {
    const seg = (s: number, d: number): Uint8Array => ethernet(A, B, 0x0800, ipv4Packet('10.0.0.1', '10.0.0.2', 6, tcp(s, d, TCP_FLAGS.ACK)));
    const ports = { tcp: { 80: 'http', 8080: 'proxy' }, udp: {} };
    const apps = run([[seg(40000, 80), T], [seg(8080, 80), T]], { applicationPorts: ports }).flows.map((f) => f.Application);
    assert.deepEqual(apps, ['HTTP', 'PROXY']);
  });

  it('hash the VNI and destination port, not the outer source port, of VXLAN', () => {
    const inner = ethernet('02:00:00:00:01:01', '02:00:00:00:01:02', 0x0800, ipv4Packet('192.168.0.1', '192.168.0.2', 1, icmpv4(8, 0, 1, 1)));
    const outer = (sport: number): Uint8Array => ethernet(A, B, 0x0800, ipv4Packet('172.16.0.1', '172.16.0.2', 17, udp(sport, 4789, new Uint8Array([0x08, 0, 0, 0, 0, 0, 42, 0, ...inner]))));
    const flows = run([[outer(1111), T], [outer(2222), T + 1]]).flows;
    assert.deepEqual(flows.map((f) => f.LayersPath), ['Ethernet/IPv4/UDP/VXLAN', 'Ethernet/IPv4/ICMPv4']);
    assert.equal(flows[0]?.Network?.ID, 42);
    assert.equal(flows[0]?.Metric?.ABPackets, 2);
  });
});
