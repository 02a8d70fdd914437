// Frame builders for synthetic traffic and a recording flow sender, used by the packet-path tests and benchmarks.
import type { CaptureStats, Flow } from '../model/flow.js';
import type { FlowSender } from '../table/contract.js';

/** A sender that records what it is given. */
export class RecordingSender implements FlowSender {
  readonly batches: Flow[][] = [];
  readonly stats: CaptureStats[] = [];
  sendFlows(flows: Flow[]): void {
    this.batches.push(flows);
  }
  sendStats(stats: CaptureStats): void {
    this.stats.push(stats);
  }
  /** Every flow sent, in order. */
  get flows(): Flow[] {
    return this.batches.flat();
  }
}

function bytes(...parts: Array<Uint8Array | number[]>): Uint8Array {
  return Buffer.concat(parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p))));
}

function be16(v: number): number[] {
  return [(v >> 8) & 0xff, v & 0xff];
}

function be32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

/** Parses "aa:bb:cc:dd:ee:ff". */
export function mac(text: string): number[] {
  return text.split(':').map((h) => parseInt(h, 16));
}

/** Parses a dotted IPv4 address. */
export function ipv4(text: string): number[] {
  return text.split('.').map(Number);
}

/** Parses an IPv6 address (with at most one ::). */
export function ipv6(text: string): number[] {
  const [head = '', tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const words = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return words.flatMap((w) => be16(parseInt(w, 16)));
}

/** An Ethernet II frame; `vlans` adds 802.1Q tags, outermost first (0x88a8 for the outer of several). */
export function ethernet(src: string, dst: string, type: number, payload: Uint8Array, vlans: number[] = []): Uint8Array {
  const tags = vlans.flatMap((vid, i) => [...be16(i === 0 && vlans.length > 1 ? 0x88a8 : 0x8100), ...be16(vid)]);
  return bytes(mac(dst), mac(src), tags, be16(type), payload);
}

/** Options of an IPv4 header. */
export interface Ipv4Options {
  ttl?: number;
  id?: number;
  /** Fragment offset in bytes (a multiple of 8). */
  fragmentOffset?: number;
  moreFragments?: boolean;
  /** Overrides the total length field. */
  totalLength?: number;
}

/** An IPv4 packet (no options, checksum 0). */
export function ipv4Packet(src: string, dst: string, proto: number, payload: Uint8Array, o: Ipv4Options = {}): Uint8Array {
  const flags = (o.moreFragments ? 0x2000 : 0) | ((o.fragmentOffset ?? 0) >> 3);
  return bytes([0x45, 0], be16(o.totalLength ?? 20 + payload.length), be16(o.id ?? 1), be16(flags), [o.ttl ?? 64, proto, 0, 0],
    ipv4(src), ipv4(dst), payload);
}

/** An IPv6 packet; `next` is the first next-header value. */
export function ipv6Packet(src: string, dst: string, next: number, payload: Uint8Array, hopLimit = 64): Uint8Array {
  return bytes([0x60, 0, 0, 0], be16(payload.length), [next, hopLimit], ipv6(src), ipv6(dst), payload);
}

/** A UDP datagram. */
export function udp(srcPort: number, dstPort: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  return bytes(be16(srcPort), be16(dstPort), be16(8 + payload.length), [0, 0], payload);
}

/** TCP flag bits. */
export const TCP_FLAGS = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

/** A TCP segment (20-byte header). */
export function tcp(srcPort: number, dstPort: number, flags: number, seq = 0, payload: Uint8Array = new Uint8Array(0), ack = 0): Uint8Array {
  return bytes(be16(srcPort), be16(dstPort), be32(seq), be32(ack), [0x50, flags], be16(65535), [0, 0, 0, 0], payload);
}

/** An ICMPv4 message: type, code, identifier, sequence, data. */
export function icmpv4(type: number, code: number, id: number, seq: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  return bytes([type, code, 0, 0], be16(id), be16(seq), data);
}

/** An ICMPv6 echo request (128) or reply (129). */
export function icmpv6Echo(type: 128 | 129, id: number, seq: number): Uint8Array {
  return bytes([type, 0, 0, 0], be16(id), be16(seq));
}

/** A VXLAN header and its inner frame. */
export function vxlan(vni: number, inner: Uint8Array): Uint8Array {
  return bytes([0x08, 0, 0, 0], be32(vni << 8), inner);
}

/** A GRE header (with a key when given) and its payload of EtherType `proto`. */
export function gre(proto: number, payload: Uint8Array, key?: number): Uint8Array {
  return bytes(be16(key === undefined ? 0 : 0x2000), be16(proto), key === undefined ? [] : be32(key), payload);
}

/** A DNS query for an A record of `name`. */
export function dnsQuery(id: number, name: string): Uint8Array {
  const qname = name.split('.').flatMap((l) => [l.length, ...Buffer.from(l, 'latin1')]);
  return bytes(be16(id), [0x01, 0x00], be16(1), be16(0), be16(0), be16(0), qname, [0], be16(1), be16(1));
}

/** A DNS answer to dnsQuery(id, name) with one A record (compressed name). */
export function dnsAnswer(id: number, name: string, address: string, ttl = 60): Uint8Array {
  const q = dnsQuery(id, name);
  const head = bytes(be16(id), [0x81, 0x80], be16(1), be16(1), be16(0), be16(0));
  return bytes(head, q.subarray(12), [0xc0, 12], be16(1), be16(1), be32(ttl), be16(4), ipv4(address));
}
