// The timers of a store-owning component (retries, statistics, retention): one-shot and repeating callbacks,
// all cancelled by stop(), after which nothing more is scheduled.

/** A set of timers cancelled together. */
export class Timers {
  readonly #timers = new Set<NodeJS.Timeout>();
  #stopped = false;

  /** True once stop() ran. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Runs `fn` once after `ms` (not after stop()). */
  later(fn: () => Promise<void> | void, ms: number): void {
    if (this.#stopped) return;
    const t = setTimeout(() => {
      this.#timers.delete(t);
      void fn();
    }, ms);
    this.#timers.add(t);
  }

  /** Runs `fn` every `ms`, each run starting `ms` after the previous one finished. */
  every(fn: () => Promise<void>, ms: number): void {
    this.later(async () => {
      await fn();
      this.every(fn, ms);
    }, ms);
  }

  /** Cancels every pending timer and schedules nothing from now on. */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
