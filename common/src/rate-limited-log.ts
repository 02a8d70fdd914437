// Logging for hot paths: at most one line per interval, carrying how many similar lines were suppressed.
import type { Reporter } from './reporter.js';

type Logger = Reporter['logger'];

/** A warn-level logger that emits at most once per interval. */
export class RateLimitedLog {
  readonly #logger: Logger;
  readonly #intervalMs: number;
  #last = -Infinity;
  #suppressed = 0;

  constructor(logger: Logger, intervalMs: number) {
    this.#logger = logger;
    this.#intervalMs = intervalMs;
  }

  /** Logs `msg` (a constant lowercase string) unless a line was logged less than the interval ago. */
  warn(fields: Record<string, unknown>, msg: string): void {
    const now = Date.now();
    if (now - this.#last < this.#intervalMs) {
      this.#suppressed++;
      return;
    }
    this.#logger.warn({ ...fields, suppressed: this.#suppressed }, msg);
    this.#last = now;
    this.#suppressed = 0;
  }
}
