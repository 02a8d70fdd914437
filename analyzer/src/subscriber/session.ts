// One /ws/subscriber client: forwards graph events through its filter, answers SyncRequest with SyncReply
// (changing the filter when asked), and re-runs filters without a per-element form after a debounce.
import type { Edge, GraphView, Node } from '@topoflow/graph';
import { type Clock, type ComponentReporter, parseInstant } from '@topoflow/common';
import type { HistoryProvider } from '@topoflow/gremlin';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import { type Validate, checkSchema } from '../elements/element-input.js';
import type { WsConnection } from '../ws/connection.js';
import { type Envelope, GRAPH_NAMESPACE, encodeRaw, errorInfo } from '../ws/envelope.js';
import type { RateLimitedLog } from '@topoflow/common';
import { type FilterContext, type PreparedFilter, prepareFilter, runFilter, selectIncremental } from './filter.js';
import { type EventMessages, syncReplyMessage } from './messages.js';
import { type PendingUpdate, SubGraph, recordPending } from './sub-graph.js';

type Counter = ReturnType<ComponentReporter['counter']>;

/** What a session needs besides its connection. */
export interface SessionDeps extends FilterContext {
  debounceMs: number;
  validateSyncRequest: Validate;
  log: RateLimitedLog;
  filterRuns: Counter;
  filterErrors: Counter;
  /** Graph history, for SyncRequest.Time; undefined when history is off. */
  history?: HistoryProvider;
  clock: Clock;
}

/** A subscriber session. */
export class SubscriberSession {
  readonly conn: WsConnection;
  readonly #deps: SessionDeps;
  #filter: PreparedFilter = { mode: 'all' };
  readonly #sub = new SubGraph();
  readonly #pending = new Map<string, PendingUpdate>();
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #dirty = false;
  #generation = 0;
  #closed = false;
  /** True after a SyncRequest with a Time: the client holds a past graph, so live events are not sent. */
  #frozen = false;
  readonly #send = (text: string): void => {
    this.conn.send(text);
  };

  constructor(conn: WsConnection, deps: SessionDeps, initial: PreparedFilter) {
    this.conn = conn;
    this.#deps = deps;
    this.#install(initial);
  }

  /** The filter text in force ('' for none). */
  get filterText(): string {
    return this.#filter.mode === 'all' ? '' : this.#filter.text;
  }

  /** Handles one graph event; runs inside the graph's event delivery, so it only reads the graph. */
  onEvent(m: EventMessages): void {
    if (this.#closed || this.conn.closing || this.#frozen) return;
    const f = this.#filter;
    const policy = this.conn.handshake.updatePolicy;
    if (f.mode === 'all') this.conn.send(m.forPolicy(policy));
    else if (f.mode === 'incremental') this.#sub.applyEvent(m, f.filter, this.#deps.graph, policy, this.#send);
    else {
      this.#sub.track(m);
      recordPending(this.#pending, m);
      this.#markDirty();
    }
  }

  /** Handles one message from the client (already decoded). */
  async onMessage(env: Envelope): Promise<void> {
    if (this.#closed) return;
    if (env.Namespace !== GRAPH_NAMESPACE || env.Type !== 'SyncRequest') {
      throw analyzerError(AnalyzerErrors.WS_UNKNOWN_TYPE, `subscribers may only send Graph/SyncRequest, got ${env.Namespace}/${env.Type}`, {
        namespace: env.Namespace, type: env.Type,
      });
    }
    let prepared: PreparedFilter;
    try {
      const past = await this.#pastSync(env.Obj);
      if (past !== undefined) {
        if (!this.#closed) this.conn.send(syncReplyMessage(past.nodes, past.edges, env.UUID));
        return;
      }
      prepared = await this.#prepareSync(env.Obj);
    } catch (err) {
      const { status, obj } = errorInfo(err);
      if (!this.#closed) this.conn.send(syncError(env, status, obj.code, obj.message));
      return;
    }
    if (this.#closed) return;
    this.#frozen = false;
    const snapshot = this.#install(prepared);
    this.conn.send(syncReplyMessage(snapshot.nodes, snapshot.edges, env.UUID));
  }

  /** Stops timers; the connection is closing. */
  close(): void {
    this.#closed = true;
    this.#generation++;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending.clear();
  }

  /**
   * A SyncRequest with a Time answers the graph at that instant (through the request's filter, or the one in force)
   * and freezes the session until a SyncRequest without Time; undefined for a live request.
   */
  async #pastSync(obj: unknown): Promise<{ nodes: Node[]; edges: Edge[] } | undefined> {
    checkSchema(this.#deps.validateSyncRequest, obj, 'SyncRequest');
    const req = (obj ?? {}) as { GremlinFilter?: string | null; Time?: number | string | null };
    if (req.Time === undefined || req.Time === null) return undefined;
    const history = this.#deps.history;
    if (history === undefined) {
      throw analyzerError(AnalyzerErrors.HISTORY_UNAVAILABLE, 'SyncRequest.Time needs graph history, which is turned off on this analyzer');
    }
    const at = parseInstant(req.Time, this.#deps.clock.now());
    let view: GraphView = await history.view({ start: at, end: at, point: true });
    const text = (typeof req.GremlinFilter === 'string' ? req.GremlinFilter : this.filterText).trim();
    if (text !== '') view = await runFilter(this.#deps, text, this.#deps.engine.parse(text), view);
    this.#frozen = true;
    return { nodes: [...view.nodes()], edges: [...view.edges()] };
  }

  async #prepareSync(obj: unknown): Promise<PreparedFilter> {
    const req = (obj ?? {}) as { GremlinFilter?: string | null };
    if (typeof req.GremlinFilter === 'string') return prepareFilter(this.#deps, req.GremlinFilter);
    const f = this.#filter;
    return f.mode === 'rerun' ? prepareFilter(this.#deps, f.text) : f;
  }

  /** Makes `p` the filter in force and returns the sub-graph it selects now. */
  #install(p: PreparedFilter): { nodes: Node[]; edges: Edge[] } {
    this.#filter = p;
    this.conn.gremlinFilter = p.mode === 'all' ? '' : p.text;
    this.#generation++;
    this.#pending.clear();
    this.#dirty = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const graph = this.#deps.graph;
    if (p.mode === 'all') {
      this.#sub.reset(new Map(), new Map());
      return { nodes: [...graph.nodes()], edges: [...graph.edges()] };
    }
    if (p.mode === 'incremental') {
      const { nodes, edges } = selectIncremental(graph, p.filter);
      this.#sub.reset(nodes, edges);
    } else {
      this.#sub.reset(new Map([...p.initial.nodes()].map((n) => [n.ID, n])), new Map([...p.initial.edges()].map((e) => [e.ID, e])));
      if (graph.revision !== p.revision) this.#markDirty();
    }
    return { nodes: [...this.#sub.nodes.values()], edges: [...this.#sub.edges.values()] };
  }

  #markDirty(): void {
    this.#dirty = true;
    if (this.#timer === undefined && !this.#running && !this.#closed) {
      this.#timer = setTimeout(() => void this.#rerun(), this.#deps.debounceMs);
    }
  }

  async #rerun(): Promise<void> {
    this.#timer = undefined;
    const f = this.#filter;
    if (this.#closed || f.mode !== 'rerun') return;
    const generation = this.#generation;
    this.#dirty = false;
    this.#running = true;
    try {
      const view = await runFilter(this.#deps, f.text, f.parsed);
      this.#deps.filterRuns.inc();
      if (generation === this.#generation && !this.#closed) {
        this.#sub.applyResult(view, this.#pending, this.conn.handshake.updatePolicy, this.#send);
        this.#pending.clear();
      }
    } catch (err) {
      this.#deps.filterErrors.inc({ code: errorInfo(err).obj.code });
      this.#deps.log.warn({ hostId: this.conn.handshake.hostId, err }, 'subscriber filter failed');
    } finally {
      this.#running = false;
    }
    if (this.#dirty) this.#markDirty();
  }
}

/** A failed SyncReply: Skydive's shape (Obj is the error text) plus a top-level Code. */
function syncError(env: Envelope, status: number, code: string, message: string): string {
  const text = encodeRaw('SyncReply', JSON.stringify(message), { namespace: env.Namespace, ...(env.UUID ? { uuid: env.UUID } : {}), status });
  return `${text.slice(0, -1)},"Code":${JSON.stringify(code)}}`;
}
