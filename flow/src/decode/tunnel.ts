// Encapsulations: GRE (key, checksum, sequence, routing; ERSPAN II skipped to its Ethernet frame), VXLAN,
// Geneve and MPLS (one layer per label; the payload is IPv4 or IPv6 by its version nibble, else Ethernet).
import { decodeEthernet, decodeEtherType, fail, type DecodeContext } from './decoder.js';
import { decodeIPv4, decodeIPv6 } from './ip.js';
import { L } from './layer-types.js';
import type { DecodedPacket } from './packet.js';

/** EtherType of ERSPAN type II inside GRE. */
const ETHERTYPE_ERSPAN_II = 0x88be;
const ERSPAN_II_HEADER = 8;

function u16(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 8) | (b[i + 1] as number);
}

function u32(b: Uint8Array, i: number): number {
  return ((u16(b, i) << 16) | u16(b, i + 2)) >>> 0;
}

/** GRE: a = key (0 without one); an ERSPAN II header is counted in the GRE header bytes. */
export function decodeGRE(ctx: DecodeContext, p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 4) return fail(p);
  const flags = u16(buf, off);
  const proto = u16(buf, off + 2);
  let hlen = 4;
  if (flags & 0xc000) hlen += 4; // checksum and reserved (present when C or R is set)
  let key = 0;
  if (flags & 0x2000) {
    if (end - off < hlen + 4) return fail(p);
    key = u32(buf, off + hlen);
    hlen += 4;
  }
  if (flags & 0x1000) hlen += 4;
  if (flags & 0x4000) {
    // source route entries, ended by one with address family 0 and length 0
    for (;;) {
      if (end - off < hlen + 4) return fail(p);
      const af = u16(buf, off + hlen), len = buf[off + hlen + 3] as number;
      hlen += 4 + len;
      if (af === 0 && len === 0) break;
    }
  }
  if (proto === ETHERTYPE_ERSPAN_II) hlen += ERSPAN_II_HEADER;
  if (hlen > end - off) return fail(p);
  const i = p.push(L.GRE, buf, off, hlen, end);
  if (i < 0) return;
  p.a[i] = key;
  if (proto === ETHERTYPE_ERSPAN_II) {
    if (off + hlen < end) decodeEthernet(ctx, p, buf, off + hlen, end);
    return;
  }
  decodeEtherType(ctx, p, proto, buf, off + hlen, end);
}

/** VXLAN: a = VNI; the payload is Ethernet. */
export function decodeVXLAN(ctx: DecodeContext, p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 8) return fail(p);
  const i = p.push(L.VXLAN, buf, off, 8, end);
  if (i < 0) return;
  p.a[i] = u32(buf, off + 4) >>> 8;
  if (off + 8 < end) decodeEthernet(ctx, p, buf, off + 8, end);
}

/** Geneve: a = VNI; the payload by its protocol type (0x6558: Ethernet). */
export function decodeGeneve(ctx: DecodeContext, p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 8) return fail(p);
  const hlen = 8 + ((buf[off] as number) & 0x3f) * 4;
  if (hlen > end - off) return fail(p);
  const i = p.push(L.GENEVE, buf, off, hlen, end);
  if (i < 0) return;
  p.a[i] = u32(buf, off + 4) >>> 8;
  decodeEtherType(ctx, p, u16(buf, off + 2), buf, off + hlen, end);
}

/** MPLS: one layer per label entry (a = label); after the bottom of the stack, IPv4/IPv6 by nibble, else Ethernet. */
export function decodeMPLS(ctx: DecodeContext, p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 4) return fail(p);
  const i = p.push(L.MPLS, buf, off, 4, end);
  if (i < 0) return;
  p.a[i] = u32(buf, off) >>> 12;
  const next = off + 4;
  if (next >= end) return;
  if (((buf[off + 2] as number) & 1) === 0) return decodeMPLS(ctx, p, buf, next, end);
  const version = (buf[next] as number) >> 4;
  if (version === 4) return decodeIPv4(ctx, p, buf, next, end);
  if (version === 6) return decodeIPv6(ctx, p, buf, next, end);
  decodeEthernet(ctx, p, buf, next, end);
}
