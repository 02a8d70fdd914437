// The table's lookup key of a sub-packet: the same normalised fields as the §5.4 hash stream (addresses in swap
// order, ports or VNI, ICMP word, MACs), packed into 32-bit words after a word of flags, so that hashing and
// comparing a key costs a few word operations per packet. XXH64 ids come from the byte stream at creation.
import { L, ICMP_ECHO, icmpv4FlowType, icmpv6FlowType } from '../decode/layer-types.js';
import type { DecodedPacket } from '../decode/packet.js';
import type { SubPacket } from '../decode/split.js';
import { decideSwap, SWAP, TIE, usesLink } from './swap.js';

/** Words of the longest key (flags, two IPv6 addresses, VNI and port, ICMP word, MACs) plus the table's parent word. */
export const LOOKUP_KEY_WORDS = 16;

const F_V4 = 1, F_V6 = 2, F_TCP = 4, F_UDP = 8, F_SCTP = 16, F_TUNNEL = 32, F_ICMP = 64, F_LINK = 128;

function word(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 24) | ((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number);
}

function half(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 8) | (b[i + 1] as number);
}

/** Writes lookup keys into a reused word buffer. */
export class LookupKeyWriter {
  readonly words = new Int32Array(LOOKUP_KEY_WORDS);
  /** Words written. */
  length = 0;
  /** decideSwap's answer for the last key (SWAP and TIE bits). */
  decision = 0;

  /** Writes the key of sub-packet `s` of `p`. */
  write(p: DecodedPacket, s: SubPacket, l2Mode: boolean): void {
    const useLink = usesLink(s, l2Mode);
    if (s.net >= 0 && p.type[s.net] === L.IPV4 && s.transport >= 0 && s.icmp < 0) {
      const t = p.type[s.transport], b = p.buf[s.net] as Uint8Array;
      const plain = (t === L.TCP || t === L.UDP) && s.lastType !== L.VXLAN && s.lastType !== L.GENEVE;
      const link = useLink && s.eth >= 0;
      if (plain && p.buf[s.transport] === b && (!link || p.buf[s.eth] === b)) {
        this.writeIPv4Ports(b, link ? (p.off[s.eth] as number) : -1, p.off[s.net] as number, p.off[s.transport] as number, t === L.TCP);
        return;
      }
    }
    this.#writeAny(p, s, useLink);
  }

  /**
   * The common case, IPv4 with TCP or UDP ports, from offsets in one buffer (`eth` -1 when the key leaves the MACs
   * out): every field read once, the swap decided from those reads.
   */
  writeIPv4Ports(b: Uint8Array, eth: number, ip: number, l4: number, isTcp: boolean): void {
    const w = this.words;
    const src = word(b, ip + 12) >>> 0, dst = word(b, ip + 16) >>> 0;
    const sport = half(b, l4), dport = half(b, l4 + 2);
    let dHi = 0, dLo = 0, sHi = 0, sLo = 0, c = 0;
    if (eth >= 0) {
      dHi = half(b, eth); dLo = word(b, eth + 2) >>> 0; sHi = half(b, eth + 6); sLo = word(b, eth + 8) >>> 0;
      c = sHi - dHi || sLo - dLo;
    }
    let decision: number;
    if (c !== 0) decision = c > 0 ? SWAP : 0;
    else if (src !== dst) decision = src > dst ? SWAP : 0;
    else decision = sport > dport ? SWAP | TIE : TIE;
    const swap = (decision & SWAP) !== 0;
    w[0] = F_V4 | (isTcp ? F_TCP : F_UDP) | (eth >= 0 ? F_LINK : 0);
    w[1] = swap ? dst : src;
    w[2] = swap ? src : dst;
    w[3] = swap ? (dport << 16) | sport : (sport << 16) | dport;
    this.length = 4;
    if (eth >= 0) {
      // first MAC (6 bytes) then second, packed in three words
      const aHi = swap ? dHi : sHi, aLo = swap ? dLo : sLo, bHi = swap ? sHi : dHi, bLo = swap ? sLo : dLo;
      w[4] = (aHi << 16) | (aLo >>> 16);
      w[5] = ((aLo & 0xffff) << 16) | bHi;
      w[6] = bLo;
      this.length = 7;
    }
    this.decision = decision;
  }

  #writeAny(p: DecodedPacket, s: SubPacket, useLink: boolean): void {
    const w = this.words;
    this.decision = decideSwap(p, s, useLink);
    const swap = (this.decision & SWAP) !== 0;
    let flags = 0, k = 1;
    if (s.net >= 0) {
      const b = p.buf[s.net] as Uint8Array, o = p.off[s.net] as number;
      if (p.type[s.net] === L.IPV4) {
        flags |= F_V4;
        w[k++] = word(b, swap ? o + 16 : o + 12);
        w[k++] = word(b, swap ? o + 12 : o + 16);
      } else {
        flags |= F_V6;
        const first = swap ? o + 24 : o + 8, second = swap ? o + 8 : o + 24;
        for (let j = 0; j < 16; j += 4) w[k++] = word(b, first + j);
        for (let j = 0; j < 16; j += 4) w[k++] = word(b, second + j);
      }
    }
    if (s.transport >= 0) {
      const b = p.buf[s.transport] as Uint8Array, o = p.off[s.transport] as number, t = p.type[s.transport];
      if (t === L.UDP && (s.lastType === L.VXLAN || s.lastType === L.GENEVE)) {
        flags |= F_TUNNEL;
        w[k++] = p.a[s.last] as number;
        w[k++] = half(b, o + 2);
      } else {
        flags |= t === L.TCP ? F_TCP : t === L.UDP ? F_UDP : F_SCTP;
        w[k++] = swap ? (half(b, o + 2) << 16) | half(b, o) : word(b, o);
      }
    }
    if (s.icmp >= 0) {
      flags |= F_ICMP;
      w[k++] = icmpWord(p, s.icmp);
    }
    if (useLink && s.eth >= 0) {
      flags |= F_LINK;
      const b = p.buf[s.eth] as Uint8Array, o = p.off[s.eth] as number;
      // destination first in the frame: source at +6
      const first = swap ? o : o + 6, second = swap ? o + 6 : o;
      w[k++] = word(b, first);
      w[k++] = (half(b, first + 4) << 16) | half(b, second);
      w[k++] = word(b, second + 2);
    }
    w[0] = flags;
    this.length = k;
  }
}

function icmpWord(p: DecodedPacket, i: number): number {
  const t = p.type[i];
  if (t === L.ICMPV4) {
    const b = p.buf[i] as Uint8Array, o = p.off[i] as number;
    return (icmpv4FlowType(p.a[i] as number) << 24) | ((p.b[i] as number) << 16) | half(b, o + 4);
  }
  if (t === L.ICMPV6_ECHO) return (ICMP_ECHO << 24) | (p.a[i] as number);
  return (icmpv6FlowType(p.a[i] as number) << 24) | ((p.b[i] as number) << 16);
}
