// Direction normalisation of flow keys (reference §5.4): which endpoint a key lists first. Decided once per
// sub-packet, from the MACs (L2 mode with Ethernet, or no network layer), else the IPs, else the ports.
import { L } from '../decode/layer-types.js';
import type { DecodedPacket } from '../decode/packet.js';
import type { SubPacket } from '../decode/split.js';

/** Bit of decideSwap: the destination sorts before the source, so keys list it first. */
export const SWAP = 1;
/** Bit of decideSwap: the addresses that decide (MACs and IPs) are equal on both sides. */
export const TIE = 2;

/** True when the key includes the MAC addresses (L2 mode with Ethernet, or no network layer). */
export function usesLink(s: SubPacket, l2Mode: boolean): boolean {
  return (l2Mode && s.eth >= 0) || s.net < 0;
}

function u16(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 8) | (b[i + 1] as number);
}

function u32(b: Uint8Array, i: number): number {
  return (((b[i] as number) << 24) | ((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number)) >>> 0;
}

/** Compares n bytes (a multiple of 4) at a and b as unsigned big-endian words. */
function compareWords(buf: Uint8Array, a: number, b: number, n: number): number {
  for (let j = 0; j < n; j += 4) {
    const d = u32(buf, a + j) - u32(buf, b + j);
    if (d !== 0) return d;
  }
  return 0;
}

/** SWAP when the sub-packet's destination sorts before its source, plus TIE when its addresses are equal. */
export function decideSwap(p: DecodedPacket, s: SubPacket, useLink: boolean): number {
  if (useLink && s.eth >= 0) {
    const b = p.buf[s.eth] as Uint8Array, o = p.off[s.eth] as number;
    // destination first in the frame: source at +6
    let c = u16(b, o + 6) - u16(b, o);
    if (c === 0) c = u32(b, o + 8) - u32(b, o + 2);
    if (c !== 0) return c > 0 ? SWAP : 0;
    if (s.net < 0) return TIE;
  }
  if (s.net < 0) return 0;
  const b = p.buf[s.net] as Uint8Array, o = p.off[s.net] as number;
  const c = p.type[s.net] === L.IPV4 ? u32(b, o + 12) - u32(b, o + 16) : compareWords(b, o + 8, o + 24, 16);
  if (c !== 0) return c > 0 ? SWAP : 0;
  if (s.transport < 0) return TIE;
  const tb = p.buf[s.transport] as Uint8Array, to = p.off[s.transport] as number;
  return u16(tb, to) > u16(tb, to + 2) ? SWAP | TIE : TIE;
}
