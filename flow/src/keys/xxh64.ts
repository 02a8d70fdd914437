// XXH64 (xxHash, 64-bit) over bytes, streaming, on pairs of 32-bit words so no BigInt is allocated.
// Digests do not reset the state, so one stream yields the hashes of each of its prefixes (reference §5.4).

const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;
const TWO32 = 4294967296;

/** A streaming XXH64 hasher; reuse one instance with `reset()`. */
export class Xxh64 {
  /** High and low words of the last `digest()`. */
  hi = 0;
  lo = 0;
  // accumulators v1..v4 as [hi, lo] words
  readonly #v = new Uint32Array(8);
  readonly #seed = new Uint32Array(2);
  readonly #buf = new Uint8Array(32);
  #bufLen = 0;
  #total = 0;
  // result registers of the 64-bit helpers
  #rh = 0;
  #rl = 0;

  constructor(seedHi = 0, seedLo = 0) {
    this.reset(seedHi, seedLo);
  }

  /** Starts a new stream with the seed given as two 32-bit words. */
  reset(seedHi = 0, seedLo = 0): this {
    const v = this.#v;
    this.#seed[0] = seedHi;
    this.#seed[1] = seedLo;
    this.#add(seedHi, seedLo, P1H, P1L);
    this.#add(this.#rh, this.#rl, P2H, P2L);
    v[0] = this.#rh; v[1] = this.#rl;
    this.#add(seedHi, seedLo, P2H, P2L);
    v[2] = this.#rh; v[3] = this.#rl;
    v[4] = seedHi; v[5] = seedLo;
    // seed - P1 = seed + (2^64 - P1)
    this.#add(seedHi, seedLo, ~P1H >>> 0, (~P1L + 1) >>> 0);
    v[6] = this.#rh; v[7] = this.#rl;
    this.#bufLen = 0;
    this.#total = 0;
    return this;
  }

  /** Feeds `data[start, end)`. */
  update(data: Uint8Array, start = 0, end = data.length): this {
    let i = start;
    this.#total += end - start;
    const buf = this.#buf;
    if (this.#bufLen > 0) {
      while (this.#bufLen < 32 && i < end) buf[this.#bufLen++] = data[i++] as number;
      if (this.#bufLen < 32) return this;
      this.#stripe(buf, 0);
      this.#bufLen = 0;
    }
    for (; i + 32 <= end; i += 32) this.#stripe(data, i);
    while (i < end) buf[this.#bufLen++] = data[i++] as number;
    return this;
  }

  /** Feeds the UTF-8 bytes of a string (ASCII fast path). */
  updateString(s: string): this {
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) > 0x7f) return this.update(Buffer.from(s, 'utf8'));
    }
    const tmp = this.#buf;
    let i = 0;
    this.#total += s.length;
    while (i < s.length) {
      tmp[this.#bufLen++] = s.charCodeAt(i++);
      if (this.#bufLen === 32) {
        this.#stripe(tmp, 0);
        this.#bufLen = 0;
      }
    }
    return this;
  }

  /** Computes the digest of everything fed so far into `hi`/`lo`, leaving the stream open. */
  digest(): this {
    const v = this.#v;
    let h: number, l: number;
    if (this.#total >= 32) {
      this.#rotl(v[0] as number, v[1] as number, 1);
      let ah = this.#rh, al = this.#rl;
      this.#rotl(v[2] as number, v[3] as number, 7);
      this.#add(ah, al, this.#rh, this.#rl); ah = this.#rh; al = this.#rl;
      this.#rotl(v[4] as number, v[5] as number, 12);
      this.#add(ah, al, this.#rh, this.#rl); ah = this.#rh; al = this.#rl;
      this.#rotl(v[6] as number, v[7] as number, 18);
      this.#add(ah, al, this.#rh, this.#rl); h = this.#rh; l = this.#rl;
      for (let k = 0; k < 8; k += 2) {
        this.#round(0, 0, v[k] as number, v[k + 1] as number);
        h = (h ^ this.#rh) >>> 0; l = (l ^ this.#rl) >>> 0;
        this.#mul(h, l, P1H, P1L);
        this.#add(this.#rh, this.#rl, P4H, P4L); h = this.#rh; l = this.#rl;
      }
    } else {
      this.#add(this.#seed[0] as number, this.#seed[1] as number, P5H, P5L); h = this.#rh; l = this.#rl;
    }
    const total = this.#total;
    this.#add(h, l, Math.floor(total / TWO32) >>> 0, total >>> 0); h = this.#rh; l = this.#rl;
    const buf = this.#buf, n = this.#bufLen;
    let i = 0;
    for (; i + 8 <= n; i += 8) {
      this.#round(0, 0, readLE32(buf, i + 4), readLE32(buf, i));
      h = (h ^ this.#rh) >>> 0; l = (l ^ this.#rl) >>> 0;
      this.#rotl(h, l, 27);
      this.#mul(this.#rh, this.#rl, P1H, P1L);
      this.#add(this.#rh, this.#rl, P4H, P4L); h = this.#rh; l = this.#rl;
    }
    if (i + 4 <= n) {
      this.#mul(0, readLE32(buf, i), P1H, P1L);
      h = (h ^ this.#rh) >>> 0; l = (l ^ this.#rl) >>> 0;
      this.#rotl(h, l, 23);
      this.#mul(this.#rh, this.#rl, P2H, P2L);
      this.#add(this.#rh, this.#rl, P3H, P3L); h = this.#rh; l = this.#rl;
      i += 4;
    }
    for (; i < n; i++) {
      this.#mul(0, buf[i] as number, P5H, P5L);
      h = (h ^ this.#rh) >>> 0; l = (l ^ this.#rl) >>> 0;
      this.#rotl(h, l, 11);
      this.#mul(this.#rh, this.#rl, P1H, P1L); h = this.#rh; l = this.#rl;
    }
    // avalanche
    l = (l ^ (h >>> 1)) >>> 0;
    this.#mul(h, l, P2H, P2L); h = this.#rh; l = this.#rl;
    l = (l ^ ((l >>> 29) | (h << 3))) >>> 0; h = (h ^ (h >>> 29)) >>> 0;
    this.#mul(h, l, P3H, P3L); h = this.#rh; l = this.#rl;
    l = (l ^ h) >>> 0;
    this.hi = h;
    this.lo = l;
    return this;
  }

  /** The last digest as lowercase hex without leading zeros (Go's FormatUint(x, 16)). */
  hex(): string {
    return hex64(this.hi, this.lo);
  }

  #stripe(data: Uint8Array, at: number): void {
    const v = this.#v;
    for (let k = 0; k < 8; k += 2, at += 8) {
      this.#round(v[k] as number, v[k + 1] as number, readLE32(data, at + 4), readLE32(data, at));
      v[k] = this.#rh;
      v[k + 1] = this.#rl;
    }
  }

  // acc = rotl(acc + input * P2, 31) * P1
  #round(ah: number, al: number, ih: number, il: number): void {
    this.#mul(ih, il, P2H, P2L);
    this.#add(ah, al, this.#rh, this.#rl);
    this.#rotl(this.#rh, this.#rl, 31);
    this.#mul(this.#rh, this.#rl, P1H, P1L);
  }

  #add(ah: number, al: number, bh: number, bl: number): void {
    const lo = al + bl;
    this.#rl = lo >>> 0;
    this.#rh = (ah + bh + (lo >= TWO32 ? 1 : 0)) >>> 0;
  }

  #mul(ah: number, al: number, bh: number, bl: number): void {
    const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
    const mid = a1 * b0 + a0 * b1;
    const low = a0 * b0 + (mid % 65536) * 65536;
    this.#rl = low >>> 0;
    this.#rh = (a1 * b1 + Math.floor(mid / 65536) + Math.floor(low / TWO32) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
  }

  // rotate left by r (0 < r < 32)
  #rotl(h: number, l: number, r: number): void {
    this.#rh = ((h << r) | (l >>> (32 - r))) >>> 0;
    this.#rl = ((l << r) | (h >>> (32 - r))) >>> 0;
  }
}

function readLE32(b: Uint8Array, i: number): number {
  return ((b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24)) >>> 0;
}

/** Formats a 64-bit value given as two words as lowercase hex without leading zeros. */
export function hex64(hi: number, lo: number): string {
  if (hi === 0) return lo.toString(16);
  return hi.toString(16) + lo.toString(16).padStart(8, '0');
}

/** XXH64 of `data` with a seed given as two 32-bit words, as unpadded hex. */
export function xxh64Hex(data: Uint8Array | string, seedHi = 0, seedLo = 0): string {
  const h = new Xxh64(seedHi, seedLo);
  if (typeof data === 'string') h.updateString(data);
  else h.update(data);
  return h.digest().hex();
}
