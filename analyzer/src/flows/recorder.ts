// Writes flow reports to the flow store off the hot path: reports wait in a bounded buffer and are written in
// group commits (one transaction takes everything waiting, up to a batch size, as soon as the previous one is
// durable). A failing store keeps its batch and is retried with backoff; what overflows the buffer is counted.
import type { ComponentReporter } from '@topoflow/common';
import type { Flow } from '@topoflow/flow';
import type { FlowStore } from '@topoflow/flow/store';
import { MAX_RETRY_MS } from '../history/recorder.js';
import { RateLimitedLog } from '@topoflow/common';

/** Settings of the recorder. */
export interface FlowRecorderConfig {
  /** Reports waiting at most (analyzer.flow.maxBufferSize). */
  bufferSize: number;
  /** Reports per transaction at most. */
  batchSize: number;
  /** First retry delay; doubles up to MAX_RETRY_MS. */
  retryMs: number;
  errorLogIntervalMs: number;
}

/** Group-commit writer of flow reports. */
export class FlowRecorder {
  readonly #config: FlowRecorderConfig;
  readonly #log: RateLimitedLog;
  #store: FlowStore | undefined;
  /** Batches as received; the first may be partly written (#offset). */
  #batches: Flow[][] = [];
  #offset = 0;
  #pending = 0;
  #received = 0;
  #written = 0;
  #waiters: Array<{ upTo: number; done: () => void }> = [];
  #writing = false;
  #stopped = false;
  #retryMs: number;
  #retryTimer: NodeJS.Timeout | undefined;
  #lastError: string | undefined;
  readonly #m;

  constructor(config: FlowRecorderConfig, reporter: ComponentReporter) {
    this.#config = config;
    this.#retryMs = config.retryMs;
    this.#log = new RateLimitedLog(reporter.logger, config.errorLogIntervalMs);
    this.#m = {
      written: reporter.counter('store_writes_total', 'Flow reports made durable in the flow store'),
      errors: reporter.counter('store_write_errors_total', 'Failed flow store writes (retried)'),
      seconds: reporter.histogram('store_append_seconds', 'Duration of one durable flow store append', [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]),
      pending: reporter.gauge('store_pending', 'Flow reports waiting for the flow store'),
      dropped: reporter.counter('dropped_total', 'Flow reports dropped, by reason (buffer_full: not stored, the store lags; stopped: arrived after stop)', ['reason']),
    };
  }

  /** Reports waiting to be written. */
  get pending(): number {
    return this.#pending;
  }

  /** The last write error, or undefined once a write succeeded. */
  get lastError(): string | undefined {
    return this.#lastError;
  }

  /** Sets the store (once it is open); waiting reports are written from then on. */
  setStore(store: FlowStore | undefined): void {
    this.#store = store;
    this.#schedule();
  }

  /**
   * Queues the reports of one batch; those beyond the buffer, or every one once stopped, are dropped and counted.
   * Returns how many were dropped.
   */
  record(flows: Flow[]): number {
    if (flows.length === 0) return 0;
    if (this.#stopped) {
      this.#m.dropped.inc({ reason: 'stopped' }, flows.length);
      return flows.length;
    }
    const room = Math.max(0, this.#config.bufferSize - this.#pending);
    const kept = flows.length <= room ? flows : flows.slice(0, room);
    const dropped = flows.length - kept.length;
    if (dropped > 0) this.#m.dropped.inc({ reason: 'buffer_full' }, dropped);
    if (kept.length > 0) {
      this.#batches.push(kept);
      this.#pending += kept.length;
      this.#received += kept.length;
      this.#m.pending.set(this.#pending);
      this.#schedule();
    }
    return dropped;
  }

  /** Resolves true once every report queued so far is durable, false after `timeoutMs` (never rejects). */
  durable(timeoutMs: number): Promise<boolean> {
    const upTo = this.#received;
    if (this.#written >= upTo) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { upTo, done: () => { clearTimeout(timer); resolve(true); } };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Stops accepting reports and makes one last attempt to write what waits (the caller bounds the wait). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    while (this.#writing) await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.#store !== undefined && this.#pending > 0) await this.#drain();
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #schedule(): void {
    if (this.#writing || this.#store === undefined || this.#retryTimer !== undefined || this.#pending === 0) return;
    if (this.#stopped) return;
    this.#writing = true;
    setImmediate(() => void this.#drain().finally(() => {
      this.#writing = false;
      this.#schedule();
    }));
  }

  async #drain(): Promise<void> {
    while (this.#pending > 0 && this.#store !== undefined && this.#retryTimer === undefined) {
      const batch = this.#peek();
      const end = this.#m.seconds.startTimer();
      try {
        await this.#store.append(batch);
      } catch (err) {
        end();
        this.#failed(err);
        return;
      }
      end();
      this.#take(batch.length);
      this.#m.written.inc(batch.length);
      this.#lastError = undefined;
      this.#retryMs = this.#config.retryMs;
      const ready = this.#waiters.filter((w) => w.upTo <= this.#written);
      if (ready.length > 0) this.#waiters = this.#waiters.filter((w) => w.upTo > this.#written);
      for (const w of ready) w.done();
    }
  }

  /** The next reports to write, up to the batch size, without removing them. */
  #peek(): Flow[] {
    const out: Flow[] = [];
    let offset = this.#offset;
    for (const b of this.#batches) {
      const room = this.#config.batchSize - out.length;
      if (room <= 0) break;
      const part = offset === 0 && b.length <= room ? b : b.slice(offset, offset + room);
      for (const f of part) out.push(f);
      offset = 0;
    }
    return out;
  }

  #take(n: number): void {
    let left = n;
    while (left > 0) {
      const first = this.#batches[0] as Flow[];
      const rest = first.length - this.#offset;
      if (rest > left) {
        this.#offset += left;
        break;
      }
      left -= rest;
      this.#batches.shift();
      this.#offset = 0;
    }
    this.#pending -= n;
    this.#written += n;
    this.#m.pending.set(this.#pending);
  }

  #failed(err: unknown): void {
    this.#m.errors.inc();
    this.#lastError = err instanceof Error ? err.message : String(err);
    this.#log.warn({ err, pending: this.#pending, retryMs: this.#retryMs }, 'flow store write failed, will retry');
    const delay = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#schedule();
    }, delay);
  }
}
