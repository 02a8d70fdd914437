// Reads classic pcap (either byte order, µs or ns timestamps) and pcapng, from a whole buffer or chunk by chunk,
// handing every frame to a PacketSink straight from the input bytes (a record cut by a chunk boundary is the only
// one copied, into a reused buffer). Malformed input fails with FLOW_PCAP_INVALID and the byte offset.
import { flowError, FlowErrors } from '../errors.js';
import type { PacketSink } from '../table/contract.js';
import { MAX_RECORD_BYTES, PcapngBlocks } from './pcapng.js';

const CLASSIC_HEADER = 24;
const CLASSIC_RECORD_HEADER = 16;

/** What a reader saw. */
export interface PcapSummary {
  format: 'pcap' | 'pcapng' | 'unknown';
  /** Frames handed to the sink. */
  packets: number;
  /** Bytes of input consumed. */
  bytes: number;
  /** Link types of the file (classic) or of its interfaces (pcapng). */
  linkTypes: number[];
}

const enum State { START, CLASSIC, PCAPNG }

/** An incremental pcap / pcapng parser feeding a PacketSink. */
export class PcapReader {
  readonly #sink: PacketSink;
  #state = State.START;
  #le = false;
  /** Units of the record's fractional timestamp per millisecond (1000 for µs, 10^6 for ns). */
  #fracPerMs = 1000;
  #linkType = 0;
  #snapLength = 0;
  #packets = 0;
  /** Absolute offset of the next unit (file header, record or block). */
  #pos = 0;
  /** Bytes the pending unit needs, counted from its start. */
  #need = 4;
  #carry = new Uint8Array(0);
  #carryLen = 0;
  readonly #ng: PcapngBlocks;

  constructor(sink: PacketSink) {
    this.#sink = sink;
    this.#ng = new PcapngBlocks(sink, (reason, at) => this.#invalid(reason, at));
  }

  /** Frames delivered so far. */
  get packets(): number {
    return this.#packets + this.#ng.packets;
  }

  /** Parses a chunk; frames complete in it reach the sink before this returns. */
  push(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    while (this.#carryLen > 0 && i < n) {
      if (this.#carryLen < this.#need) {
        const take = Math.min(this.#need - this.#carryLen, n - i);
        this.#grow(this.#need);
        this.#carry.set(chunk.subarray(i, i + take), this.#carryLen);
        this.#carryLen += take;
        i += take;
        if (this.#carryLen < this.#need) return;
      }
      const used = this.#unit(this.#carry, 0, this.#carryLen);
      if (used === 0) continue; // the unit turned out longer: keep filling
      this.#pos += used;
      this.#carry.copyWithin(0, used, this.#carryLen);
      this.#carryLen -= used;
    }
    while (i < n) {
      const used = this.#unit(chunk, i, n - i);
      if (used === 0) {
        this.#grow(Math.max(this.#need, n - i));
        this.#carry.set(chunk.subarray(i, n), 0);
        this.#carryLen = n - i;
        return;
      }
      i += used;
      this.#pos += used;
    }
  }

  /** Declares the end of input; fails when it stops inside a header, record or block. */
  end(): PcapSummary {
    if (this.#state === State.START) {
      throw this.#invalid(this.#carryLen === 0 ? 'empty input' : `truncated file header (${this.#carryLen} bytes)`, this.#pos);
    }
    if (this.#carryLen > 0) {
      throw this.#invalid(`truncated ${this.#state === State.CLASSIC ? 'record' : 'block'}: ${this.#carryLen} of ${this.#need} bytes`, this.#pos);
    }
    return this.summary();
  }

  /** What was read so far. */
  summary(): PcapSummary {
    const format = this.#state === State.CLASSIC ? 'pcap' : this.#state === State.PCAPNG ? 'pcapng' : 'unknown';
    const linkTypes = this.#state === State.CLASSIC ? [this.#linkType] : this.#ng.linkTypes();
    return { format, packets: this.packets, bytes: this.#pos + this.#carryLen, linkTypes };
  }

  #grow(n: number): void {
    if (this.#carry.length >= n) return;
    const next = new Uint8Array(Math.max(n, this.#carry.length * 2, 4096));
    next.set(this.#carry.subarray(0, this.#carryLen));
    this.#carry = next;
  }

  /** Parses one unit at b[off] with `avail` bytes; returns the bytes it used, or 0 after setting #need. */
  #unit(b: Uint8Array, off: number, avail: number): number {
    if (this.#state === State.CLASSIC) return this.#record(b, off, avail);
    if (this.#state === State.PCAPNG) return this.#block(b, off, avail);
    if (avail < 4) return this.#wait(4);
    const magic = ((b[off] as number) << 24 | (b[off + 1] as number) << 16 | (b[off + 2] as number) << 8 | (b[off + 3] as number)) >>> 0;
    if (magic === 0x0a0d0d0a) {
      this.#state = State.PCAPNG;
      return this.#block(b, off, avail);
    }
    if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) this.#le = false;
    else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) this.#le = true;
    else throw this.#invalid(`not a pcap or pcapng file (magic 0x${magic.toString(16).padStart(8, '0')})`, this.#pos);
    if (avail < CLASSIC_HEADER) return this.#wait(CLASSIC_HEADER);
    this.#fracPerMs = magic === 0xa1b23c4d || magic === 0x4d3cb2a1 ? 1e6 : 1e3;
    const major = this.#u16(b, off + 4);
    if (major !== 2) throw this.#invalid(`unsupported pcap version ${major}`, this.#pos + 4);
    this.#snapLength = this.#u32(b, off + 16);
    this.#linkType = this.#u32(b, off + 20) & 0xffff;
    this.#state = State.CLASSIC;
    this.#need = CLASSIC_RECORD_HEADER;
    return CLASSIC_HEADER;
  }

  #record(b: Uint8Array, off: number, avail: number): number {
    if (avail < CLASSIC_RECORD_HEADER) return this.#wait(CLASSIC_RECORD_HEADER);
    const le = this.#le;
    const caplen = le ? le32(b, off + 8) : be32(b, off + 8);
    if (caplen > Math.max(this.#snapLength, 262144) || caplen > MAX_RECORD_BYTES) {
      throw this.#invalid(`record captured length ${caplen} exceeds the snapshot length ${this.#snapLength}`, this.#pos + 8);
    }
    const total = CLASSIC_RECORD_HEADER + caplen;
    if (avail < total) return this.#wait(total);
    const sec = le ? le32(b, off) : be32(b, off), frac = le ? le32(b, off + 4) : be32(b, off + 4);
    const wire = le ? le32(b, off + 12) : be32(b, off + 12);
    this.#packets++;
    this.#sink.packet(b, off + CLASSIC_RECORD_HEADER, caplen, wire > caplen ? wire : caplen, sec * 1000 + frac / this.#fracPerMs, this.#linkType);
    this.#need = CLASSIC_RECORD_HEADER;
    return total;
  }

  #block(b: Uint8Array, off: number, avail: number): number {
    const used = this.#ng.parse(b, off, avail, this.#pos);
    if (used === 0) return this.#wait(this.#ng.need);
    this.#need = 12;
    return used;
  }

  #wait(n: number): number {
    this.#need = n;
    return 0;
  }

  #u16(b: Uint8Array, i: number): number {
    return this.#le ? (b[i] as number) | ((b[i + 1] as number) << 8) : ((b[i] as number) << 8) | (b[i + 1] as number);
  }

  #u32(b: Uint8Array, i: number): number {
    return this.#le ? le32(b, i) : be32(b, i);
  }

  #invalid(reason: string, offset: number): Error {
    return flowError(FlowErrors.PCAP_INVALID, `invalid capture file at byte ${offset}: ${reason}`, { details: { offset, reason, packets: this.packets } });
  }
}

function le32(b: Uint8Array, i: number): number {
  return ((b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24)) >>> 0;
}

function be32(b: Uint8Array, i: number): number {
  return (((b[i] as number) << 24) | ((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number)) >>> 0;
}

/** Reads a whole pcap or pcapng file held in memory into `sink`. */
export function readPcap(data: Uint8Array, sink: PacketSink): PcapSummary {
  const reader = new PcapReader(sink);
  reader.push(data);
  return reader.end();
}
