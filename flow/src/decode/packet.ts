// The decoder's output: a reusable struct of parallel arrays, one slot per layer, so that decoding a packet
// allocates nothing. Field values are read from the frame bytes on demand; `a`/`b` hold a few decoded numbers.
import { L, LAYER_NAMES, sctpChunkName } from './layer-types.js';

/** Most layers kept for one packet; deeper stacks stop decoding (the path ends there). */
export const MAX_LAYERS = 48;

/**
 * Decoded layers of one frame. Per layer i: `type[i]` (an `L` code), `buf[i]` (the bytes it lives in: the frame,
 * or a reassembled datagram), `off[i]` (first byte), `hlen[i]` (header bytes, gopacket's LayerContents), `end[i]`
 * (end of its captured data, payload included), and `a[i]`/`b[i]`:
 * Dot1Q a=VLAN id; IPv4 a=total length, b=TTL; IPv6 a=40+payload length, b=hop limit; TCP a=flags, b=sequence;
 * ICMPv4/ICMPv6 a=type, b=code; ICMPv6Echo a=identifier; VXLAN/Geneve a=VNI; GRE a=key; MPLS a=label;
 * SCTP chunk a=chunk type; DNS a=offset of the DNS message (after TCP's length prefix), b=its end.
 */
export class DecodedPacket {
  count = 0;
  readonly type = new Uint8Array(MAX_LAYERS);
  readonly buf: Uint8Array[] = new Array<Uint8Array>(MAX_LAYERS);
  readonly off = new Int32Array(MAX_LAYERS);
  readonly hlen = new Int32Array(MAX_LAYERS);
  readonly end = new Int32Array(MAX_LAYERS);
  readonly a = new Float64Array(MAX_LAYERS);
  readonly b = new Float64Array(MAX_LAYERS);
  /** True when the last decoder failed (gopacket's DecodeFailure: the path stops before it). */
  failed = false;
  /** IPv4 defragmentation: the frame was a fragment held until its datagram completes (nothing to account). */
  held = false;
  /** Fragments held before this reassembled datagram completed, and errors seen while reassembling it. */
  fragments = 0;
  fragmentErrors = 0;

  constructor() {
    this.buf.fill(new Uint8Array(0));
  }

  /** Clears the struct for the next frame. */
  reset(): void {
    this.count = 0;
    this.failed = false;
    this.held = false;
    this.fragments = 0;
    this.fragmentErrors = 0;
  }

  /** Appends a layer; returns its index, or -1 when the layer table is full. */
  push(type: number, buf: Uint8Array, off: number, hlen: number, end: number): number {
    const i = this.count;
    if (i >= MAX_LAYERS) return -1;
    this.type[i] = type;
    this.buf[i] = buf;
    this.off[i] = off;
    this.hlen[i] = hlen;
    this.end[i] = end;
    this.a[i] = 0;
    this.b[i] = 0;
    this.count = i + 1;
    return i;
  }

  /** gopacket's name of layer i. */
  name(i: number): string {
    const t = this.type[i] as number;
    return t === L.SCTP_CHUNK ? sctpChunkName(this.a[i] as number) : (LAYER_NAMES[t] as string);
  }

  /** Index of the first layer of `type` in [from, to), or -1. */
  find(type: number, from = 0, to = this.count): number {
    for (let i = from; i < to; i++) if (this.type[i] === type) return i;
    return -1;
  }
}
