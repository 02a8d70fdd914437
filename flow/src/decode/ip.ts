// IPv4 (with optional defragmentation) and IPv6 (with its extension headers), and the dispatch on the IP
// protocol number, following gopacket's rules for lengths, padding and fragments.
import { fail, type DecodeContext } from './decoder.js';
import { decodeICMPv4, decodeICMPv6, decodeIGMP } from './icmp.js';
import { L } from './layer-types.js';
import type { DecodedPacket } from './packet.js';
import { decodeSCTP, decodeTCP, decodeUDP } from './transport.js';
import { decodeGRE } from './tunnel.js';

/** Raw IP: IPv4 or IPv6 by the version nibble. */
export function decodeRawIP(ctx: DecodeContext, p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (off >= end) return fail(p);
  const version = (buf[off] as number) >> 4;
  if (version === 4) return decodeIPv4(ctx, p, buf, off, end);
  if (version === 6) return decodeIPv6(ctx, p, buf, off, end);
  return fail(p);
}

/** IPv4; a fragment becomes a Fragment layer, or is handed to the defragmenter when there is one. */
export function decodeIPv4(ctx: DecodeContext, p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 20) return fail(p);
  const ihl = ((buf[off] as number) & 0x0f) * 4;
  let total = ((buf[off + 2] as number) << 8) | (buf[off + 3] as number);
  if (total === 0) total = end - off; // segmentation offload leaves the length at 0
  if (total < 20 || ihl < 20 || ihl > total || ihl > end - off) return fail(p);
  const payEnd = Math.min(end, off + total);
  const i = p.push(L.IPV4, buf, off, ihl, payEnd);
  if (i < 0) return;
  p.a[i] = total;
  p.b[i] = buf[off + 8] as number;
  const proto = buf[off + 9] as number;
  const flagsFrag = ((buf[off + 6] as number) << 8) | (buf[off + 7] as number);
  const start = off + ihl;
  if ((flagsFrag & 0x3fff) === 0) return decodeIPProtocol(ctx, p, proto, buf, start, payEnd);
  const defrag = ctx.defragmenter;
  if (defrag === undefined) {
    if (payEnd > start) p.push(L.FRAGMENT, buf, start, payEnd - start, payEnd);
    return;
  }
  const datagram = defrag.add(buf, off, ihl, payEnd, ctx.tsMs);
  if (datagram === undefined) {
    p.held = true;
    return;
  }
  p.fragments = defrag.lastFragments;
  p.fragmentErrors = defrag.lastErrors;
  if (p.push(L.FRAGMENT, buf, start, payEnd - start, payEnd) < 0) return;
  decodeIPProtocol(ctx, p, proto, datagram, 0, datagram.length);
}

/** IPv6 and its extension headers. */
export function decodeIPv6(ctx: DecodeContext, p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 40) return fail(p);
  const plen = ((buf[off + 4] as number) << 8) | (buf[off + 5] as number);
  const payEnd = plen === 0 ? end : Math.min(end, off + 40 + plen);
  const i = p.push(L.IPV6, buf, off, 40, payEnd);
  if (i < 0) return;
  p.a[i] = plen === 0 ? end - off : 40 + plen;
  p.b[i] = buf[off + 7] as number;
  decodeIPProtocol(ctx, p, buf[off + 6] as number, buf, off + 40, payEnd);
}

/** Dispatches on an IP protocol / IPv6 next-header number. */
export function decodeIPProtocol(ctx: DecodeContext, p: DecodedPacket, proto: number, buf: Uint8Array, off: number, end: number): void {
  if (off >= end) return;
  switch (proto) {
    case 1: return decodeICMPv4(p, buf, off, end);
    case 2: return decodeIGMP(p, buf, off, end);
    case 4: return decodeIPv4(ctx, p, buf, off, end);
    case 6: return decodeTCP(ctx, p, buf, off, end);
    case 17: return decodeUDP(ctx, p, buf, off, end);
    case 41: return decodeIPv6(ctx, p, buf, off, end);
    case 47: return decodeGRE(ctx, p, buf, off, end);
    case 58: return decodeICMPv6(p, buf, off, end);
    case 132: return decodeSCTP(p, buf, off, end);
    case 0: return decodeIPv6Extension(ctx, p, L.IPV6_HOP_BY_HOP, buf, off, end);
    case 43: return decodeIPv6Extension(ctx, p, L.IPV6_ROUTING, buf, off, end);
    case 60: return decodeIPv6Extension(ctx, p, L.IPV6_DESTINATION, buf, off, end);
    case 44: return decodeIPv6Fragment(p, buf, off, end);
    default: return; // no next header (59) or a protocol without a decoder: payload
  }
}

function decodeIPv6Extension(ctx: DecodeContext, p: DecodedPacket, type: number, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 2) return fail(p);
  const hlen = ((buf[off + 1] as number) + 1) * 8;
  if (hlen > end - off) return fail(p);
  if (p.push(type, buf, off, hlen, end) < 0) return;
  decodeIPProtocol(ctx, p, buf[off] as number, buf, off + hlen, end);
}

function decodeIPv6Fragment(p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 8) return fail(p);
  if (p.push(L.IPV6_FRAGMENT, buf, off, 8, end) < 0) return;
  if (end > off + 8) p.push(L.FRAGMENT, buf, off + 8, end - off - 8, end);
}
