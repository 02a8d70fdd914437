// Frames for tests, built byte by byte: Ethernet (optionally 802.1Q-tagged) carrying ARP, IPv4 or IPv6 with
// TCP, UDP or ICMP. Checksums are left at zero: filters and decoders under test do not check them.

/** Bytes of a MAC address "02:00:00:00:00:01". */
export function mac(s: string): number[] {
  return s.split(':').map((h) => parseInt(h, 16));
}

function ip4(s: string): number[] {
  return s.split('.').map(Number);
}

/** Bytes of an IPv6 address in text form ("fd00::1"). */
export function ipv6Address(s: string): number[] {
  const [head = '', tail = ''] = s.split('::');
  const groups = (p: string) => (p === '' ? [] : p.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head);
  const t = s.includes('::') ? groups(tail) : [];
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

const be16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
const be32 = (v: number) => [(v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];

/** An Ethernet frame; `vlan` inserts an 802.1Q tag with that VLAN id. */
export function ethernet(etherType: number, payload: number[], o: { src?: string; dst?: string; vlan?: number } = {}): Buffer {
  const tag = o.vlan === undefined ? [] : [0x81, 0x00, ...be16(o.vlan & 0xfff)];
  return Buffer.from([...mac(o.dst ?? '02:00:00:00:00:02'), ...mac(o.src ?? '02:00:00:00:00:01'), ...tag, ...be16(etherType), ...payload]);
}

/** An ARP request for `target` from `sender`. */
export function arpRequest(sender: string, target: string): number[] {
  return [0, 1, 0x08, 0x00, 6, 4, 0, 1, ...mac('02:00:00:00:00:01'), ...ip4(sender), 0, 0, 0, 0, 0, 0, ...ip4(target)];
}

/** An IPv4 packet; `options` adds 4-byte option words, `fragOffset` (in 8-byte units) makes it a fragment. */
export function ipv4(src: string, dst: string, proto: number, payload: number[], o: { ttl?: number; options?: number; fragOffset?: number; moreFragments?: boolean } = {}): number[] {
  const words = 5 + (o.options ?? 0);
  const total = words * 4 + payload.length;
  const frag = ((o.moreFragments ? 0x2000 : 0) | (o.fragOffset ?? 0)) & 0xffff;
  const opts = new Array<number>((o.options ?? 0) * 4).fill(1);
  return [0x40 | words, 0, ...be16(total), 0x12, 0x34, ...be16(frag), o.ttl ?? 64, proto, 0, 0, ...ip4(src), ...ip4(dst), ...opts, ...payload];
}

/** An IPv6 packet with next header `next`. */
export function ipv6(src: string, dst: string, next: number, payload: number[]): number[] {
  return [0x60, 0, 0, 0, ...be16(payload.length), next, 64, ...ipv6Address(src), ...ipv6Address(dst), ...payload];
}

/** TCP flag bits. */
export const TcpFlag = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16 } as const;

/** A TCP segment with a 20-byte header. */
export function tcp(sport: number, dport: number, flags: number, payload: number[] = []): number[] {
  return [...be16(sport), ...be16(dport), ...be32(1000), ...be32(0), 0x50, flags, ...be16(65535), 0, 0, 0, 0, ...payload];
}

/** A UDP datagram. */
export function udp(sport: number, dport: number, payload: number[] = []): number[] {
  return [...be16(sport), ...be16(dport), ...be16(8 + payload.length), 0, 0, ...payload];
}

/** An ICMP (v4, or v6 with `v6`) echo request. */
export function icmpEcho(id: number, seq: number, v6 = false, payload: number[] = [1, 2, 3, 4]): number[] {
  return [v6 ? 128 : 8, 0, 0, 0, ...be16(id), ...be16(seq), ...payload];
}

/** IP protocol numbers. */
export const Proto = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58 } as const;

/** EtherTypes. */
export const EtherType = { IPV4: 0x0800, ARP: 0x0806, IPV6: 0x86dd } as const;

/** A named set of frames covering the protocols above. */
export function sampleFrames(): Record<string, Buffer> {
  const a = '10.0.0.1';
  const b = '10.0.0.2';
  const a6 = 'fd00::1';
  const b6 = 'fd00::2';
  return {
    arp: ethernet(EtherType.ARP, arpRequest(a, b), { dst: 'ff:ff:ff:ff:ff:ff' }),
    tcpSyn: ethernet(EtherType.IPV4, ipv4(a, b, Proto.TCP, tcp(40000, 80, TcpFlag.SYN))),
    tcpAck: ethernet(EtherType.IPV4, ipv4(b, a, Proto.TCP, tcp(80, 40000, TcpFlag.ACK, [0x48, 0x54, 0x54, 0x50]))),
    tcpSsh: ethernet(EtherType.IPV4, ipv4(a, '192.168.1.9', Proto.TCP, tcp(50000, 22, TcpFlag.PSH | TcpFlag.ACK))),
    udpDns: ethernet(EtherType.IPV4, ipv4(a, b, Proto.UDP, udp(53000, 53, [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]))),
    icmp: ethernet(EtherType.IPV4, ipv4(a, b, Proto.ICMP, icmpEcho(7, 1))),
    icmpVlan: ethernet(EtherType.IPV4, ipv4(a, b, Proto.ICMP, icmpEcho(7, 2)), { vlan: 100 }),
    udpVlan: ethernet(EtherType.IPV4, ipv4(a, b, Proto.UDP, udp(1000, 2000)), { vlan: 200 }),
    ipOptions: ethernet(EtherType.IPV4, ipv4(a, b, Proto.TCP, tcp(40001, 443, TcpFlag.SYN), { options: 2 })),
    fragment: ethernet(EtherType.IPV4, ipv4(a, b, Proto.UDP, [9, 9, 9, 9, 9, 9, 9, 9], { fragOffset: 185 })),
    tcp6: ethernet(EtherType.IPV6, ipv6(a6, b6, Proto.TCP, tcp(40002, 80, TcpFlag.SYN))),
    udp6: ethernet(EtherType.IPV6, ipv6(a6, b6, Proto.UDP, udp(546, 547))),
    icmp6: ethernet(EtherType.IPV6, ipv6(a6, b6, Proto.ICMPV6, icmpEcho(9, 1, true))),
    broadcast: ethernet(EtherType.IPV4, ipv4(a, '10.0.0.255', Proto.UDP, udp(137, 137)), { dst: 'ff:ff:ff:ff:ff:ff' }),
  };
}
