// Writes classic pcap (little-endian, µs or ns timestamps) into buffers handed to an output callback: for
// raw-packet downloads and for generating traces. It is a PacketSink, so a reader can feed it directly.
import { LinkType, type PacketSink } from '../table/contract.js';

/** Options of a PcapWriter. */
export interface PcapWriterOptions {
  /** Link type written in the file header (default Ethernet). */
  linkType?: number;
  /** Snapshot length written in the file header (default 262144). */
  snapLength?: number;
  /** Nanosecond timestamps (magic 0xa1b23c4d) instead of microseconds. */
  nanosecond?: boolean;
  /** Size of the buffers handed to the output (default 1 MiB). */
  bufferSize?: number;
}

/** Accumulates pcap records and hands full buffers to `output` (each buffer is handed over once, never reused). */
export class PcapWriter implements PacketSink {
  readonly #output: (chunk: Uint8Array) => void;
  readonly #linkType: number;
  readonly #snapLength: number;
  readonly #nano: boolean;
  readonly #size: number;
  #buf: Uint8Array;
  #view: DataView;
  #len = 0;
  #headerDone = false;
  /** Records written. */
  packets = 0;

  constructor(output: (chunk: Uint8Array) => void, options: PcapWriterOptions = {}) {
    this.#output = output;
    this.#linkType = options.linkType ?? LinkType.ETHERNET;
    this.#snapLength = options.snapLength ?? 262144;
    this.#nano = options.nanosecond ?? false;
    this.#size = Math.max(4096, options.bufferSize ?? 1 << 20);
    this.#buf = new Uint8Array(this.#size);
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Appends one record (PacketSink): the link type argument is ignored, the file has one. */
  packet(data: Uint8Array, offset: number, capturedLength: number, wireLength: number, timestampMs: number): void {
    this.#header();
    const caplen = Math.min(capturedLength, this.#snapLength);
    this.#reserve(16 + caplen);
    let sec = Math.floor(timestampMs / 1000);
    const scale = this.#nano ? 1e6 : 1e3;
    let frac = Math.round((timestampMs - sec * 1000) * scale);
    if (frac >= scale * 1000) {
      sec++;
      frac -= scale * 1000;
    }
    const v = this.#view, at = this.#len;
    v.setUint32(at, sec >>> 0, true);
    v.setUint32(at + 4, frac, true);
    v.setUint32(at + 8, caplen, true);
    v.setUint32(at + 12, Math.max(wireLength, caplen) >>> 0, true);
    this.#buf.set(data.subarray(offset, offset + caplen), at + 16);
    this.#len = at + 16 + caplen;
    this.packets++;
  }

  /** Appends a frame given as a whole array. */
  write(frame: Uint8Array, timestampMs: number, wireLength = frame.length): void {
    this.packet(frame, 0, frame.length, wireLength, timestampMs);
  }

  /** Hands what is buffered to the output (the file header at least). */
  flush(): void {
    this.#header();
    if (this.#len === 0) return;
    const out = this.#buf.subarray(0, this.#len);
    this.#buf = new Uint8Array(this.#size);
    this.#view = new DataView(this.#buf.buffer);
    this.#len = 0;
    this.#output(out);
  }

  #header(): void {
    if (this.#headerDone) return;
    this.#headerDone = true;
    const v = this.#view;
    v.setUint32(0, this.#nano ? 0xa1b23c4d : 0xa1b2c3d4, true);
    v.setUint16(4, 2, true);
    v.setUint16(6, 4, true);
    v.setUint32(8, 0, true);
    v.setUint32(12, 0, true);
    v.setUint32(16, this.#snapLength, true);
    v.setUint32(20, this.#linkType, true);
    this.#len = 24;
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    this.flush();
    if (n > this.#buf.length) {
      this.#buf = new Uint8Array(n);
      this.#view = new DataView(this.#buf.buffer);
    }
  }
}

/** Encodes frames as one classic pcap file. */
export function encodePcap(frames: ReadonlyArray<{ data: Uint8Array; timestampMs: number; wireLength?: number }>, options: PcapWriterOptions = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  const w = new PcapWriter((c) => chunks.push(c), options);
  for (const f of frames) w.write(f.data, f.timestampMs, f.wireLength);
  w.flush();
  return Buffer.concat(chunks);
}
