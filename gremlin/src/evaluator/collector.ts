// Gathers a step's output under the budget, stopping early once a fused Range/Limit window is full.
import type { QueryBudget } from '../extension.js';
import type { Window } from '../steps/window.js';

/** Output list of a producing step. */
export class Collector<T> {
  readonly items: T[] = [];
  readonly #budget: QueryBudget;
  readonly #window: Window | undefined;
  readonly #limit: number;

  constructor(budget: QueryBudget, window: Window | undefined) {
    this.#budget = budget;
    this.#window = window;
    this.#limit = window === undefined ? Infinity : window.to;
  }

  /** Appends an item; returns false when the producer should stop. */
  add(item: T): boolean {
    const n = this.items.push(item);
    this.#budget.ensureSize(n);
    return n < this.#limit;
  }

  /** The collected items with the window's lower bound applied. */
  result(): T[] {
    const w = this.#window;
    if (w === undefined || (w.from === 0 && this.items.length <= w.to)) return this.items;
    return this.items.slice(w.from, Math.max(w.from, w.to));
  }
}
