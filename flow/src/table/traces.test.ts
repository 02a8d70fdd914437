// The reference's trace tests (skydive-probes-flows.md §9.2): flows built from the shared pcaps.
import assert from 'node:assert/strict';
import { BpfSink } from '../bpf/sink.js';
import { compileBpf } from '../bpf/filter.js';
import type { Flow } from '../model/flow.js';
import { readPcap } from '../pcap/reader.js';
import { tableFromTrace, trace, traceOptions } from '../test-support.js';
import { RecordingSender } from '../testing/frames.js';
import { LinkType, type FlowTableOptions } from './contract.js';
import { FlowTable } from './table.js';

interface Expected {
  LayersPath: string;
  Application: string;
  Link?: [string, string, number];
  Network?: [string, string, number];
  Transport?: [string, number, number];
  ab: [number, number];
  ba: [number, number];
}

function flowsOf(name: string, over: Partial<FlowTableOptions> = {}, linkType?: number): Flow[] {
  const { table } = tableFromTrace(name, over, linkType);
  const flows = table.flows();
  const uuids = new Set(flows.map((f) => f.UUID));
  for (const f of flows) assert.ok(f.ParentUUID === '' || uuids.has(f.ParentUUID), `parent of ${f.LayersPath} is in the table`);
  assert.equal(table.size, flows.length);
  return flows;
}

function summary(f: Flow): Expected {
  const s: Expected = {
    LayersPath: f.LayersPath, Application: f.Application,
    ab: [f.Metric?.ABPackets ?? -1, f.Metric?.ABBytes ?? -1], ba: [f.Metric?.BAPackets ?? -1, f.Metric?.BABytes ?? -1],
  };
  if (f.Link) s.Link = [f.Link.A ?? '', f.Link.B ?? '', f.Link.ID];
  if (f.Network) s.Network = [f.Network.A ?? '', f.Network.B ?? '', f.Network.ID];
  if (f.Transport) s.Transport = [f.Transport.Protocol, f.Transport.A, f.Transport.B];
  return s;
}

/** Each expected flow matches one produced flow on path, layers and counters. */
function expectFlows(flows: Flow[], expected: Expected[]): void {
  const canon = (e: Expected): string => JSON.stringify([e.LayersPath, e.Application, e.Link ?? null, e.Network ?? null, e.Transport ?? null, e.ab, e.ba]);
  const got = flows.map((f) => canon(summary(f)));
  for (const e of expected) assert.ok(got.includes(canon(e)), `no flow like ${canon(e)} in\n${got.join('\n')}`);
}

describe('flows from the reference traces', () => {
  it('counts a TCP connection with its RTT and no LastUpdateMetric (simple-tcpv4)', () => {
    const [f, ...rest] = flowsOf('simple-tcpv4.pcap');
    assert.equal(rest.length, 0);
    assert.equal(f?.LayersPath, 'Ethernet/IPv4/TCP');
    const m = f?.Metric;
    assert.deepEqual([m?.ABPackets, m?.ABBytes, m?.BAPackets, m?.BABytes, m?.RTT], [5, 344, 3, 206, 33000]);
    assert.ok((m?.Start ?? 0) > 0 && (m?.Last ?? 0) > 0);
    assert.equal(f?.LastUpdateMetric, undefined);
  });

  it('records SYN and FIN times and SYN TTLs per direction (simple-tcpv4)', () => {
    const t = flowsOf('simple-tcpv4.pcap')[0]?.TCPMetric;
    assert.deepEqual([t?.ABSynStart, t?.BASynStart, t?.ABSynTTL, t?.BASynTTL], [1490086703768, 1490086703768, 64, 64]);
    assert.deepEqual([t?.ABFinStart, t?.BAFinStart], [1490086707507, 1490086707507]);
  });

  it('counts wire lengths of truncated frames (icmpv4-truncated)', () => {
    const flows = flowsOf('icmpv4-truncated.pcap');
    expectFlows(flows, [{
      LayersPath: 'Ethernet/IPv4/ICMPv4', Application: 'ICMPv4', Link: ['48:45:20:17:cf:0f', '44:f4:77:6e:88:01', 0],
      Network: ['10.201.243.198', '8.8.8.8', 0], ab: [1, 1066], ba: [1, 1066],
    }]);
    assert.equal(flows[0]?.Metric?.RTT, 13104000);
  });

  it('decodes IPv6 TCP (simple-tcpv6)', () => {
    const flows = flowsOf('simple-tcpv6.pcap');
    assert.equal(flows.length, 1);
    assert.equal(flows[0]?.LayersPath, 'Ethernet/IPv6/TCP');
    assert.equal(flows[0]?.Metric?.RTT, 28000);
  });

  it('splits ERSPAN II in GRE into an outer and an inner flow, in that order (erspanII)', () => {
    const flows = flowsOf('erspanII.pcap');
    assert.deepEqual(flows.map((f) => f.LayersPath), ['Ethernet/IPv4/GRE', 'Ethernet/IPv4/ICMPv4']);
    assert.equal(flows[1]?.ParentUUID, flows[0]?.UUID);
  });

  it('keeps fragments apart without defragmentation (ipv4-fragments)', () => {
    const flows = flowsOf('ipv4-fragments.pcap', { ipDefrag: false });
    assert.equal(flows.length, 2);
    assert.ok(flows.some((f) => f.LayersPath === 'Ethernet/IPv4/Fragment'));
    assert.ok(flows.every((f) => f.IPMetric === undefined));
  });

  it('reassembles fragments into one flow with its IPMetric (ipv4-fragments)', () => {
    const flows = flowsOf('ipv4-fragments.pcap');
    assert.equal(flows.length, 1);
    assert.equal(flows[0]?.LayersPath, 'Ethernet/IPv4/Fragment/ICMPv4');
    assert.deepEqual(flows[0]?.IPMetric, { Fragments: 1, FragmentErrors: 0 });
  });

  it('counts out-of-order TCP segments per direction (eth-ipv4-tcp-http-ooo)', () => {
    const flows = flowsOf('eth-ipv4-tcp-http-ooo.pcap');
    assert.equal(flows.length, 1);
    assert.equal(flows[0]?.LayersPath, 'Ethernet/IPv4/TCP');
    assert.equal(flows[0]?.TCPMetric?.ABSegmentOutOfOrder, 0);
    assert.equal(flows[0]?.TCPMetric?.BASegmentOutOfOrder, 3);
  });

  it('builds ARP, DNS and HTTP flows (eth-ip4-arp-dns-req-http-google)', () => {
    const flows = flowsOf('eth-ip4-arp-dns-req-http-google.pcap');
    assert.equal(flows.length, 6);
    const L = ['fa:16:3e:29:e0:82', 'fa:16:3e:96:06:e8', 0] as [string, string, number];
    expectFlows(flows, [
      { LayersPath: 'Ethernet/ARP', Application: 'ARP', Link: ['fa:16:3e:29:e0:82', 'ff:ff:ff:ff:ff:ff', 0], ab: [1, 42], ba: [0, 0] },
      { LayersPath: 'Ethernet/IPv4/UDP/DNS', Application: 'DNS', Link: L, Network: ['192.168.0.5', '8.8.8.8', 0], Transport: ['UDP', 37686, 53], ab: [2, 148], ba: [2, 256] },
      { LayersPath: 'Ethernet/IPv4/TCP', Application: 'TCP', Link: L, Network: ['192.168.0.5', '173.194.40.147', 0], Transport: ['TCP', 47838, 80], ab: [6, 516], ba: [4, 760] },
      { LayersPath: 'Ethernet/IPv4/UDP/DNS', Application: 'DNS', Link: L, Network: ['192.168.0.5', '8.8.8.8', 0], Transport: ['UDP', 33553, 53], ab: [2, 146], ba: [2, 190] },
      { LayersPath: 'Ethernet/IPv4/TCP', Application: 'TCP', Link: L, Network: ['192.168.0.5', '216.58.211.67', 0], Transport: ['TCP', 54785, 80], ab: [20, 1475], ba: [18, 21080] },
    ]);
  });

  it('decodes MPLS over UDP on a registered port, with IPv4 or Ethernet inside (contrail)', () => {
    const flows = flowsOf('contrail-udp-mpls-eth-and-ipv4.pcap', { mplsUDPPorts: [51234] });
    expectFlows(flows, [
      { LayersPath: 'IPv4/ICMPv4', Application: 'ICMPv4', Network: ['10.65.65.5', '10.35.35.3', 0], ab: [1, 104], ba: [0, 0] },
      { LayersPath: 'Ethernet/IPv4/UDP/MPLS', Application: 'MPLS', Link: ['d4:ae:52:9e:5d:2f', '90:b1:1c:0f:bb:b8', 0], Network: ['10.11.0.56', '10.11.0.55', 0], Transport: ['UDP', 53580, 51234], ab: [1, 120], ba: [0, 0] },
      { LayersPath: 'Ethernet/IPv4/TCP', Application: 'TCP', Link: ['02:47:10:72:2d:5b', '02:70:7f:82:12:ab', 0], Network: ['10.65.65.4', '10.65.65.5', 0], Transport: ['TCP', 52477, 80], ab: [1, 74], ba: [0, 0] },
      { LayersPath: 'Ethernet/IPv4/UDP/MPLS', Application: 'MPLS', Link: ['90:b1:1c:0f:bb:b8', 'd4:ae:52:9e:5d:2f', 0], Network: ['10.11.0.55', '10.11.0.56', 0], Transport: ['UDP', 51822, 51234], ab: [1, 150], ba: [0, 0] },
    ]);
  });

  it('gives the same L3TrackingID to a ping with and without Ethernet (ping-with-without-ethernet)', () => {
    const icmp = flowsOf('ping-with-without-ethernet.pcap').filter((f) => f.Application === 'ICMPv4');
    assert.equal(icmp.length, 2);
    assert.equal(new Set(icmp.map((f) => f.L3TrackingID)).size, 1);
  });

  it('splits GRE in GRE into three flows (gre-gre-icmpv4)', () => {
    expectFlows(flowsOf('gre-gre-icmpv4.pcap'), [
      { LayersPath: 'Ethernet/IPv4/GRE', Application: 'GRE', Link: ['00:0f:fe:dd:22:42', '00:1b:d5:ff:54:d9', 0], Network: ['72.205.54.70', '86.106.164.150', 0], ab: [5, 810], ba: [5, 810] },
      { LayersPath: 'IPv4/GRE', Application: 'GRE', Network: ['10.10.11.2', '10.10.13.2', 0], ab: [5, 620], ba: [5, 620] },
      { LayersPath: 'IPv4/ICMPv4', Application: 'ICMPv4', Network: ['10.10.25.1', '192.168.1.2', 0], ab: [5, 500], ba: [5, 500] },
    ]);
  });

  it('breaks the tie of equal addresses on both sides with the source port (iperf-same-L2L3)', () => {
    const flows = flowsOf('iperf-same-L2L3.pcap');
    assert.equal(flows.length, 1);
    assert.equal(flows[0]?.LayersPath, 'Ethernet/IPv4/TCP');
    const m = flows[0]?.Metric;
    assert.deepEqual([m?.ABPackets, m?.ABBytes, m?.BAPackets, m?.BABytes], [10, 668, 13, 263010]);
  });

  it('puts the VNI in Network.ID and the inner ping under the VXLAN flow (vxlan-icmpv4-truncated)', () => {
    const flows = flowsOf('vxlan-icmpv4-truncated.pcap');
    expectFlows(flows, [
      { LayersPath: 'Ethernet/IPv4/UDP/VXLAN', Application: 'VXLAN', Link: ['fa:36:71:46:76:19', '3a:07:fe:34:45:8e', 0], Network: ['172.16.0.1', '172.16.0.2', 10], Transport: ['UDP', 55091, 4789], ab: [1, 1116], ba: [1, 1116] },
      { LayersPath: 'Ethernet/IPv4/ICMPv4', Application: 'ICMPv4', Link: ['f2:98:72:99:56:08', '26:09:b6:98:f9:64', 0], Network: ['192.168.0.1', '192.168.0.2', 0], ab: [1, 1066], ba: [1, 1066] },
    ]);
    const inner = flows.find((f) => f.Application === 'ICMPv4');
    // the trace's echo identifier is 0x799d in both frames (the reference document's 10222 does not occur in it)
    assert.deepEqual(inner?.ICMP, { Type: 'ECHO', ID: 31133 });
    assert.equal(inner?.ParentUUID, flows.find((f) => f.Application === 'VXLAN')?.UUID);
  });

  it('ends the path at UDP when NTP does not decode, with the VLAN in Link.ID (ntp-corrupted)', () => {
    expectFlows(flowsOf('ntp-corrupted.pcap'), [{
      LayersPath: 'Ethernet/Dot1Q/IPv4/UDP', Application: 'UDP', Link: ['00:1c:0f:5c:a2:83', '00:1c:0f:09:00:10', 202],
      Network: ['89.46.101.31', '196.95.70.83', 0], Transport: ['UDP', 40820, 123], ab: [1, 50], ba: [0, 0],
    }]);
  });

  it('decodes link type 12 as raw IP (link-type-12)', () => {
    const flows = flowsOf('link-type-12.pcap', {}, LinkType.RAW_BSD);
    assert.equal(flows.length, 1);
    const s = summary(flows[0] as Flow);
    assert.deepEqual([s.LayersPath, s.Application, s.Network?.slice(0, 2), s.Transport], ['IPv4/TCP', 'TCP', ['10.171.169.243', '192.168.255.1'], ['TCP', 10250, 41252]]);
  });

  it('merges both source MACs into one flow in L3 key mode (layer-key-mode)', () => {
    const flows = flowsOf('layer-key-mode.pcap', { layerKeyMode: 'L3' });
    assert.equal(flows.length, 1);
    const f = flows[0];
    assert.equal(f?.Link?.A, 'f2:45:25:5b:3a:bc');
    assert.deepEqual([f?.Metric?.ABPackets, f?.Metric?.ABBytes, f?.Metric?.BAPackets, f?.Metric?.BABytes], [2, 196, 2, 196]);
    assert.equal(f?.TrackingID, '9e42a86914a043b8');
    assert.equal(f?.L3TrackingID, '9e42a86914a043b8');
  });

  it('keeps one flow per source MAC in L2 key mode, sharing the L3TrackingID (layer-key-mode)', () => {
    const flows = flowsOf('layer-key-mode.pcap');
    assert.equal(flows.length, 2);
    for (const f of flows) {
      assert.deepEqual([f.Metric?.ABPackets, f.Metric?.ABBytes, f.Metric?.BAPackets, f.Metric?.BABytes], [1, 98, 1, 98]);
      assert.equal(f.L3TrackingID, '9e42a86914a043b8');
    }
    const byMac = Object.fromEntries(flows.map((f) => [f.Link?.A, f.TrackingID]));
    assert.deepEqual(byMac, { 'f2:45:25:5b:3a:ac': '6952cad8cd38c63c', 'f2:45:25:5b:3a:bc': 'a25d427a9f9dcdb8' });
    // the worked example of §5.4: empty parent and NodeTID, Start 1526468153643
    assert.equal(flows.find((f) => f.Link?.A === 'f2:45:25:5b:3a:bc')?.UUID, '73b2b3bcc5609d4a');
  });

  it('decodes every frame of a VLAN-tagged ping (icmp-vlan)', () => {
    const flows = flowsOf('icmp-vlan.pcap');
    assert.equal(flows.length, 1);
    assert.equal(flows[0]?.LayersPath, 'Ethernet/Dot1Q/IPv4/ICMPv4');
    assert.equal((flows[0]?.Metric?.ABPackets ?? 0) + (flows[0]?.Metric?.BAPackets ?? 0), 2);
  });

  it('keeps only the DNS and HTTP flows behind the filter "port 53 or port 80" (TestBPFFilter)', () => {
    const table = new FlowTable(traceOptions(), { sender: new RecordingSender() });
    const sink = new BpfSink('port 53 or port 80', table, { linkType: LinkType.ETHERNET, snaplen: 256 });
    readPcap(trace('eth-ip4-arp-dns-req-http-google.pcap'), sink);
    const flows = table.flows();
    assert.equal(flows.length, 4);
    assert.deepEqual(flows.map((f) => f.Transport?.B).sort(), [53, 53, 80, 80]);
    assert.ok(sink.stats().rejected > 0, 'the ARP frames are filtered out');
  });

  it('matches every frame of a VLAN-tagged ping with "icmp or (vlan and icmp)" (TestVlanBPF)', () => {
    const filter = compileBpf('icmp or (vlan and icmp)', LinkType.ETHERNET, 256);
    const verdicts: boolean[] = [];
    readPcap(trace('icmp-vlan.pcap'), {
      packet: (data, offset, caplen, wirelen) => void verdicts.push(filter.matches(data, offset, caplen, wirelen)),
    });
    assert.deepEqual(verdicts, [true, true]);
  });
});
