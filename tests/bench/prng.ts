// A small seeded pseudo-random generator (mulberry32) so every benchmark input is the same on every run.

/** A deterministic random source. */
export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One item of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** `digits` lowercase hexadecimal digits. */
  hex(digits: number): string {
    let s = '';
    while (s.length < digits) s += (this.int(0x10000) | 0x10000).toString(16).slice(1);
    return s.slice(0, digits);
  }
}
