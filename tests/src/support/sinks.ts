// A PacketSink for capture tests: counts every frame and keeps a copy of the first ones with their lengths,
// timestamp and link type (sources reuse their buffers, so frames are copied).
import type { PacketSink } from '@topoflow/flow';

/** One frame as a sink saw it. */
export interface SeenFrame {
  bytes: Buffer;
  caplen: number;
  wire: number;
  ts: number;
  linkType: number;
}

/** Counts frames and keeps copies of the first `keep`. */
export class RecordingSink implements PacketSink {
  readonly frames: SeenFrame[] = [];
  count = 0;
  readonly #keep: number;

  constructor(keep = 10_000) {
    this.#keep = keep;
  }

  packet(data: Uint8Array, offset: number, caplen: number, wire: number, ts: number, linkType: number): void {
    this.count++;
    if (this.frames.length < this.#keep) this.frames.push({ bytes: Buffer.from(data.subarray(offset, offset + caplen)), caplen, wire, ts, linkType });
  }

  /** Frames carrying an IPv4 ICMP message of `type` (8 echo request, 0 echo reply), with or without a VLAN tag. */
  icmp(type?: number): SeenFrame[] {
    return this.frames.filter((f) => {
      const tagged = f.bytes.readUInt16BE(12) === 0x8100 ? 4 : 0;
      if (f.bytes.length < 14 + tagged + 21 || f.bytes.readUInt16BE(12 + tagged) !== 0x0800) return false;
      const ip = 14 + tagged;
      const ihl = ((f.bytes[ip] ?? 0) & 0xf) * 4;
      return f.bytes[ip + 9] === 1 && (type === undefined || f.bytes[ip + ihl] === type);
    });
  }
}
