// Layer paths the decoder produces for encapsulations and protocols the traces do not cover, and its behaviour
// on truncated frames (never throws; decodes what is there).
import assert from 'node:assert/strict';
import { LinkType } from '../table/contract.js';
import { layersPath } from '../table/create.js';
import { ethernet, gre, icmpv4, ipv4Packet, ipv6Packet, udp, vxlan } from '../testing/frames.js';
import { PacketDecoder } from './decoder.js';
import { DecodedPacket } from './packet.js';
import { PacketSequence, splitPacket, type SubPacket } from './split.js';

const A = '02:00:00:00:00:0a', B = '02:00:00:00:00:0b';
const decoder = new PacketDecoder({ mplsUDPPorts: [6635] });

/** LayersPath of each sub-packet and its accounted length. */
function paths(frame: Uint8Array, linkType: number = LinkType.ETHERNET): string[] {
  const p = decoder.decode(new DecodedPacket(), frame, 0, frame.length, linkType);
  const seq = new PacketSequence();
  splitPacket(p, frame.length, seq);
  return seq.subs.slice(0, seq.count).map((s: SubPacket) => `${layersPath(p, s).path}:${s.length}`);
}

const ping = ipv4Packet('10.0.0.1', '10.0.0.2', 1, icmpv4(8, 0, 1, 1));

describe('PacketDecoder', () => {
  it('decodes QinQ tags as Dot1Q layers', () => {
    assert.deepEqual(paths(ethernet(A, B, 0x0800, ping, [100, 200])), ['Ethernet/Dot1Q/Dot1Q/IPv4/ICMPv4:50']);
  });

  it('walks IPv6 extension headers and fragments', () => {
    const ext = (next: number, body: number[]): number[] => [next, 0, ...body, ...new Array<number>(6 - body.length).fill(0)];
    const hbh = Uint8Array.from([...ext(60, []), ...ext(17, []), ...udp(1, 2)]);
    assert.deepEqual(paths(ethernet(A, B, 0x86dd, ipv6Packet('fd00::1', 'fd00::2', 0, hbh))), ['Ethernet/IPv6/IPv6HopByHop/IPv6Destination/UDP:78']);
    const frag = Uint8Array.from([17, 0, 0, 1, 0, 0, 0, 9, 1, 2, 3]);
    assert.deepEqual(paths(ethernet(A, B, 0x86dd, ipv6Packet('fd00::1', 'fd00::2', 44, frag))), ['Ethernet/IPv6/IPv6Fragment/Fragment:65']);
  });

  it('names SCTP chunks', () => {
    const sctp = Uint8Array.from([0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 8, 1, 2, 3, 4, 0, 0, 0, 5, 9, 0, 0, 0]);
    assert.deepEqual(paths(ipv4Packet('10.0.0.1', '10.0.0.2', 132, sctp), LinkType.IPV4), ['IPv4/SCTP/SCTPInit/SCTPData:48']);
  });

  it('splits Geneve, GRE with a key and MPLS over UDP, subtracting the consumed headers', () => {
    const inner = ethernet(A, B, 0x0800, ping);
    const geneve = Uint8Array.from([0, 0, 0x65, 0x58, 0, 0, 7, 0, ...inner]);
    assert.deepEqual(paths(ethernet(A, B, 0x0800, ipv4Packet('1.1.1.1', '2.2.2.2', 17, udp(5, 6081, geneve)))), [
      'Ethernet/IPv4/UDP/Geneve:92', 'Ethernet/IPv4/ICMPv4:42',
    ]);
    assert.deepEqual(paths(ethernet(A, B, 0x0800, ipv4Packet('1.1.1.1', '2.2.2.2', 47, gre(0x0800, ping, 77)))), [
      'Ethernet/IPv4/GRE:70', 'IPv4/ICMPv4:28',
    ]);
    const mpls = Uint8Array.from([0, 0x10, 0x00, 64, 0, 0x20, 0x01, 64, ...ping]);
    assert.deepEqual(paths(ethernet(A, B, 0x0800, ipv4Packet('1.1.1.1', '2.2.2.2', 17, udp(5, 6635, mpls)))), [
      'Ethernet/IPv4/UDP/MPLS:78', 'MPLS:32', 'IPv4/ICMPv4:28',
    ]);
  });

  it('skips the Linux cooked header in the path', () => {
    const sll = Uint8Array.from([0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 10, 0, 0, 0x08, 0x00, ...ping]);
    assert.deepEqual(paths(sll, LinkType.LINUX_SLL), ['IPv4/ICMPv4:44']);
  });

  it('decodes the intact layers of a frame cut at any length, without throwing', () => {
    const frame = ethernet(A, B, 0x0800, ipv4Packet('172.16.0.1', '172.16.0.2', 17, udp(9, 4789, vxlan(5, ethernet(A, B, 0x0800, ping)))));
    const seen = new Set<string>();
    const p = new DecodedPacket();
    for (let n = 0; n <= frame.length; n++) {
      decoder.decode(p, frame, 0, n, LinkType.ETHERNET);
      const names: string[] = [];
      for (let i = 0; i < p.count; i++) names.push(p.name(i));
      seen.add(names.join('/'));
    }
    assert.deepEqual([...seen], [
      '', 'Ethernet', 'Ethernet/IPv4', 'Ethernet/IPv4/UDP', 'Ethernet/IPv4/UDP/VXLAN', 'Ethernet/IPv4/UDP/VXLAN/Ethernet',
      'Ethernet/IPv4/UDP/VXLAN/Ethernet/IPv4', 'Ethernet/IPv4/UDP/VXLAN/Ethernet/IPv4/ICMPv4',
    ]);
  });
});
