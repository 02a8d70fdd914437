// Test helpers other packages use: a clock moved by hand and a seeded random generator.
import type { Clock } from './lifecycle.js';

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.#now += ms;
  }
  /** Sets the clock to `t`. */
  set(t: number): void {
    this.#now = t;
  }
}

/** A small seeded pseudo-random generator (mulberry32), so fuzz tests and benchmarks replay exactly. */
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
