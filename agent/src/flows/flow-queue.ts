// The bounded FIFO of flows waiting for the analyzer: appends at the back, takes batches from the front, puts an
// unsent batch back in front, and drops the oldest flows when over capacity (the caller counts them).
import type { Flow } from '@topoflow/flow';

/** Compaction threshold: the consumed prefix is cut once it is this long and more than half the array. */
const COMPACT_AT = 4096;

/** A bounded queue of flows that drops its oldest entries on overflow. */
export class FlowQueue {
  readonly capacity: number;
  #items: Flow[] = [];
  #head = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('flow queue capacity must be a positive integer');
    this.capacity = capacity;
  }

  /** Flows waiting. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Appends flows; returns how many of the oldest were dropped to stay within capacity. */
  push(flows: readonly Flow[]): number {
    for (const f of flows) this.#items.push(f);
    return this.#trim();
  }

  /** Puts flows back in front (in their order), as the oldest; returns how many were dropped (oldest first). */
  unshift(flows: readonly Flow[]): number {
    if (flows.length === 0) return 0;
    this.#items = [...flows, ...this.#items.slice(this.#head)];
    this.#head = 0;
    return this.#trim();
  }

  /** Removes and returns up to `n` flows from the front. */
  take(n: number): Flow[] {
    const end = Math.min(this.#items.length, this.#head + n);
    const out = this.#items.slice(this.#head, end);
    this.#head = end;
    this.#compact();
    return out;
  }

  /** Removes everything; returns how many flows were waiting. */
  clear(): number {
    const n = this.length;
    this.#items = [];
    this.#head = 0;
    return n;
  }

  #trim(): number {
    const over = this.length - this.capacity;
    if (over <= 0) return 0;
    this.#head += over;
    this.#compact();
    return over;
  }

  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= COMPACT_AT && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
