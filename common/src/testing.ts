// Fakes for tests of other packages.
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
