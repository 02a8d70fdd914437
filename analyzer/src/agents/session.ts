// One agent connected to /ws/agent/topology: applies its Sync (as a diff) and its forwarded events, all under
// the origin agent.<hostId>. Agents are trusted for content but not for shape: any malformed message throws.
import { performance } from 'node:perf_hooks';
import type { Clock } from '@topoflow/common';
import { type Edge, type MemoryGraph, type MetadataOp, type Node, diffOps } from '@topoflow/graph';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import type { WsConnection } from '../ws/connection.js';
import { type Envelope, GRAPH_NAMESPACE, ONDEMAND_NAMESPACE } from '../ws/envelope.js';
import { type ElementContext, agentEdge, agentNode, agentSync } from './frame.js';
import { type AgentSyncOutcome, applyAgentSync } from './sync.js';

/** What an agent session needs besides its connection. */
export interface AgentSessionDeps {
  graph: MemoryGraph;
  clock: Clock;
  syncBatch: number;
  onSync(outcome: AgentSyncOutcome, seconds: number): void;
  onEvent(result: 'applied' | 'ignored'): void;
  /** Sees the agent's messages in the OnDemand namespace (replies to capture orders). */
  onOnDemand(env: Envelope): void;
  /** Number of this connection among all agent connections (a reconnection gets a new one). */
  serial: number;
}

/** An agent session. */
export class AgentSession {
  readonly conn: WsConnection;
  readonly hostId: string;
  readonly origin: string;
  /** Identifies this connection: a reconnection of the same agent gets another number. */
  readonly serial: number;
  readonly #deps: AgentSessionDeps;
  #closed = false;
  #synced = false;

  constructor(conn: WsConnection, deps: AgentSessionDeps) {
    this.conn = conn;
    this.#deps = deps;
    this.hostId = conn.handshake.hostId;
    this.origin = `agent.${this.hostId}`;
    this.serial = deps.serial;
  }

  /** True once a Sync was applied. */
  get synced(): boolean {
    return this.#synced;
  }

  /** True once closed: queued messages are skipped and a running Sync stops. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Marks the session closed. */
  close(): void {
    this.#closed = true;
  }

  /** Handles one message; throws an AppError (the caller answers, counts and closes the connection). */
  async onMessage(env: Envelope): Promise<void> {
    if (this.#closed) return;
    if (env.Namespace === ONDEMAND_NAMESPACE) {
      this.#deps.onOnDemand(env);
      return;
    }
    if (env.Namespace !== GRAPH_NAMESPACE) throw unknownType(env);
    const c = this.#context();
    const g = this.#deps.graph;
    switch (env.Type) {
      case 'Sync':
        return this.#sync(env.Obj, c);
      case 'NodeAdded':
        return this.#applied(g.apply({ type: 'nodeAdded', node: agentNode(env.Obj, c) }));
      case 'EdgeAdded':
        return this.#applied(g.apply({ type: 'edgeAdded', edge: agentEdge(env.Obj, c) }));
      case 'NodeUpdated': {
        const node = agentNode(env.Obj, c);
        return this.#applied(g.apply({ type: 'nodeUpdated', node, ops: opsFrom(g.getNode(node.ID), node) }));
      }
      case 'EdgeUpdated': {
        const edge = agentEdge(env.Obj, c);
        return this.#applied(g.apply({ type: 'edgeUpdated', edge, ops: opsFrom(g.getEdge(edge.ID), edge) }));
      }
      case 'NodeDeleted':
        return this.#applied(g.apply({ type: 'nodeDeleted', node: agentNode(env.Obj, c) }));
      case 'EdgeDeleted':
        return this.#applied(g.apply({ type: 'edgeDeleted', edge: agentEdge(env.Obj, c) }));
      case 'NodePartiallyUpdated':
      case 'EdgePartiallyUpdated': {
        const p = partial(env.Obj);
        const isNode = env.Type === 'NodePartiallyUpdated';
        const current = isNode ? g.getNode(p.ID) : g.getEdge(p.ID);
        // Ops only make sense on top of the revision before them: a gap means this copy missed something, and
        // closing the connection makes the agent reconnect and send a full Sync.
        if (current === undefined || p.Revision > current.Revision + 1) {
          throw analyzerError(AnalyzerErrors.AGENT_OUT_OF_SYNC, `partial update of ${p.ID} to revision ${p.Revision} does not follow revision ${current?.Revision ?? 'none'}`, {
            id: p.ID, revision: p.Revision, current: current?.Revision ?? null,
          });
        }
        return this.#applied(g.apply({ type: isNode ? 'nodePartiallyUpdated' : 'edgePartiallyUpdated', ...p }));
      }
      default:
        throw unknownType(env);
    }
  }

  #context(): ElementContext {
    return { now: this.#deps.clock.now(), hostId: this.hostId, origin: this.origin };
  }

  #applied(result: 'applied' | 'ignored'): void {
    this.#deps.onEvent(result);
  }

  async #sync(obj: unknown, c: ElementContext): Promise<void> {
    const { nodes, edges } = agentSync(obj, c);
    const started = performance.now();
    const outcome = await applyAgentSync(nodes, edges, {
      graph: this.#deps.graph, origin: this.origin, batch: this.#deps.syncBatch, aborted: () => this.#closed,
    });
    this.#synced = true;
    this.#deps.onSync(outcome, (performance.now() - started) / 1000);
  }
}

/** The ops of an update: what differs from the current revision (none when the element is unknown). */
function opsFrom(current: Node | Edge | undefined, next: Node | Edge): MetadataOp[] {
  return current === undefined ? [] : diffOps(current.Metadata, next.Metadata);
}

function partial(obj: unknown): { ID: string; UpdatedAt: number; Revision: number; Ops: MetadataOp[] } {
  const o = obj as { ID?: unknown; UpdatedAt?: unknown; Revision?: unknown; Ops?: unknown } | null;
  const okOps = Array.isArray(o?.Ops) && (o.Ops as unknown[]).every((op) => {
    const x = op as { Type?: unknown; Key?: unknown } | null;
    return x !== null && typeof x === 'object' && (x.Type === 1 || x.Type === 2) && typeof x.Key === 'string';
  });
  if (o === null || typeof o !== 'object' || typeof o.ID !== 'string' || typeof o.Revision !== 'number' || typeof o.UpdatedAt !== 'number' || !okOps) {
    throw analyzerError(AnalyzerErrors.VALIDATION_ERROR, 'partial update: ID, UpdatedAt, Revision and Ops [{Type: 1|2, Key}] are required');
  }
  return { ID: o.ID, UpdatedAt: o.UpdatedAt, Revision: o.Revision, Ops: o.Ops as MetadataOp[] };
}

function unknownType(env: Envelope): Error {
  return analyzerError(AnalyzerErrors.WS_UNKNOWN_TYPE, `unknown message ${env.Namespace}/${env.Type}`, {
    namespace: env.Namespace, type: env.Type,
  });
}
