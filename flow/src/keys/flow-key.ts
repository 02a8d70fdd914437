// The byte stream a flow's ids are hashed from (reference §5.4), written for one sub-packet into a reusable
// buffer. The same bytes, plus the parent flow, key the table; XXH64 runs only when a flow is created.
import { L, ICMP_ECHO, icmpv4FlowType, icmpv6FlowType } from '../decode/layer-types.js';
import type { DecodedPacket } from '../decode/packet.js';
import type { SubPacket } from '../decode/split.js';
import { decideSwap, SWAP, usesLink } from './swap.js';
import { hex64, Xxh64 } from './xxh64.js';

/** gopacket endpoint type numbers hashed after each part. */
const EP_IPV4 = 1, EP_IPV6 = 2, EP_MAC = 3, EP_TCP = 4, EP_UDP = 5, EP_SCTP = 6;

/** Room for the longest stream (two IPv6 addresses, ports, ICMP word, MACs, their endpoint types). */
export const KEY_CAPACITY = 128;

/** Writes the §5.4 stream of a sub-packet and remembers where the L3 part ends and whether it swapped. */
export class FlowKeyWriter {
  readonly bytes = new Uint8Array(KEY_CAPACITY);
  /** Bytes written (the L2 digest point). */
  length = 0;
  /** End of the L3 part (the L3 digest point). */
  l3End = 0;
  /** True when the packet's destination sorts before its source (the stream puts it first). */
  swap = false;

  /** Writes the stream of `s` (a sub-packet of `p`), in L2 key mode when `l2Mode`. */
  write(p: DecodedPacket, s: SubPacket, l2Mode: boolean): void {
    const useLink = usesLink(s, l2Mode);
    this.swap = (decideSwap(p, s, useLink) & SWAP) !== 0;
    this.length = 0;
    if (s.net >= 0) this.#network(p, s.net);
    if (s.transport >= 0) this.#transport(p, s);
    if (s.icmp >= 0) this.#icmp(p, s.icmp);
    this.l3End = this.length;
    if (useLink && s.eth >= 0) {
      const buf = p.buf[s.eth] as Uint8Array, off = p.off[s.eth] as number;
      // Ethernet holds destination first: source is at +6
      this.#pair(buf, off + 6, off, 6);
      this.#ep(EP_MAC);
    }
  }

  #network(p: DecodedPacket, i: number): void {
    const buf = p.buf[i] as Uint8Array, off = p.off[i] as number;
    const v6 = p.type[i] === L.IPV6, n = v6 ? 16 : 4, src = off + (v6 ? 8 : 12);
    this.#pair(buf, src, src + n, n);
    this.#ep(v6 ? EP_IPV6 : EP_IPV4);
  }

  #transport(p: DecodedPacket, s: SubPacket): void {
    const i = s.transport;
    const buf = p.buf[i] as Uint8Array, off = p.off[i] as number, t = p.type[i];
    if (t === L.UDP && (s.lastType === L.VXLAN || s.lastType === L.GENEVE)) {
      // the outer UDP source port is entropy for ECMP: hash the VNI and the destination port only
      this.#u32(p.a[s.last] as number);
      this.bytes[this.length++] = buf[off + 2] as number;
      this.bytes[this.length++] = buf[off + 3] as number;
      this.#ep(0);
      return;
    }
    this.#pair(buf, off, off + 2, 2);
    this.#ep(t === L.TCP ? EP_TCP : t === L.UDP ? EP_UDP : EP_SCTP);
  }

  #icmp(p: DecodedPacket, i: number): void {
    const buf = p.buf[i] as Uint8Array, off = p.off[i] as number, t = p.type[i];
    if (t === L.ICMPV4) {
      const id = ((buf[off + 4] as number) << 8) | (buf[off + 5] as number);
      this.#u32(icmpv4FlowType(p.a[i] as number) * 0x1000000 + (p.b[i] as number) * 0x10000 + id);
    } else if (t === L.ICMPV6_ECHO) {
      this.#u32(ICMP_ECHO * 0x1000000 + (p.a[i] as number));
    } else {
      this.#u32(icmpv6FlowType(p.a[i] as number) * 0x1000000 + (p.b[i] as number) * 0x10000);
    }
    this.#ep(0);
  }

  // writes a then b, or b then a when swapped
  #pair(buf: Uint8Array, a: number, b: number, n: number): void {
    const first = this.swap ? b : a, second = this.swap ? a : b;
    const out = this.bytes;
    let k = this.length;
    for (let j = 0; j < n; j++) out[k++] = buf[first + j] as number;
    for (let j = 0; j < n; j++) out[k++] = buf[second + j] as number;
    this.length = k;
  }

  #u32(v: number): void {
    const out = this.bytes, k = this.length;
    out[k] = (v / 0x1000000) & 0xff;
    out[k + 1] = (v >>> 16) & 0xff;
    out[k + 2] = (v >>> 8) & 0xff;
    out[k + 3] = v & 0xff;
    this.length = k + 4;
  }

  #ep(type: number): void {
    const out = this.bytes, k = this.length;
    out.fill(0, k, k + 7);
    out[k + 7] = type;
    this.length = k + 8;
  }
}

/** The ids of a new flow (reference §5.4). */
export interface FlowIds {
  l3TrackingID: string;
  trackingID: string;
  uuid: string;
}

/**
 * Computes TrackingID (L2 digest), L3TrackingID, and UUID = XXH64(seed = key, BE64(start) ‖ nodeTID), where the
 * key digest continues the stream with the parent UUID. `stream[0, l3End)` is the L3 part, `[0, l2End)` all of it.
 */
export function flowIds(h: Xxh64, stream: Uint8Array, l3End: number, l2End: number, parentUUID: string, startMs: number, nodeTID: string): FlowIds {
  h.reset().update(stream, 0, l3End).digest();
  const l3TrackingID = h.hex();
  h.update(stream, l3End, l2End).digest();
  const trackingID = h.hex();
  h.updateString(parentUUID).digest();
  const start = new Uint8Array(8);
  const s = Math.max(0, Math.floor(startMs));
  const hi = Math.floor(s / 4294967296) >>> 0, lo = s >>> 0;
  start[0] = hi >>> 24; start[1] = (hi >>> 16) & 0xff; start[2] = (hi >>> 8) & 0xff; start[3] = hi & 0xff;
  start[4] = lo >>> 24; start[5] = (lo >>> 16) & 0xff; start[6] = (lo >>> 8) & 0xff; start[7] = lo & 0xff;
  h.reset(h.hi, h.lo).update(start).updateString(nodeTID).digest();
  return { l3TrackingID, trackingID, uuid: hex64(h.hi, h.lo) };
}
