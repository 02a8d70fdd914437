// The packet decoder's entry point and link layers: Ethernet, 802.1Q / QinQ, ARP, Linux SLL, LLC, by link type
// and EtherType, the way gopacket decodes them with Skydive's extra decoders (reference §5.1). Never throws on
// truncated or malformed frames: it records what it could decode and marks the failure.
import { LinkType } from '../table/contract.js';
import type { Ipv4Defragmenter } from './defrag.js';
import { decodeIPv4, decodeIPv6, decodeRawIP } from './ip.js';
import { L } from './layer-types.js';
import { DecodedPacket } from './packet.js';
import { decodeMPLS } from './tunnel.js';

/** Options of the decoder (capture options that change decoding). */
export interface DecoderOptions {
  /** UDP ports whose payload is MPLS. */
  mplsUDPPorts: readonly number[];
  /** Reassembles IPv4 fragments when set (fragments are then held until their datagram completes). */
  defragmenter?: Ipv4Defragmenter;
}

/** State the layer decoders share for one frame. */
export interface DecodeContext {
  /** 1 for each UDP port decoded as MPLS. */
  readonly mplsPorts: Uint8Array;
  readonly defragmenter: Ipv4Defragmenter | undefined;
  /** Timestamp of the frame (ms), for defragmentation timeouts. */
  tsMs: number;
}

/** Decodes frames into a reusable DecodedPacket. */
export class PacketDecoder {
  readonly #ctx: DecodeContext;

  constructor(options: DecoderOptions) {
    const mplsPorts = new Uint8Array(65536);
    for (const p of options.mplsUDPPorts) if (Number.isInteger(p) && p > 0 && p < 65536) mplsPorts[p] = 1;
    this.#ctx = { mplsPorts, defragmenter: options.defragmenter, tsMs: 0 };
  }

  /** Decodes `data[offset, offset + capturedLength)` of link type `linkType` into `out` (reset first). */
  decode(out: DecodedPacket, data: Uint8Array, offset: number, capturedLength: number, linkType: number, tsMs = 0): DecodedPacket {
    out.reset();
    this.#ctx.tsMs = tsMs;
    const end = Math.min(data.length, offset + Math.max(0, capturedLength));
    const ctx = this.#ctx;
    switch (linkType) {
      case LinkType.ETHERNET: decodeEthernet(ctx, out, data, offset, end); break;
      case LinkType.RAW: case LinkType.RAW_BSD: decodeRawIP(ctx, out, data, offset, end); break;
      case LinkType.IPV4: decodeIPv4(ctx, out, data, offset, end); break;
      case LinkType.IPV6: decodeIPv6(ctx, out, data, offset, end); break;
      case LinkType.LINUX_SLL: decodeLinuxSLL(ctx, out, data, offset, end, false); break;
      case LINKTYPE_LINUX_SLL2: decodeLinuxSLL(ctx, out, data, offset, end, true); break;
      default: out.failed = true;
    }
    return out;
  }
}

/** LINKTYPE_LINUX_SLL2 (Linux cooked capture v2). */
export const LINKTYPE_LINUX_SLL2 = 276;

/** Marks a decode failure and returns. */
export function fail(p: DecodedPacket): void {
  p.failed = true;
}

/** Ethernet II (or 802.3 with an LLC header). */
export function decodeEthernet(ctx: DecodeContext, p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 14) return fail(p);
  const type = ((buf[off + 12] as number) << 8) | (buf[off + 13] as number);
  if (type < 0x0600) {
    // 802.3 length field: the payload is an LLC frame of that length
    const payEnd = Math.min(end, off + 14 + type);
    if (p.push(L.ETHERNET, buf, off, 14, payEnd) < 0) return;
    if (payEnd - (off + 14) < 3) return payEnd > off + 14 ? fail(p) : undefined;
    p.push(L.LLC, buf, off + 14, 3, payEnd);
    return;
  }
  if (p.push(L.ETHERNET, buf, off, 14, end) < 0) return;
  decodeEtherType(ctx, p, type, buf, off + 14, end);
}

/** Dispatches on an EtherType (Ethernet, Dot1Q, GRE and Geneve payloads). */
export function decodeEtherType(ctx: DecodeContext, p: DecodedPacket, type: number, buf: Uint8Array, off: number, end: number): void {
  if (off >= end) return;
  switch (type) {
    case 0x0800: return decodeIPv4(ctx, p, buf, off, end);
    case 0x86dd: return decodeIPv6(ctx, p, buf, off, end);
    case 0x0806: return decodeARP(p, buf, off, end);
    case 0x8100: case 0x88a8: return decodeDot1Q(ctx, p, buf, off, end);
    case 0x8847: case 0x8848: return decodeMPLS(ctx, p, buf, off, end);
    case 0x6558: return decodeEthernet(ctx, p, buf, off, end);
    default: return; // payload of an unknown EtherType: the path ends here
  }
}

function decodeDot1Q(ctx: DecodeContext, p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 4) return fail(p);
  const i = p.push(L.DOT1Q, buf, off, 4, end);
  if (i < 0) return;
  p.a[i] = (((buf[off] as number) << 8) | (buf[off + 1] as number)) & 0x0fff;
  decodeEtherType(ctx, p, ((buf[off + 2] as number) << 8) | (buf[off + 3] as number), buf, off + 4, end);
}

function decodeARP(p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 8) return fail(p);
  const hlen = 8 + 2 * ((buf[off + 4] as number) + (buf[off + 5] as number));
  if (end - off < hlen) return fail(p);
  p.push(L.ARP, buf, off, hlen, end);
}

function decodeLinuxSLL(ctx: DecodeContext, p: DecodedPacket, buf: Uint8Array, off: number, end: number, v2: boolean): void {
  const hlen = v2 ? 20 : 16;
  if (end - off < hlen) return fail(p);
  if (p.push(v2 ? L.LINUX_SLL2 : L.LINUX_SLL, buf, off, hlen, end) < 0) return;
  const at = v2 ? off : off + 14;
  const proto = ((buf[at] as number) << 8) | (buf[at + 1] as number);
  decodeEtherType(ctx, p, proto, buf, off + hlen, end);
}

