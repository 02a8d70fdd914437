// The analyzer's graph history: opens the store (retrying while it fails, without stopping the analyzer),
// restores publisher and API elements, records every graph event, serves time-travel views, applies retention
// and exports the store's size and row counts.
import type { Clock, Component, ComponentReporter } from '@topoflow/common';
import type { GraphEvent, MemoryGraph } from '@topoflow/graph';
import { type HistoryStore, SnapshotView, type TimeSlice } from '@topoflow/graph/history';
import type { GraphView } from '@topoflow/graph';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import type { ResolvedHistoryConfig } from './config.js';
import { HistoryRecorder, MAX_RETRY_MS } from './recorder.js';
import { WaitingEdges, planRestore } from './restore.js';
import { type HistoryStoreHooks, createHistoryStore } from './store-factory.js';
import { Timers } from './timers.js';

/** What the history component needs. */
export interface AnalyzerHistoryDeps {
  graph: MemoryGraph;
  clock: Clock;
  reporter: ComponentReporter;
  /** Builds the store (default: from the configuration). */
  createStore?: (config: ResolvedHistoryConfig, hooks: HistoryStoreHooks) => HistoryStore | undefined;
}

const STATS_INTERVAL_MS = 15_000;
const FRESH_WAIT_MS = 1000;

/** Graph history of the analyzer. */
export class AnalyzerHistory implements Component {
  readonly recorder: HistoryRecorder;
  readonly #config: ResolvedHistoryConfig;
  readonly #deps: AnalyzerHistoryDeps;
  readonly #candidate: HistoryStore | undefined;
  #store: HistoryStore | undefined;
  #openError: string | undefined;
  #restoring = false;
  #unsubscribe: (() => void) | undefined;
  readonly #waiting = new WaitingEdges();
  readonly #timers = new Timers();
  #retryMs: number;
  readonly #metrics;

  constructor(config: ResolvedHistoryConfig, deps: AnalyzerHistoryDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#retryMs = config.retryMs;
    const r = deps.reporter;
    const writerExits = r.counter('writer_exits_total', 'SQLite history writer threads that ended unexpectedly (restarted on the next write)');
    this.#candidate = (deps.createStore ?? createHistoryStore)(config, { logger: r.logger, onWriterExit: () => writerExits.inc() });
    this.recorder = new HistoryRecorder({ batchSize: config.batchSize, queueSize: config.queueSize, retryMs: config.retryMs }, { reporter: r });
    this.#metrics = {
      available: r.gauge('store_available', '1 when the history store is open and writable, 0 otherwise'),
      openErrors: r.counter('store_open_errors_total', 'Failed attempts to open the history store'),
      bytes: r.gauge('store_bytes', 'Bytes used by the history store'),
      revisions: r.gauge('store_revisions', 'Stored revisions, by element kind', ['kind']),
      elements: r.gauge('store_elements', 'Distinct elements in the history store'),
      pruned: r.counter('pruned_revisions_total', 'Revisions removed by retention'),
      restored: r.counter('restored_elements_total', 'Elements restored into the live graph at start'),
    };
    r.health('store', () => ({
      ok: true,
      ...(this.#openError ?? this.recorder.lastError ? { detail: `history store unavailable: ${this.#openError ?? this.recorder.lastError}` } : {}),
    }));
  }

  /** True unless the configuration turned history off. */
  get enabled(): boolean {
    return this.#candidate !== undefined;
  }

  /** The open store, if any. */
  get store(): HistoryStore | undefined {
    return this.#store;
  }

  async start(): Promise<void> {
    if (this.#candidate === undefined) return;
    this.#unsubscribe = this.#deps.graph.onAny((ev) => this.#onEvent(ev));
    await this.#open();
  }

  async stop(): Promise<void> {
    this.#timers.stop();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.recorder.stop();
    const store = this.#store;
    this.#store = undefined;
    await store?.close();
  }

  /** Resolves once every change made so far is durable (immediately without history). */
  durable(): Promise<void> {
    if (this.#candidate === undefined) return Promise.resolve();
    return this.recorder.durable(this.#config.ackTimeoutMs);
  }

  /** The graph as it was, for Gremlin's At()/Context() and SyncRequest.Time. */
  async view(slice: TimeSlice): Promise<GraphView> {
    const store = this.#store;
    if (this.#candidate === undefined) {
      throw analyzerError(AnalyzerErrors.HISTORY_UNAVAILABLE, 'graph history is turned off (analyzer.history.backend: none)');
    }
    if (store === undefined) {
      throw analyzerError(AnalyzerErrors.HISTORY_STORE_DOWN, `the history store is unavailable: ${this.#openError ?? 'not open yet'}`);
    }
    if (this.recorder.pending > 0 && slice.end >= this.#deps.clock.now() - FRESH_WAIT_MS) {
      await this.recorder.durable(FRESH_WAIT_MS).catch(() => undefined);
    }
    return new SnapshotView(await store.read(slice, { maxRevisions: this.#config.maxRevisions }));
  }

  #onEvent(ev: GraphEvent): void {
    if (this.#restoring) return;
    this.recorder.record(ev);
    if (ev.type === 'nodeAdded' && this.#waiting.size > 0) {
      const graph = this.#deps.graph;
      // Added after this delivery finishes: listeners must not mutate the graph synchronously.
      const ready = this.#waiting.ready(ev.node.ID, graph);
      if (ready.length > 0) queueMicrotask(() => { for (const e of ready) if (!graph.getEdge(e.ID)) graph.apply({ type: 'edgeAdded', edge: e }); });
    }
  }

  async #open(): Promise<void> {
    const store = this.#candidate as HistoryStore;
    const log = this.#deps.reporter.logger;
    try {
      await store.open();
    } catch (err) {
      this.#openError = err instanceof Error ? err.message : String(err);
      this.#metrics.openErrors.inc();
      this.#metrics.available.set(0);
      log.error({ err, backend: store.backend, retryMs: this.#retryMs }, 'history store cannot be opened; running without history until it can');
      this.#timers.later(() => this.#open(), this.#retryMs);
      this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
      return;
    }
    if (this.#timers.stopped) {
      await store.close();
      return;
    }
    this.#openError = undefined;
    this.#metrics.available.set(1);
    try {
      if (this.#config.restore) await this.#restore(store);
    } catch (err) {
      log.error({ err }, 'restoring the graph from history failed; the live graph starts without it');
    }
    if (this.#timers.stopped) {
      // stop() ran while the graph was being restored: it found no store to close, so close it here.
      await store.close();
      return;
    }
    this.#store = store;
    this.recorder.setStore(store);
    log.info({ backend: store.backend }, 'history store open');
    await this.#refreshStats();
    this.#timers.every(() => this.#refreshStats(), STATS_INTERVAL_MS);
    const ret = this.#config.retention;
    if (ret.maxAgeMs > 0 || ret.maxBytes > 0) this.#timers.every(() => this.#prune(), ret.intervalMs);
  }

  async #restore(store: HistoryStore): Promise<void> {
    const graph = this.#deps.graph;
    const plan = planRestore(await store.live(), graph, this.#deps.clock.now());
    if (plan.retire.length > 0) await store.append(plan.retire);
    this.#restoring = true;
    try {
      for (const node of plan.nodes) graph.apply({ type: 'nodeAdded', node });
      for (const edge of plan.edges) graph.apply({ type: 'edgeAdded', edge });
    } finally {
      this.#restoring = false;
    }
    this.#waiting.add(plan.waiting);
    if (plan.waiting.length > 0) {
      this.#timers.later(async () => {
        const dropped = this.#waiting.drain();
        const now = this.#deps.clock.now();
        for (const edge of dropped) this.recorder.record({ type: 'edgeDeleted', edge: { ...edge, DeletedAt: now } });
      }, this.#config.restoreGraceMs);
    }
    this.#metrics.restored.inc(plan.nodes.length + plan.edges.length);
    this.#deps.reporter.logger.info({
      nodes: plan.nodes.length, edges: plan.edges.length, waiting: plan.waiting.length, closed: plan.retire.length,
    }, 'graph restored from history');
  }

  async #refreshStats(): Promise<void> {
    const store = this.#store;
    if (store === undefined) return;
    try {
      const s = await store.stats();
      this.#metrics.bytes.set(s.bytes);
      this.#metrics.revisions.set({ kind: 'node' }, s.nodeRevisions);
      this.#metrics.revisions.set({ kind: 'edge' }, s.edgeRevisions);
      this.#metrics.elements.set(s.elements);
    } catch (err) {
      this.#deps.reporter.logger.warn({ err }, 'reading history store statistics failed');
    }
  }

  async #prune(): Promise<void> {
    const store = this.#store;
    if (store === undefined) return;
    const ret = this.#config.retention;
    const started = Date.now();
    try {
      const r = await store.prune({
        ...(ret.maxAgeMs > 0 ? { before: this.#deps.clock.now() - ret.maxAgeMs } : {}),
        ...(ret.maxBytes > 0 ? { maxBytes: ret.maxBytes } : {}),
      });
      this.#metrics.pruned.inc(r.revisions);
      if (r.revisions > 0) {
        this.#deps.reporter.logger.info({ revisions: r.revisions, horizon: r.horizon, bytes: r.bytes, ms: Date.now() - started }, 'history retention pass');
      }
    } catch (err) {
      this.#deps.reporter.logger.error({ err }, 'history retention pass failed');
    }
  }
}
