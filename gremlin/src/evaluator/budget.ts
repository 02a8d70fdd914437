// The time and size budget of one query: a monotonic deadline checked every 1024 units of work, and a cap on
// the size of every collection a step builds.
import { performance } from 'node:perf_hooks';
import { GremlinErrors, gremlinError } from '../errors.js';
import type { QueryBudget } from '../extension.js';

/** How many ticks pass between two clock reads. */
export const TICKS_PER_CHECK = 1024;

/** A query's budget. */
export class Budget implements QueryBudget {
  readonly deadline: number;
  readonly maxResultSize: number;
  readonly #timeoutMs: number;
  #ticks = 0;

  constructor(timeoutMs: number, maxResultSize: number) {
    this.#timeoutMs = timeoutMs;
    this.deadline = performance.now() + timeoutMs;
    this.maxResultSize = maxResultSize;
  }

  check(): void {
    if (performance.now() > this.deadline) throw this.timeoutError();
  }

  tick(): void {
    if (++this.#ticks >= TICKS_PER_CHECK) {
      this.#ticks = 0;
      this.check();
    }
  }

  ensureSize(size: number): void {
    if (size > this.maxResultSize) {
      throw gremlinError(GremlinErrors.RESULT_TOO_LARGE,
        `query result exceeds the limit of ${this.maxResultSize} items`, { maxResultSize: this.maxResultSize });
    }
  }

  remainingMs(): number {
    return this.deadline - performance.now();
  }

  /** The error raised when the deadline passes. */
  timeoutError(): Error {
    return gremlinError(GremlinErrors.TIMEOUT, `query exceeded its time budget of ${this.#timeoutMs} ms`, {
      timeoutMs: this.#timeoutMs,
    });
  }
}
