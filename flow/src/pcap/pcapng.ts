// pcapng blocks: section headers (byte order), interface descriptions (link type, snap length, if_tsresol,
// if_tsoffset), enhanced, simple and obsolete packet blocks; every other block type is skipped.
import type { PacketSink } from '../table/contract.js';

/** Largest record or block accepted (bytes); longer lengths mean a corrupt file. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;
const SHB = 0x0a0d0d0a, IDB = 1, OPB = 2, SPB = 3, EPB = 6;
const MIN_BLOCK = 12;

interface Interface {
  linkType: number;
  snapLength: number;
  /** Timestamp units per millisecond. */
  unitsPerMs: number;
  offsetMs: number;
}

/** Parses pcapng blocks for a PcapReader. */
export class PcapngBlocks {
  /** Bytes the pending block needs (valid after parse returned 0). */
  need = MIN_BLOCK;
  packets = 0;
  readonly #sink: PacketSink;
  readonly #invalid: (reason: string, offset: number) => Error;
  #le = false;
  #interfaces: Interface[] = [];
  readonly #allLinkTypes = new Set<number>();
  #lastTs = 0;
  #sections = 0;

  constructor(sink: PacketSink, invalid: (reason: string, offset: number) => Error) {
    this.#sink = sink;
    this.#invalid = invalid;
  }

  /** Link types of every interface seen. */
  linkTypes(): number[] {
    return [...this.#allLinkTypes];
  }

  /** Parses the block at b[off] (`pos` is its absolute offset); returns its length, or 0 when more bytes are needed. */
  parse(b: Uint8Array, off: number, avail: number, pos: number): number {
    if (avail < MIN_BLOCK) return this.#wait(MIN_BLOCK);
    const isShb = b[off] === 0x0a && b[off + 1] === 0x0d && b[off + 2] === 0x0d && b[off + 3] === 0x0a;
    if (isShb) {
      const bom = this.#be32(b, off + 8);
      if (bom === 0x1a2b3c4d) this.#le = false;
      else if (bom === 0x4d3c2b1a) this.#le = true;
      else throw this.#invalid(`bad byte-order magic 0x${bom.toString(16)}`, pos + 8);
    } else if (this.#sections === 0) {
      throw this.#invalid('pcapng data before the first section header', pos);
    }
    const len = this.#u32(b, off + 4);
    if (len < MIN_BLOCK || len % 4 !== 0 || len > MAX_RECORD_BYTES) throw this.#invalid(`bad block length ${len}`, pos + 4);
    if (avail < len) return this.#wait(len);
    if (this.#u32(b, off + len - 4) !== len) throw this.#invalid('block trailing length differs from its leading length', pos + len - 4);
    const type = isShb ? SHB : this.#u32(b, off);
    switch (type) {
      case SHB: this.#section(b, off, pos); break;
      case IDB: this.#interface(b, off, len, pos); break;
      case EPB: this.#enhanced(b, off, len, pos, false); break;
      case OPB: this.#enhanced(b, off, len, pos, true); break;
      case SPB: this.#simple(b, off, len, pos); break;
      default: break;
    }
    return len;
  }

  #section(b: Uint8Array, off: number, pos: number): void {
    if (this.#u32(b, off + 4) < 28) throw this.#invalid('section header block too short', pos);
    const major = this.#u16(b, off + 12);
    if (major !== 1) throw this.#invalid(`unsupported pcapng version ${major}`, pos + 12);
    this.#interfaces = [];
    this.#sections++;
  }

  #interface(b: Uint8Array, off: number, len: number, pos: number): void {
    if (len < 20) throw this.#invalid('interface description block too short', pos);
    const iface: Interface = { linkType: this.#u16(b, off + 8), snapLength: this.#u32(b, off + 12), unitsPerMs: 1000, offsetMs: 0 };
    const end = off + len - 4;
    for (let at = off + 16; at + 4 <= end;) {
      const code = this.#u16(b, at), olen = this.#u16(b, at + 2);
      if (code === 0) break;
      if (at + 4 + olen > end) throw this.#invalid(`interface option ${code} overruns its block`, pos + (at - off));
      if (code === 9 && olen >= 1) {
        const r = b[at + 4] as number;
        const perSecond = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
        iface.unitsPerMs = perSecond / 1000;
      } else if (code === 14 && olen >= 8) {
        const hi = this.#u32(b, at + 4 + (this.#le ? 4 : 0)) | 0, lo = this.#u32(b, at + 4 + (this.#le ? 0 : 4));
        iface.offsetMs = (hi * 4294967296 + lo) * 1000;
      }
      at += 4 + ((olen + 3) & ~3);
    }
    this.#interfaces.push(iface);
    this.#allLinkTypes.add(iface.linkType);
  }

  #enhanced(b: Uint8Array, off: number, len: number, pos: number, obsolete: boolean): void {
    if (len < 32) throw this.#invalid('packet block too short', pos);
    const id = obsolete ? this.#u16(b, off + 8) : this.#u32(b, off + 8);
    const iface = this.#interfaces[id];
    if (iface === undefined) throw this.#invalid(`packet block on undeclared interface ${id}`, pos + 8);
    const caplen = this.#u32(b, off + 20);
    if (28 + caplen > len - 4) throw this.#invalid(`captured length ${caplen} overruns its block`, pos + 20);
    const units = this.#u32(b, off + 12) * 4294967296 + this.#u32(b, off + 16);
    const ts = units / iface.unitsPerMs + iface.offsetMs;
    this.#lastTs = ts;
    this.packets++;
    this.#sink.packet(b, off + 28, caplen, Math.max(caplen, this.#u32(b, off + 24)), ts, iface.linkType);
  }

  #simple(b: Uint8Array, off: number, len: number, pos: number): void {
    const iface = this.#interfaces[0];
    if (iface === undefined) throw this.#invalid('simple packet block without an interface', pos);
    const wire = this.#u32(b, off + 8);
    let caplen = Math.min(wire, len - 16);
    if (iface.snapLength > 0) caplen = Math.min(caplen, iface.snapLength);
    this.packets++;
    // simple packet blocks carry no timestamp: they take the last one seen
    this.#sink.packet(b, off + 12, caplen, Math.max(wire, caplen), this.#lastTs, iface.linkType);
  }

  #wait(n: number): number {
    this.need = n;
    return 0;
  }

  #be32(b: Uint8Array, i: number): number {
    return (((b[i] as number) << 24) | ((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number)) >>> 0;
  }

  #u16(b: Uint8Array, i: number): number {
    return this.#le ? (b[i] as number) | ((b[i + 1] as number) << 8) : ((b[i] as number) << 8) | (b[i + 1] as number);
  }

  #u32(b: Uint8Array, i: number): number {
    return this.#le ? ((b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24)) >>> 0 : this.#be32(b, i);
  }
}
