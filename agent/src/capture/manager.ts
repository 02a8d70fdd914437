// The capture manager: starts and stops captures on nodes of the agent's graph (one flow table and one source per
// capture and node), keeps their state in the node's `Captures` metadata, and stops them when their node goes. A
// new capture's counters are read often until its first packet shows, so that needs no wait for the stats refresh.
import { type Component, type ComponentReporter, isAppError } from '@topoflow/common';
import type { FlowSender } from '@topoflow/flow';
import type { Graph, Node } from '@topoflow/graph';
import { type ResolvedCaptureConfig, defaultAgentConfig, resolveAgentConfig } from '../config.js';
import { AgentErrors, agentError } from '../errors.js';
import type { SourceFactory, TableFactory } from './factories.js';
import { CaptureMetrics } from './metrics.js';
import { checkPreconditions } from './node.js';
import { type TableDefaults, plan, tableOptions } from './plan.js';
import { type CaptureEntry, type CaptureStatus, RunningCapture } from './running.js';
import { type CaptureSpec, captureTypeFor, checkCaptureSpec } from './spec.js';

/** Settings of the capture manager: table defaults (agent.flow) and capture settings (agent.capture). */
export interface CaptureManagerConfig {
  flow: TableDefaults;
  capture: ResolvedCaptureConfig;
}

/** Defaults of the capture manager (those of the agent configuration). */
export function defaultCaptureManagerConfig(): CaptureManagerConfig {
  const r = resolveAgentConfig(defaultAgentConfig());
  return { flow: r.flow, capture: r.capture };
}

/** What the capture manager needs. */
export interface CaptureManagerDeps {
  graph: Graph;
  reporter: ComponentReporter;
  /** Where every capture's table sends its flows and stats (the flow forwarder). */
  sender: FlowSender;
  tableFactory: TableFactory;
  sourceFactory: SourceFactory;
}

/** How often the counters of an active capture that has not counted a packet yet are read. */
export const FIRST_PACKET_POLL_MS = 50;
/** How long a new capture is watched for its first packet (afterwards only the stats refresh reads it). */
export const FIRST_PACKET_WATCH_MS = 3000;
/** Captures watched at once (reading a source's counters costs a file read): more wait for the stats refresh. */
export const FIRST_PACKET_MAX_WATCHED = 64;

const keyOf = (nodeId: string, captureId: string): string => `${nodeId}\u0000${captureId}`;
const str = (node: Node, key: string): string => (typeof node.Metadata[key] === 'string' ? (node.Metadata[key] as string) : '');
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Runs the captures of the agent. */
export class CaptureManager implements Component {
  readonly config: CaptureManagerConfig;
  readonly #deps: CaptureManagerDeps;
  readonly #captures = new Map<string, RunningCapture>();
  readonly #m: CaptureMetrics;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  /** Active captures without a packet yet, with the time (performance.now()) their watch ends. */
  readonly #fresh = new Map<RunningCapture, number>();
  #freshTimer: NodeJS.Timeout | undefined;
  #unlisten: (() => void) | undefined;
  #lastRefresh = 0;

  constructor(config: CaptureManagerConfig, deps: CaptureManagerDeps) {
    const { portMin, portMax } = config.capture.sflow;
    if (portMax < portMin) throw new Error('capture manager: sflow.portMax is below sflow.portMin');
    this.config = config;
    this.#deps = deps;
    this.#m = new CaptureMetrics(deps.reporter);
    deps.reporter.health('stats', () => {
      if (!this.#running) return { ok: true };
      const age = performance.now() - this.#lastRefresh;
      const limit = 3 * this.config.capture.statsUpdateMs + 1000;
      return age < limit ? { ok: true } : { ok: false, detail: `no stats refresh for ${Math.round(age)}ms` };
    });
  }

  /** True between start() and stop(). */
  get running(): boolean {
    return this.#running;
  }

  /** Watches node deletions and starts the stats refresh. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#unlisten = this.#deps.graph.on('nodeDeleted', (e) => {
      // Never re-enter the graph from its listener: stop the node's captures after this delivery.
      if (this.#onNode(e.node.ID).length > 0) setImmediate(() => void this.#stopNode(e.node.ID));
    });
    this.#lastRefresh = performance.now();
    this.#timer = setInterval(() => this.#refresh(), this.config.capture.statsUpdateMs);
  }

  /** Stops every capture (their tables send their last flows), removes the Captures entries, clears timers. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#unlisten?.();
    this.#unlisten = undefined;
    clearInterval(this.#timer);
    this.#timer = undefined;
    clearInterval(this.#freshTimer);
    this.#freshTimer = undefined;
    this.#fresh.clear();
    const all = [...this.#captures.values()];
    this.#captures.clear();
    await this.#halt(all);
    for (const nodeId of new Set(all.map((c) => c.nodeId))) this.#publish(nodeId);
  }

  /**
   * Starts capture `spec` on node `nodeId`, or returns the one already running with that ID there (a failed one is
   * replaced). A source that fails to open leaves the capture in State error (returned, not thrown); request and
   * node problems throw (AGENT_CAPTURE_*, AGENT_BAD_REQUEST) and record nothing.
   */
  async startCapture(spec: CaptureSpec, nodeId: string): Promise<CaptureStatus> {
    if (!this.#running) throw agentError(AgentErrors.CAPTURE_UNAVAILABLE, 'the capture manager is not running');
    checkCaptureSpec(spec);
    const node = this.#deps.graph.getNode(nodeId);
    if (node === undefined) throw agentError(AgentErrors.CAPTURE_NODE_NOT_FOUND, `no node ${nodeId} in the agent's graph`, { nodeId });
    const key = keyOf(nodeId, spec.ID);
    const existing = this.#captures.get(key);
    if (existing !== undefined && existing.state !== 'error') {
      await existing.ready;
      return existing.status();
    }
    const { type, kind } = captureTypeFor(str(node, 'Type'), spec.Type);
    checkPreconditions(node, kind);
    const port = kind === 'ovssflow' ? this.#allocatePort() : undefined;
    const holder: { capture?: RunningCapture } = {};
    const { params, sflowSocket } = plan(kind, spec, node, {
      graph: this.#deps.graph, capture: this.config.capture, ...(port !== undefined ? { port } : {}),
      onError: (err) => holder.capture !== undefined && this.#failed(holder.capture, err),
    });
    const capture = new RunningCapture({
      spec: { ...spec }, nodeId, type, kind, ...(sflowSocket !== undefined ? { sflowSocket } : {}), ...(port !== undefined ? { allocatedPort: port } : {}),
    });
    capture.table = this.#deps.tableFactory(tableOptions(spec, str(node, 'TID'), this.config.flow), this.#sender(capture));
    let buildError: unknown;
    try {
      capture.source = this.#deps.sourceFactory(kind, params, capture.table);
    } catch (err) {
      // Coded errors are refusals (unavailable, bad request); anything else is the source failing, like on start.
      if (isAppError(err)) throw err;
      buildError = err;
    }
    holder.capture = capture;
    // A failed capture of the same ID is already halted: it only leaves the map and the node's list.
    this.#captures.set(key, capture);
    this.#m.starts.inc();
    capture.ready = buildError === undefined ? this.#open(capture) : Promise.resolve(this.#failed(capture, buildError));
    await capture.ready;
    return capture.status();
  }

  /** Stops capture `captureId` on `nodeId`, or on every node when absent; resolves to the number stopped. */
  async stopCapture(captureId: string, nodeId?: string): Promise<number> {
    const matching = [...this.#captures.values()].filter((c) => c.spec.ID === captureId && (nodeId === undefined || c.nodeId === nodeId));
    for (const c of matching) this.#captures.delete(keyOf(c.nodeId, c.spec.ID));
    await this.#halt(matching);
    for (const id of new Set(matching.map((c) => c.nodeId))) this.#publish(id);
    return matching.length;
  }

  /** Every capture of the agent, in start order. */
  list(): CaptureStatus[] {
    return [...this.#captures.values()].map((c) => c.status());
  }

  async #open(capture: RunningCapture): Promise<void> {
    const log = this.#deps.reporter.logger;
    try {
      capture.table?.start();
      await capture.source?.start();
      if (capture.state !== 'starting') return;
      capture.state = 'active';
      log.info({ captureId: capture.spec.ID, nodeId: capture.nodeId, type: capture.type, source: capture.source?.description }, 'capture started');
    } catch (err) {
      this.#failed(capture, err);
      return;
    }
    this.#m.setActive(this.#captures.values());
    this.#publish(capture.nodeId);
    if (this.#fresh.size >= FIRST_PACKET_MAX_WATCHED) return;
    this.#fresh.set(capture, performance.now() + FIRST_PACKET_WATCH_MS);
    this.#freshTimer ??= setInterval(() => this.#watchFresh(), FIRST_PACKET_POLL_MS);
  }

  /** Publishes the captures that counted their first packets; forgets those no longer active or watched too long. */
  #watchFresh(): void {
    const now = performance.now();
    const counted = new Set<string>();
    for (const [c, end] of this.#fresh) {
      if (c.state === 'active' && now <= end && c.readSource().PacketsReceived === 0) continue;
      this.#fresh.delete(c);
      if (c.state === 'active' && c.last.PacketsReceived > 0) counted.add(c.nodeId);
    }
    for (const nodeId of counted) this.#publish(nodeId);
    if (this.#fresh.size > 0) return;
    clearInterval(this.#freshTimer);
    this.#freshTimer = undefined;
  }

  /** A source failed (on start or later): State error with its message, logged and counted; source and table stop. */
  #failed(capture: RunningCapture, err: unknown): void {
    if (capture.state === 'error' || capture.state === 'stopped') return;
    capture.state = 'error';
    capture.error = message(err);
    this.#m.errors.inc({ kind: capture.kind });
    this.#deps.reporter.logger.error({
      err, code: AgentErrors.CAPTURE_FAILED, captureId: capture.spec.ID, nodeId: capture.nodeId, type: capture.type,
    }, 'capture failed');
    void capture.halt(this.#deps.reporter.logger).then(() => {
      this.#m.account(capture);
      this.#m.setActive(this.#captures.values());
      if (this.#captures.get(keyOf(capture.nodeId, capture.spec.ID)) === capture) this.#publish(capture.nodeId);
    });
  }

  async #halt(captures: readonly RunningCapture[]): Promise<void> {
    await Promise.all(captures.map(async (c) => {
      const wasStarting = c.state === 'starting';
      c.state = 'stopped';
      if (wasStarting) await c.ready;
      await c.halt(this.#deps.reporter.logger);
      this.#m.account(c);
    }));
    this.#m.setActive(this.#captures.values());
  }

  async #stopNode(nodeId: string): Promise<void> {
    if (this.#deps.graph.getNode(nodeId) !== undefined) return;
    const gone = this.#onNode(nodeId);
    for (const c of gone) this.#captures.delete(keyOf(c.nodeId, c.spec.ID));
    this.#deps.reporter.logger.info({ nodeId, captures: gone.map((c) => c.spec.ID) }, 'node deleted, captures stopped');
    await this.#halt(gone);
  }

  #onNode(nodeId: string): RunningCapture[] {
    return [...this.#captures.values()].filter((c) => c.nodeId === nodeId);
  }

  /** Reads every active capture's counters; rewrites a node's Captures only when one of its entries changed. */
  #refresh(): void {
    this.#lastRefresh = performance.now();
    const changed = new Set<string>();
    for (const c of this.#captures.values()) {
      if (c.state !== 'active') continue;
      this.#m.account(c);
      const e = c.entry();
      if (`${e.PacketsReceived}/${e.PacketsDropped}/${e.PacketsIfDropped}` !== c.published) changed.add(c.nodeId);
    }
    for (const nodeId of changed) this.#publish(nodeId);
  }

  /** Writes the node's `Captures` list (active and failed captures), deleting the key when none is left. */
  #publish(nodeId: string): void {
    const graph = this.#deps.graph;
    const node = graph.getNode(nodeId);
    if (node === undefined) return;
    const shown = this.#onNode(nodeId).filter((c) => c.state === 'active' || c.state === 'error');
    const entries: CaptureEntry[] = shown.map((c) => c.entry());
    try {
      if (entries.length > 0) graph.updateNode(nodeId, { set: { Captures: entries } });
      else if (node.Metadata.Captures !== undefined) graph.updateNode(nodeId, { delete: ['Captures'] });
      for (const [i, c] of shown.entries()) {
        const e = entries[i] as CaptureEntry;
        c.published = `${e.PacketsReceived}/${e.PacketsDropped}/${e.PacketsIfDropped}`;
      }
    } catch (err) {
      this.#m.metadataErrors.inc();
      this.#deps.reporter.logger.warn({ err, nodeId }, 'captures metadata update failed');
    }
  }

  /** The lowest port of agent.capture.sflow.portMin..portMax no other capture of this agent holds. */
  #allocatePort(): number {
    const { portMin, portMax } = this.config.capture.sflow;
    const used = new Set([...this.#captures.values()].map((c) => c.allocatedPort));
    for (let p = portMin; p <= portMax; p++) if (!used.has(p)) return p;
    throw agentError(AgentErrors.CAPTURE_NO_PORT, `every sFlow port ${portMin}-${portMax} is taken`, { portMin, portMax });
  }

  /** The sender a capture's table is given: counts its flows, adds the source's drops to its stats. */
  #sender(capture: RunningCapture): FlowSender {
    const out = this.#deps.sender;
    return {
      sendFlows: (flows) => {
        this.#m.flowsSent.inc(flows.length);
        out.sendFlows(flows);
      },
      sendStats: (stats) => {
        const s = capture.readSource();
        out.sendStats?.({ ...stats, PacketsDropped: stats.PacketsDropped + s.PacketsDropped + s.PacketsIfDropped });
      },
    };
  }
}
