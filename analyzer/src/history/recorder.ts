// Appends every graph event to the history store: events queue in order and are written in batches (a batch
// starts as soon as the previous one is durable, so a burst becomes few transactions). A failing store keeps
// the batch and retries with backoff; the queue is bounded and what overflows is counted, never silent.
import type { ComponentReporter } from '@topoflow/common';
import { type GraphEvent, GraphErrors, graphError } from '@topoflow/graph';
import type { HistoryStore } from '@topoflow/graph/history';

/** Settings of the recorder. */
export interface RecorderConfig {
  batchSize: number;
  queueSize: number;
  retryMs: number;
}

/** What the recorder needs. */
export interface RecorderDeps {
  reporter: ComponentReporter;
  /** Minimum delay between two logs of failed writes. */
  errorLogIntervalMs?: number;
}

/** Longest delay between two attempts at a failing store. */
export const MAX_RETRY_MS = 30_000;

interface Waiter {
  upTo: number;
  resolve: () => void;
}

/** Writes graph events to a store in order, durably, in batches. */
export class HistoryRecorder {
  readonly #config: RecorderConfig;
  readonly #deps: RecorderDeps;
  #store: HistoryStore | undefined;
  #queue: GraphEvent[] = [];
  #head = 0;
  #enqueued = 0;
  #stored = 0;
  #waiters: Waiter[] = [];
  #running = false;
  #stopped = false;
  #retryMs: number;
  #retryTimer: NodeJS.Timeout | undefined;
  #lastErrorLog = 0;
  #lastError: string | undefined;
  readonly #metrics;

  constructor(config: RecorderConfig, deps: RecorderDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#retryMs = config.retryMs;
    const r = deps.reporter;
    this.#metrics = {
      stored: r.counter('events_stored_total', 'Graph events made durable in the history store'),
      dropped: r.counter('events_dropped_total', 'Graph events not stored because the history queue was full'),
      errors: r.counter('write_errors_total', 'Failed history writes (retried)'),
      batches: r.histogram('append_seconds', 'Duration of one durable history append', [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]),
      queue: r.gauge('queue_events', 'Graph events waiting to be stored'),
    };
  }

  /** Events waiting to be stored. */
  get pending(): number {
    return this.#queue.length - this.#head;
  }

  /** The last write error, or undefined once a write succeeded. */
  get lastError(): string | undefined {
    return this.#lastError;
  }

  /** Sets (or clears) the store; queued events are written once there is one. */
  setStore(store: HistoryStore | undefined): void {
    this.#store = store;
    if (store !== undefined) this.#schedule();
  }

  /** Queues one event (drops and counts it when the queue is full). */
  record(event: GraphEvent): void {
    if (this.#stopped) return;
    if (this.pending >= this.#config.queueSize) {
      this.#metrics.dropped.inc();
      return;
    }
    this.#queue.push(event);
    this.#enqueued++;
    this.#schedule();
  }

  /** Resolves once every event queued so far is durable; rejects after `timeoutMs`. */
  durable(timeoutMs: number): Promise<void> {
    const upTo = this.#enqueued;
    if (this.#stored >= upTo) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(graphError(GraphErrors.HISTORY_WRITE_FAILED, 'the change is in the live graph but not yet durable in history',
          { reason: this.#lastError ?? 'the history store is slow', timeoutMs }));
      }, timeoutMs);
      const waiter: Waiter = { upTo, resolve: () => { clearTimeout(timer); resolve(); } };
      this.#waiters.push(waiter);
    });
  }

  /** Stops accepting events and makes one last attempt to write what is queued (the caller bounds the wait). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    while (this.#running) await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.#store !== undefined && this.pending > 0) await this.#drain();
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #schedule(): void {
    if (this.#running || this.#stopped || this.#store === undefined || this.#retryTimer !== undefined) return;
    this.#running = true;
    setImmediate(() => void this.#drain().finally(() => {
      this.#running = false;
      if (this.pending > 0) this.#schedule();
    }));
  }

  async #drain(): Promise<void> {
    while (this.pending > 0 && this.#store !== undefined && this.#retryTimer === undefined) {
      const store = this.#store;
      const batch = this.#queue.slice(this.#head, this.#head + this.#config.batchSize);
      const end = this.#metrics.batches.startTimer();
      try {
        await store.append(batch);
      } catch (err) {
        end();
        this.#failed(err);
        return;
      }
      end();
      this.#head += batch.length;
      if (this.#head > 65_536 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      this.#stored += batch.length;
      this.#metrics.stored.inc(batch.length);
      this.#metrics.queue.set(this.pending);
      this.#lastError = undefined;
      this.#retryMs = this.#config.retryMs;
      this.#release();
    }
  }

  #release(): void {
    if (this.#waiters.length === 0) return;
    const ready = this.#waiters.filter((w) => w.upTo <= this.#stored);
    if (ready.length === 0) return;
    this.#waiters = this.#waiters.filter((w) => w.upTo > this.#stored);
    for (const w of ready) w.resolve();
  }

  #failed(err: unknown): void {
    this.#metrics.errors.inc();
    this.#metrics.queue.set(this.pending);
    this.#lastError = err instanceof Error ? err.message : String(err);
    const now = Date.now();
    if (now - this.#lastErrorLog >= (this.#deps.errorLogIntervalMs ?? 10_000)) {
      this.#lastErrorLog = now;
      this.#deps.reporter.logger.error({ err, pending: this.pending, retryMs: this.#retryMs }, 'history write failed, will retry');
    }
    const delay = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#schedule();
    }, delay);
  }
}
