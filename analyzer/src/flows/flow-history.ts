// The analyzer's flow history: opens the flow store of the graph history's backend (retrying while it fails,
// without stopping the analyzer), feeds it through the group-commit recorder, applies retention and exports
// the store's counts.
import type { Clock, ComponentReporter } from '@topoflow/common';
import { type Flow, FlowErrors, flowError } from '@topoflow/flow';
import { type FlowStore, PostgresFlowStore, SqliteFlowStore } from '@topoflow/flow/store';
import type { FlowServerConfig, FlowStoreConfig } from './config.js';
import { MAX_RETRY_MS } from '../history/recorder.js';
import { FlowRecorder } from './recorder.js';
import { Timers } from '../history/timers.js';

/** What the flow history needs. */
export interface FlowHistoryDeps {
  clock: Clock;
  reporter: ComponentReporter;
  /** Builds the store (default: from the configuration). */
  createStore?: (config: FlowStoreConfig, logger: ComponentReporter['logger']) => FlowStore | undefined;
}

const STATS_INTERVAL_MS = 60_000;

/** The configured flow store, or undefined when history is off. */
export function createFlowStore(config: FlowStoreConfig, logger: ComponentReporter['logger']): FlowStore | undefined {
  switch (config.backend) {
    case 'none':
      return undefined;
    case 'sqlite':
      return new SqliteFlowStore({ path: config.path, cacheKiB: config.cacheKiB });
    case 'postgres':
      return new PostgresFlowStore({ url: config.url, schema: config.schema, poolSize: Math.min(config.poolSize, 2) }, { logger });
  }
}

/** Flow history of the analyzer. */
export class FlowHistory {
  readonly recorder: FlowRecorder;
  readonly #config: FlowServerConfig;
  readonly #deps: FlowHistoryDeps;
  readonly #candidate: FlowStore | undefined;
  #store: FlowStore | undefined;
  #openError: string | undefined;
  #retryMs: number;
  readonly #timers = new Timers();
  readonly #m;

  constructor(config: FlowServerConfig, deps: FlowHistoryDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#retryMs = config.retryMs;
    const r = deps.reporter;
    this.#candidate = (deps.createStore ?? createFlowStore)(config.store, r.logger);
    this.recorder = new FlowRecorder({
      bufferSize: config.maxBufferSize, batchSize: config.storeBatchSize, retryMs: config.retryMs, errorLogIntervalMs: config.errorLogIntervalMs,
    }, r);
    this.#m = {
      available: r.gauge('store_available', '1 when the flow store is open, 0 otherwise'),
      openErrors: r.counter('store_open_errors_total', 'Failed attempts to open the flow store'),
      rows: r.gauge('store_rows', 'Rows in the flow store, by kind (flows, metrics, packets)', ['kind']),
      bytes: r.gauge('store_bytes', 'Bytes used by the flow store'),
      pruned: r.counter('store_pruned_total', 'Rows removed by flow retention, by kind', ['kind']),
    };
  }

  /** True when flow history is configured (the graph history backend is not 'none'). */
  get enabled(): boolean {
    return this.#candidate !== undefined;
  }

  /** Why the store is unavailable, if it is. */
  get problem(): string | undefined {
    return this.#openError ?? this.recorder.lastError;
  }

  async start(): Promise<void> {
    if (this.#candidate !== undefined) await this.#open(this.#candidate);
  }

  async stop(): Promise<void> {
    this.#timers.stop();
    await this.recorder.stop();
    const store = this.#store;
    this.#store = undefined;
    await store?.close();
  }

  /** Queues reports for the store; returns how many the full buffer dropped. */
  record(flows: Flow[]): number {
    return this.#candidate === undefined ? 0 : this.recorder.record(flows);
  }

  /**
   * Waits until `n` more reports fit in the recorder's buffer, so a producer that can wait (a pcap upload) is paced
   * by the store instead of losing reports. Returns at once without history or while the store is failing, and
   * after `timeoutMs` without progress (what does not fit is then dropped and counted by record()).
   */
  async room(n: number, timeoutMs: number): Promise<void> {
    const r = this.recorder;
    while (this.#candidate !== undefined && this.problem === undefined && r.pending > 0 && r.pending + n > this.#config.maxBufferSize) {
      if (!(await r.durable(timeoutMs))) return;
    }
  }

  /** The open store; FLOW_STORE_UNAVAILABLE while it cannot be opened. */
  store(): FlowStore {
    if (this.#store !== undefined) return this.#store;
    throw flowError(FlowErrors.STORE_UNAVAILABLE, `the flow store is unavailable: ${this.#openError ?? 'not open yet'}`);
  }

  async #open(store: FlowStore): Promise<void> {
    try {
      await store.open();
    } catch (err) {
      this.#openError = err instanceof Error ? err.message : String(err);
      this.#m.openErrors.inc();
      this.#m.available.set(0);
      this.#deps.reporter.logger.error({ err, backend: store.backend, retryMs: this.#retryMs }, 'flow store cannot be opened; flows are not stored until it can');
      this.#timers.later(() => this.#open(store), this.#retryMs);
      this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
      return;
    }
    if (this.#timers.stopped) {
      await store.close();
      return;
    }
    this.#openError = undefined;
    this.#store = store;
    this.#m.available.set(1);
    this.recorder.setStore(store);
    this.#deps.reporter.logger.info({ backend: store.backend }, 'flow store open');
    await this.#refreshStats();
    this.#timers.every(() => this.#refreshStats(), STATS_INTERVAL_MS);
    if (this.#config.retentionMs > 0) this.#timers.every(() => this.prune(), this.#config.pruneIntervalMs);
  }

  /** Runs one retention pass now (the timer runs it every retention interval). */
  async prune(): Promise<void> {
    const store = this.#store;
    if (store === undefined || this.#config.retentionMs <= 0) return;
    try {
      const r = await store.prune(this.#deps.clock.now() - this.#config.retentionMs);
      for (const [kind, n] of Object.entries(r)) if (n > 0) this.#m.pruned.inc({ kind }, n);
      if (r.flows + r.metrics + r.packets > 0) this.#deps.reporter.logger.info({ ...r }, 'flow retention pass');
    } catch (err) {
      this.#deps.reporter.logger.error({ err }, 'flow retention pass failed');
    }
  }

  async #refreshStats(): Promise<void> {
    try {
      const s = await this.store().stats();
      for (const kind of ['flows', 'metrics', 'packets'] as const) this.#m.rows.set({ kind }, s[kind]);
      this.#m.bytes.set(s.bytes);
    } catch (err) {
      this.#deps.reporter.logger.warn({ err }, 'reading flow store statistics failed');
    }
  }
}
