// The on-demand server: keeps every capture of etcd applied to the live graph. Each capture is resolved to nodes
// (its Gremlin expression, capturable nodes, a capture type per node) and the owning agents get CaptureStart and
// CaptureStop orders; graph changes re-run the resolution after a debounce, an agent's (re)connection re-sends its
// starts, a start the agent refused is sent again once its node changed (for a permanent refusal: a field the
// capture depends on), and a node still carrying a capture that no longer exists gets a stop.
import type { Clock, Component, ComponentReporter } from '@topoflow/common';
import type { GraphEvent, MemoryGraph } from '@topoflow/graph';
import type { QueryEngine, QueryOptions } from '@topoflow/gremlin';
import type { Capture } from '../captures/capture.js';
import { captureEntries } from '../captures/count.js';
import type { CaptureDecoder } from '../captures/store.js';
import type { EtcdService } from '../etcd/etcd-service.js';
import { RateLimitedLog } from '@topoflow/common';
import { CaptureWatch } from './capture-watch.js';
import type { CaptureDispatcher, StartRefusal } from './dispatcher.js';
import { OrphanStops } from './orphans.js';
import { StartRefusals, captureFingerprint, permanentRefusal } from './refusals.js';
import { movesCaptures, touchesCaptures } from './relevance.js';
import { type ResolutionError, resolveCapture } from './resolver.js';

/** Settings of the on-demand server. */
export interface OnDemandConfig {
  /** Delay grouping graph changes before the captures are resolved again. */
  debounceMs: number;
  /** First delay before a failed etcd list or a lost watch is retried. */
  retryMs: number;
}

/** What the on-demand server needs. */
export interface OnDemandDeps {
  etcd: EtcdService;
  graph: MemoryGraph;
  engine: QueryEngine;
  queryOptions: QueryOptions;
  dispatcher: CaptureDispatcher;
  decode: CaptureDecoder;
  clock: Clock;
  reporter: ComponentReporter;
}

/** A start sent for a node: to which agent, on which of its connections. */
interface Assignment {
  host: string;
  connection: number;
}

/** The on-demand server's view, for /api/status. */
export interface OnDemandStatus {
  IsMaster: boolean;
  Watching: boolean;
  Revision: number;
  Captures: number;
  Assignments: number;
  /** Per capture ID, why it does not run on some nodes (NodeID '' when its Gremlin expression failed), with the error code when known. */
  Errors: Record<string, { NodeID: string; Error: string; Code?: string }[]>;
}

/** Captures evaluated between two yields to the event loop. */
const YIELD_EVERY = 50;

/** Applies the captures of etcd to the agents. */
export class OnDemandServer implements Component {
  readonly #config: OnDemandConfig;
  readonly #deps: OnDemandDeps;
  readonly #watch: CaptureWatch;
  readonly #captures = new Map<string, Capture>();
  /** Per capture ID, per node ID, where a start was sent. */
  readonly #assigned = new Map<string, Map<string, Assignment>>();
  readonly #errors = new Map<string, Map<string, ResolutionError>>();
  readonly #refusals = new StartRefusals();
  readonly #orphans = new OrphanStops();
  readonly #dirty = new Set<string>();
  #dirtyAll = false;
  #sweep = false;
  #loaded = false;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  #wantAt = Infinity;
  #busy: Promise<void> | undefined;
  #unsubscribe: (() => void)[] = [];
  readonly #log: RateLimitedLog;
  readonly #m;

  constructor(config: OnDemandConfig, deps: OnDemandDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#watch = new CaptureWatch({
      etcd: deps.etcd, decode: deps.decode, reporter: deps.reporter, retryMs: config.retryMs,
      handlers: { reset: (c) => this.#reset(c), put: (c) => this.#put(c), delete: (id) => this.#delete(id) },
    });
    this.#log = new RateLimitedLog(deps.reporter.logger, 10_000);
    const r = deps.reporter;
    this.#m = {
      captures: r.gauge('captures', 'Captures known from etcd'),
      assignments: r.gauge('assignments', 'Nodes a capture was started on'),
      starts: r.counter('starts_total', 'CaptureStart orders sent to agents'),
      stops: r.counter('stops_total', 'CaptureStop orders sent to agents'),
      runs: r.counter('evaluations_total', 'Evaluations of captures against the graph'),
      seconds: r.histogram('evaluation_duration_seconds', 'Time to evaluate the captures due', [0.001, 0.01, 0.1, 1, 10]),
      errors: r.counter('errors_total', 'Captures that could not be resolved (query), run on a node (type) or that an agent refused (agent)', ['kind']),
    };
  }

  /** The watch on /capture/ (revision, state). */
  get watch(): CaptureWatch {
    return this.#watch;
  }

  /** True while an evaluation runs or is due. */
  get pending(): boolean {
    return this.#busy !== undefined || this.#timer !== undefined;
  }

  /** Follows the graph and the agents, then lists and watches etcd (an unreachable etcd is retried). */
  async start(): Promise<void> {
    if (this.#running || !this.#deps.etcd.enabled) return;
    this.#running = true;
    const { graph, dispatcher } = this.#deps;
    this.#unsubscribe = [
      graph.onAny((ev) => this.#onGraphEvent(ev)),
      dispatcher.onAgentSynced(() => this.#request({ all: true, sweep: true }, this.#config.debounceMs)),
      dispatcher.onStartRefused?.((host, refusal) => this.#onRefused(host, refusal)) ?? (() => undefined),
    ];
    await this.#watch.start();
  }

  /** Stops watching and evaluating; running captures keep running on the agents. Idempotent. */
  async stop(): Promise<void> {
    this.#running = false;
    for (const u of this.#unsubscribe.splice(0)) u();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#watch.stop();
    await this.#busy;
  }

  /** What runs where and what failed. */
  status(): OnDemandStatus {
    const errors: OnDemandStatus['Errors'] = {};
    for (const [id, m] of this.#errors) errors[id] = [...m].map(([NodeID, e]) => ({ NodeID, Error: e.message, Code: e.code }));
    for (const id of this.#refusals.captures()) errors[id] = [...(errors[id] ?? []), ...this.#refusals.errors(id)];
    let assignments = 0;
    for (const m of this.#assigned.values()) assignments += m.size;
    return {
      IsMaster: this.#running, Watching: this.#watch.watching, Revision: this.#watch.revision,
      Captures: this.#captures.size, Assignments: assignments, Errors: errors,
    };
  }

  #reset(captures: Capture[]): void {
    const next = new Map(captures.map((c) => [c.UUID, c]));
    for (const id of this.#captures.keys()) if (!next.has(id)) this.#dirty.add(id);
    for (const c of captures) this.#forgetRefusalsIfChanged(c);
    this.#captures.clear();
    for (const [id, c] of next) this.#captures.set(id, c);
    this.#loaded = true;
    this.#m.captures.set(this.#captures.size);
    this.#request({ all: true, sweep: true }, 0);
  }

  #put(c: Capture): void {
    this.#forgetRefusalsIfChanged(c);
    this.#captures.set(c.UUID, c);
    this.#m.captures.set(this.#captures.size);
    this.#request({ ids: [c.UUID] }, 0);
  }

  /** A capture written again with other fields gets its refused starts sent again. */
  #forgetRefusalsIfChanged(c: Capture): void {
    const before = this.#captures.get(c.UUID);
    if (before !== undefined && JSON.stringify(before) !== JSON.stringify(c)) this.#refusals.forget(c.UUID);
  }

  #delete(id: string): void {
    this.#captures.delete(id);
    this.#m.captures.set(this.#captures.size);
    this.#request({ ids: [id], sweep: true }, 0);
  }

  #onGraphEvent(ev: GraphEvent): void {
    if (!this.#running) return;
    if (this.#loaded && touchesCaptures(ev) && 'node' in ev && captureEntries(ev.node).some((e) => !this.#captures.has(e.ID))) {
      this.#request({ sweep: true }, this.#config.debounceMs);
    }
    if (this.#captures.size === 0 && this.#assigned.size === 0) return;
    if (movesCaptures(ev)) this.#request({ all: true }, this.#config.debounceMs);
  }

  /** Marks work as due within `delayMs`; one evaluation runs at a time, work marked meanwhile runs after it. */
  #request(work: { ids?: string[]; all?: boolean; sweep?: boolean }, delayMs: number): void {
    for (const id of work.ids ?? []) this.#dirty.add(id);
    if (work.all === true) this.#dirtyAll = true;
    if (work.sweep === true) this.#sweep = true;
    this.#wantAt = Math.min(this.#wantAt, this.#deps.clock.now() + delayMs);
    this.#schedule();
  }

  #schedule(): void {
    if (!this.#running || this.#busy !== undefined) return;
    if (this.#dirty.size === 0 && !this.#dirtyAll && !this.#sweep) return;
    if (this.#timer !== undefined && this.#timerAt <= this.#wantAt) return;
    clearTimeout(this.#timer);
    this.#timerAt = this.#wantAt;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Infinity;
      this.#busy = this.#run()
        .catch((err: unknown) => this.#deps.reporter.logger.error({ err }, 'capture evaluation failed'))
        .finally(() => {
          this.#busy = undefined;
          this.#schedule();
        });
    }, Math.max(0, this.#wantAt - this.#deps.clock.now()));
    this.#timer.unref();
  }

  async #run(): Promise<void> {
    const ids = new Set(this.#dirty);
    if (this.#dirtyAll) for (const id of [...this.#captures.keys(), ...this.#assigned.keys()]) ids.add(id);
    const sweep = this.#sweep;
    this.#dirty.clear();
    this.#dirtyAll = false;
    this.#sweep = false;
    this.#wantAt = Infinity;
    const end = this.#m.seconds.startTimer();
    this.#m.runs.inc();
    let n = 0;
    for (const id of ids) {
      if (!this.#running) return;
      await this.#reconcile(id);
      if (++n % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
    }
    if (sweep && this.#loaded) {
      this.#orphans.sweep(this.#deps.graph, this.#deps.dispatcher, (id) => this.#captures.has(id), (h, n, c) => this.#stop(h, n, c));
    }
    let assignments = 0;
    for (const m of this.#assigned.values()) assignments += m.size;
    this.#m.assignments.set(assignments);
    end();
  }

  async #reconcile(id: string): Promise<void> {
    const { graph, engine, queryOptions, dispatcher } = this.#deps;
    const capture = this.#captures.get(id);
    const assigned = this.#assigned.get(id) ?? new Map<string, Assignment>();
    if (capture === undefined) {
      for (const [nodeId, a] of assigned) this.#stop(a.host, nodeId, id);
      this.#assigned.delete(id);
      this.#errors.delete(id);
      this.#refusals.forget(id);
      return;
    }
    const r = await resolveCapture(capture, graph, engine, queryOptions);
    if (this.#captures.get(id) !== capture || !this.#running) return;
    if (r.queryError !== undefined) {
      this.#setErrors(id, new Map([['', r.queryError]]), 'query');
      return;
    }
    for (const [nodeId, t] of r.targets) {
      const connection = dispatcher.connection(t.host);
      if (connection === undefined) {
        assigned.delete(nodeId);
        continue;
      }
      if (assigned.get(nodeId)?.connection === connection) continue;
      if (this.#refusals.waiting(id, nodeId, connection, { revision: t.revision, fingerprint: () => captureFingerprint(graph, nodeId) })) continue;
      if (dispatcher.start(t.host, { NodeID: nodeId, Capture: { ...capture }, ProbeType: t.probeType })) {
        assigned.set(nodeId, { host: t.host, connection });
        this.#refusals.forgetNode(id, nodeId);
        this.#m.starts.inc();
      }
    }
    this.#refusals.forget(id, (nodeId) => r.targets.has(nodeId));
    for (const [nodeId, a] of assigned) {
      if (r.targets.has(nodeId)) continue;
      this.#stop(a.host, nodeId, id);
      assigned.delete(nodeId);
    }
    if (assigned.size > 0) this.#assigned.set(id, assigned);
    else this.#assigned.delete(id);
    this.#setErrors(id, r.errors, 'type');
  }

  /** An agent refused a start: the node is no longer assigned, and gets the start again once it changed (see StartRefusals). */
  #onRefused(host: string, r: StartRefusal): void {
    const assigned = this.#assigned.get(r.CaptureID);
    const a = assigned?.get(r.NodeID);
    if (assigned === undefined || a === undefined || a.host !== host) return;
    assigned.delete(r.NodeID);
    if (assigned.size === 0) this.#assigned.delete(r.CaptureID);
    const { graph } = this.#deps;
    const revision = graph.getNode(r.NodeID)?.Revision ?? 0;
    this.#refusals.record(r.CaptureID, r.NodeID, {
      connection: a.connection, revision, fingerprint: captureFingerprint(graph, r.NodeID), permanent: permanentRefusal(r.Status), error: r.Error,
      ...(r.Code !== undefined ? { code: r.Code } : {}),
    });
    this.#m.errors.inc({ kind: 'agent' });
  }

  #stop(host: string, nodeId: string, captureId: string): boolean {
    const sent = this.#deps.dispatcher.stop(host, { NodeID: nodeId, CaptureID: captureId });
    if (sent) this.#m.stops.inc();
    return sent;
  }

  #setErrors(id: string, errors: Map<string, ResolutionError>, kind: 'query' | 'type'): void {
    const before = this.#errors.get(id);
    for (const [nodeId, error] of errors) {
      const was = before?.get(nodeId);
      if (was?.code === error.code && was.message === error.message) continue;
      this.#m.errors.inc({ kind });
      this.#log.warn({ capture: id, node: nodeId || undefined, code: error.code, error: error.message }, 'capture cannot run');
    }
    if (errors.size > 0) this.#errors.set(id, errors);
    else this.#errors.delete(id);
  }
}
