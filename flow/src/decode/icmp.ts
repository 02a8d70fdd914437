// ICMPv4, ICMPv6 (with gopacket's typed follow-up layers: echo, router and neighbour discovery, redirect) and IGMP.
import { fail } from './decoder.js';
import { L } from './layer-types.js';
import type { DecodedPacket } from './packet.js';

/** ICMPv4: 8 header bytes; a = type, b = code, the identifier is at offset 4. */
export function decodeICMPv4(p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 8) return fail(p);
  const i = p.push(L.ICMPV4, buf, off, 8, end);
  if (i < 0) return;
  p.a[i] = buf[off] as number;
  p.b[i] = buf[off + 1] as number;
}

// ICMPv6 type → [follow-up layer, its minimum length]
const ICMPV6_NEXT: Readonly<Record<number, readonly [number, number]>> = {
  128: [L.ICMPV6_ECHO, 4],
  129: [L.ICMPV6_ECHO, 4],
  133: [L.ICMPV6_ROUTER_SOLICITATION, 4],
  134: [L.ICMPV6_ROUTER_ADVERTISEMENT, 12],
  135: [L.ICMPV6_NEIGHBOR_SOLICITATION, 20],
  136: [L.ICMPV6_NEIGHBOR_ADVERTISEMENT, 20],
  137: [L.ICMPV6_REDIRECT, 36],
};

/** ICMPv6: 4 header bytes (a = type, b = code), then the typed layer; ICMPv6Echo a = identifier. */
export function decodeICMPv6(p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 4) return fail(p);
  const i = p.push(L.ICMPV6, buf, off, 4, end);
  if (i < 0) return;
  const type = buf[off] as number;
  p.a[i] = type;
  p.b[i] = buf[off + 1] as number;
  const next = ICMPV6_NEXT[type];
  const body = off + 4;
  if (next === undefined || body >= end) return;
  if (end - body < next[1]) return fail(p);
  const isEcho = next[0] === L.ICMPV6_ECHO;
  const j = p.push(next[0], buf, body, isEcho ? 4 : end - body, end);
  if (j >= 0 && isEcho) p.a[j] = ((buf[body] as number) << 8) | (buf[body + 1] as number);
}

/** IGMP (any version): at least 8 bytes. */
export function decodeIGMP(p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 8) return fail(p);
  p.push(L.IGMP, buf, off, end - off, end);
}
