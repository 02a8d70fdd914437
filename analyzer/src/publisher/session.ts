// One /ws/publisher client: applies its graph messages under its own origin (<X-Client-Type>.<X-Host-ID>),
// answers SyncRequest, and on disconnect deletes its elements when it asked for DeleteOnDisconnect.
import type { Clock } from '@topoflow/common';
import { type Edge, GraphErrors, type MemoryGraph, type MetadataOp, type Node, diffOps, graphError } from '@topoflow/graph';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import { type ElementDefaults, type Validate, checkMetadataDepth, checkSchema, edgeInput, nodeInput } from '../elements/element-input.js';
import { syncReplyMessage } from '../subscriber/messages.js';
import type { WsConnection } from '../ws/connection.js';
import { type Envelope, GRAPH_NAMESPACE } from '../ws/envelope.js';
import { applySync } from './sync.js';

/** The validators a publisher session uses (compiled from elements/schemas.ts). */
export interface PublisherValidators {
  node: Validate;
  edge: Validate;
  deleted: Validate;
  partial: Validate;
  sync: Validate;
}

/** What a publisher session needs besides its connection. */
export interface PublisherSessionDeps {
  graph: MemoryGraph;
  clock: Clock;
  validators: PublisherValidators;
  syncBatch: number;
}

type Kind = 'node' | 'edge';

/** A publisher session. */
export class PublisherSession {
  readonly conn: WsConnection;
  readonly origin: string;
  readonly #deps: PublisherSessionDeps;
  #author = false;
  #closed = false;

  constructor(conn: WsConnection, deps: PublisherSessionDeps) {
    this.conn = conn;
    this.#deps = deps;
    this.origin = `${conn.handshake.clientType}.${conn.handshake.hostId}`;
  }

  /** True once the session applied a graph message (only authors delete their origin on disconnect). */
  get author(): boolean {
    return this.#author;
  }

  /** Handles one message; throws an AppError for the error reply. */
  async onMessage(env: Envelope): Promise<void> {
    if (this.#closed) return;
    if (env.Namespace !== GRAPH_NAMESPACE) throw unknownType(env);
    const obj = env.Obj;
    switch (env.Type) {
      case 'NodeAdded':
      case 'EdgeAdded':
        return this.#add(env.Type === 'NodeAdded' ? 'node' : 'edge', obj);
      case 'NodeUpdated':
      case 'EdgeUpdated':
        return this.#update(env.Type === 'NodeUpdated' ? 'node' : 'edge', obj);
      case 'NodeDeleted':
      case 'EdgeDeleted':
        return this.#delete(env.Type === 'NodeDeleted' ? 'node' : 'edge', obj);
      case 'NodePartiallyUpdated':
      case 'EdgePartiallyUpdated':
        return this.#partial(env.Type === 'NodePartiallyUpdated' ? 'node' : 'edge', obj);
      case 'Sync':
        return this.#sync(obj);
      case 'SyncRequest': {
        const g = this.#deps.graph;
        this.conn.send(syncReplyMessage([...g.nodes()], [...g.edges()], env.UUID));
        return;
      }
      default:
        throw unknownType(env);
    }
  }

  /** Marks the session closed: queued messages are skipped and a running Sync stops. */
  close(): void {
    this.#closed = true;
  }

  #defaults(): ElementDefaults {
    return { now: this.#deps.clock.now(), host: this.conn.handshake.hostId, origin: this.origin, forceOrigin: this.origin };
  }

  #get(kind: Kind, id: string): Node | Edge | undefined {
    return kind === 'node' ? this.#deps.graph.getNode(id) : this.#deps.graph.getEdge(id);
  }

  #notFound(kind: Kind, id: string): never {
    throw graphError(kind === 'node' ? GraphErrors.NODE_NOT_FOUND : GraphErrors.EDGE_NOT_FOUND, `${kind} ${id} not found`, { id });
  }

  #add(kind: Kind, obj: unknown): void {
    const v = this.#deps.validators;
    checkSchema(kind === 'node' ? v.node : v.edge, obj, kind);
    this.#author = true;
    const g = this.#deps.graph;
    if (kind === 'node') {
      const input = nodeInput(obj, this.#defaults());
      if (g.getNode(input.ID as string) === undefined) g.addNode(input);
    } else {
      const input = edgeInput(obj, this.#defaults());
      if (g.getEdge(input.ID as string) === undefined) g.addEdge(input);
    }
  }

  #update(kind: Kind, obj: unknown): void {
    const v = this.#deps.validators;
    checkSchema(kind === 'node' ? v.node : v.edge, obj, kind);
    this.#author = true;
    const body = obj as { ID: string; Metadata: Node['Metadata']; UpdatedAt?: number | null; Revision?: number | null; Parent?: string; Child?: string };
    const g = this.#deps.graph;
    checkMetadataDepth(body.Metadata, body.ID);
    const current = this.#get(kind, body.ID) ?? this.#notFound(kind, body.ID);
    if (kind === 'edge' && ((current as Edge).Parent !== body.Parent || (current as Edge).Child !== body.Child)) {
      throw analyzerError(AnalyzerErrors.VALIDATION_ERROR, `edge ${body.ID}: Parent and Child cannot change`, { id: body.ID });
    }
    const at = typeof body.UpdatedAt === 'number' ? Math.trunc(body.UpdatedAt) : undefined;
    if (typeof body.Revision !== 'number') {
      if (kind === 'node') g.updateNode(body.ID, { replace: { ...body.Metadata } }, at);
      else g.updateEdge(body.ID, { replace: { ...body.Metadata } }, at);
      return;
    }
    if (body.Revision <= current.Revision) return;
    const next = { ...current, Metadata: { ...body.Metadata }, UpdatedAt: at ?? this.#deps.clock.now(), Revision: body.Revision };
    const ops: MetadataOp[] = diffOps(current.Metadata, next.Metadata);
    if (kind === 'node') g.apply({ type: 'nodeUpdated', node: next, ops });
    else g.apply({ type: 'edgeUpdated', edge: next as Edge, ops });
  }

  #delete(kind: Kind, obj: unknown): void {
    checkSchema(this.#deps.validators.deleted, obj, kind);
    this.#author = true;
    const body = obj as { ID: string; DeletedAt?: number | null };
    if (this.#get(kind, body.ID) === undefined) return;
    const at = typeof body.DeletedAt === 'number' ? Math.trunc(body.DeletedAt) : undefined;
    if (kind === 'node') this.#deps.graph.deleteNode(body.ID, at);
    else this.#deps.graph.deleteEdge(body.ID, at);
  }

  #partial(kind: Kind, obj: unknown): void {
    checkSchema(this.#deps.validators.partial, obj, `partial ${kind} update`);
    this.#author = true;
    const body = obj as { ID: string; UpdatedAt?: number | null; Revision?: number | null; Ops?: MetadataOp[] | null };
    checkMetadataDepth(body.Ops, body.ID);
    const current = this.#get(kind, body.ID) ?? this.#notFound(kind, body.ID);
    this.#deps.graph.apply({
      type: kind === 'node' ? 'nodePartiallyUpdated' : 'edgePartiallyUpdated',
      ID: body.ID,
      UpdatedAt: typeof body.UpdatedAt === 'number' ? Math.trunc(body.UpdatedAt) : this.#deps.clock.now(),
      Revision: typeof body.Revision === 'number' ? body.Revision : current.Revision + 1,
      Ops: body.Ops ?? [],
    });
  }

  async #sync(obj: unknown): Promise<void> {
    const v = this.#deps.validators;
    checkSchema(v.sync, obj, 'Sync');
    this.#author = true;
    const outcome = await applySync(obj as { Nodes?: unknown[] | null; Edges?: unknown[] | null }, {
      graph: this.#deps.graph, origin: this.origin, defaults: () => this.#defaults(),
      validateNode: v.node, validateEdge: v.edge, batch: this.#deps.syncBatch, aborted: () => this.#closed,
    });
    if (outcome.skipped > 0) {
      throw analyzerError(AnalyzerErrors.VALIDATION_ERROR, `Sync applied, but ${outcome.skipped} element(s) were skipped`, {
        skipped: outcome.skipped, problems: outcome.problems,
      });
    }
  }
}

function unknownType(env: Envelope): Error {
  return analyzerError(AnalyzerErrors.WS_UNKNOWN_TYPE, `unknown message ${env.Namespace}/${env.Type}`, {
    namespace: env.Namespace, type: env.Type,
  });
}
