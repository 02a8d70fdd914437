// The in-memory, event-sourced graph: commands make new immutable revisions and emit one event each;
// apply() replays events from elsewhere idempotently. Indexes and adjacency are maintained live.
import { type Clock, systemClock } from '@topoflow/common';
import type { ApplyResult, GraphEventOf, GraphEventType, GraphListener, PartialUpdate, ReplicatedEvent } from '../events.js';
import { GraphErrors, graphError } from '../errors.js';
import { randomId } from '../ids.js';
import { applyOps, diffOps } from '../metadata/ops.js';
import type { Edge, Element, Metadata, MetadataOp, Node, TopologyJson } from '../model.js';
import { OP_DELETE, OP_SET } from '../model.js';
import type { Graph } from '../graph.js';
import { type EmitterStats, GraphEmitter } from './emitter.js';
import { ValueIndex } from './value-index.js';
import { revise, reviseEdge, reviseNode } from './revisions.js';
import { type EdgeInput, type MemoryGraphConfig, type MemoryGraphDeps, type MetadataChange, type NodeInput, defaultMemoryGraphConfig } from './settings.js';

interface NodeSlot {
  node: Node;
  out: string[] | undefined;
  in: string[] | undefined;
}

const ORIGIN = '@Origin';
const EMPTY: readonly Edge[] = [];

function removeItem(list: string[] | undefined, id: string): void {
  if (list === undefined) return;
  const i = list.lastIndexOf(id);
  if (i < 0) return;
  list[i] = list[list.length - 1] as string;
  list.pop();
}

/** The memory graph. All mutations go through it; listeners get one event per mutation, in order. */
export class MemoryGraph implements Graph {
  readonly config: MemoryGraphConfig;
  readonly #clock: Clock;
  readonly #nodes = new Map<string, NodeSlot>();
  readonly #edges = new Map<string, Edge>();
  readonly #nodeIndexes = new Map<string, ValueIndex>();
  readonly #edgeIndexes = new Map<string, ValueIndex>();
  /** The same indexes as arrays, for the hot loops. */
  readonly #nodeIndexList: ValueIndex[];
  readonly #edgeIndexList: ValueIndex[];
  readonly #emitter: GraphEmitter;
  #revision = 0;

  constructor(config: Partial<MemoryGraphConfig> = {}, deps: MemoryGraphDeps = {}) {
    this.config = { ...defaultMemoryGraphConfig(), ...config };
    this.#clock = deps.clock ?? systemClock;
    for (const f of new Set([...this.config.nodeIndexes, ORIGIN])) this.#nodeIndexes.set(f, new ValueIndex(f));
    for (const f of new Set([...this.config.edgeIndexes, ORIGIN])) this.#edgeIndexes.set(f, new ValueIndex(f));
    this.#nodeIndexList = [...this.#nodeIndexes.values()];
    this.#edgeIndexList = [...this.#edgeIndexes.values()];
    this.#emitter = new GraphEmitter(this.config.maxPendingEvents, deps.onListenerError);
  }

  // ---- listening

  /** Listens to every event; returns the unsubscribe function. */
  onAny(listener: GraphListener): () => void {
    return this.#emitter.onAny(listener);
  }

  /** Listens to one event type; returns the unsubscribe function. */
  on<T extends GraphEventType>(type: T, listener: (event: GraphEventOf<T>) => void): () => void {
    return this.#emitter.on(type, listener);
  }

  /** Delivery problem counters (listener errors, dropped events). */
  get emitterStats(): Readonly<EmitterStats> {
    return this.#emitter.stats;
  }

  /** Number of mutations applied so far; changes whenever the graph does. */
  get revision(): number {
    return this.#revision;
  }

  // ---- reads (GraphView)

  get nodeCount(): number {
    return this.#nodes.size;
  }

  get edgeCount(): number {
    return this.#edges.size;
  }

  getNode(id: string): Node | undefined {
    return this.#nodes.get(id)?.node;
  }

  getEdge(id: string): Edge | undefined {
    return this.#edges.get(id);
  }

  *nodes(): IterableIterator<Node> {
    for (const s of this.#nodes.values()) yield s.node;
  }

  edges(): IterableIterator<Edge> {
    return this.#edges.values();
  }

  outEdges(nodeId: string): readonly Edge[] {
    return this.#edgeList(this.#nodes.get(nodeId)?.out);
  }

  inEdges(nodeId: string): readonly Edge[] {
    return this.#edgeList(this.#nodes.get(nodeId)?.in);
  }

  lookupNodes(field: string, value: unknown): Node[] | undefined {
    const idx = this.#nodeIndexes.get(field);
    if (idx === undefined) return undefined;
    return idx.lookup(value).map((id) => (this.#nodes.get(id) as NodeSlot).node);
  }

  lookupEdges(field: string, value: unknown): Edge[] | undefined {
    const idx = this.#edgeIndexes.get(field);
    if (idx === undefined) return undefined;
    return idx.lookup(value).map((id) => this.#edges.get(id) as Edge);
  }

  /** The whole graph in Skydive's JSON shape. */
  toJSON(): TopologyJson {
    return { Nodes: [...this.nodes()], Edges: [...this.#edges.values()] };
  }

  // ---- commands

  /** Creates a node at revision 1 (unless given); fails with GRAPH_CONFLICT when the ID exists. */
  addNode(input: NodeInput): Node {
    const node: Node = this.#makeElement(input);
    if (this.#nodes.has(node.ID)) throw graphError(GraphErrors.CONFLICT, `node ${node.ID} already exists`, { id: node.ID });
    this.#insertNode(node);
    return node;
  }

  /** Creates an edge; its parent and child must exist. */
  addEdge(input: EdgeInput): Edge {
    const edge = this.#makeElement(input, input.Parent, input.Child) as Edge;
    if (this.#edges.has(edge.ID)) throw graphError(GraphErrors.CONFLICT, `edge ${edge.ID} already exists`, { id: edge.ID });
    this.#checkEndpoints(edge);
    this.#insertEdge(edge);
    return edge;
  }

  /** Changes a node's metadata; returns the new revision, or undefined when nothing changed. */
  updateNode(id: string, change: MetadataChange, at?: number): Node | undefined {
    const slot = this.#nodes.get(id);
    if (slot === undefined) throw graphError(GraphErrors.NODE_NOT_FOUND, `node ${id} not found`, { id });
    const r = this.#changed(slot.node, change);
    if (r === undefined) return undefined;
    const node = reviseNode(slot.node, { Metadata: r.metadata, UpdatedAt: at ?? this.#clock.now(), Revision: slot.node.Revision + 1 });
    this.#replaceNode(slot, node, r.ops);
    return node;
  }

  /** Changes an edge's metadata; returns the new revision, or undefined when nothing changed. */
  updateEdge(id: string, change: MetadataChange, at?: number): Edge | undefined {
    const before = this.#edges.get(id);
    if (before === undefined) throw graphError(GraphErrors.EDGE_NOT_FOUND, `edge ${id} not found`, { id });
    const r = this.#changed(before, change);
    if (r === undefined) return undefined;
    const edge = reviseEdge(before, { Metadata: r.metadata, UpdatedAt: at ?? this.#clock.now(), Revision: before.Revision + 1 });
    this.#replaceEdge(before, edge, r.ops);
    return edge;
  }

  /** Deletes a node and every edge attached to it (edges first). */
  deleteNode(id: string, at?: number): Node {
    const slot = this.#nodes.get(id);
    if (slot === undefined) throw graphError(GraphErrors.NODE_NOT_FOUND, `node ${id} not found`, { id });
    return this.#removeNode(slot, at ?? this.#clock.now());
  }

  /** Deletes an edge. */
  deleteEdge(id: string, at?: number): Edge {
    const edge = this.#edges.get(id);
    if (edge === undefined) throw graphError(GraphErrors.EDGE_NOT_FOUND, `edge ${id} not found`, { id });
    return this.#removeEdge(edge, at ?? this.#clock.now());
  }

  /** Deletes every node and edge of an origin (edges of the origin attached to foreign nodes too). */
  deleteOrigin(origin: string, at?: number): { nodes: number; edges: number } {
    const t = at ?? this.#clock.now();
    let edges = 0;
    for (const id of (this.#edgeIndexes.get(ORIGIN) as ValueIndex).lookup(origin)) {
      const e = this.#edges.get(id);
      if (e !== undefined) {
        this.#removeEdge(e, t);
        edges++;
      }
    }
    const nodeIds = (this.#nodeIndexes.get(ORIGIN) as ValueIndex).lookup(origin);
    for (const id of nodeIds) {
      const slot = this.#nodes.get(id);
      if (slot !== undefined) {
        edges += (slot.out?.length ?? 0) + (slot.in?.length ?? 0);
        this.#removeNode(slot, t);
      }
    }
    return { nodes: nodeIds.length, edges };
  }

  /** Removes everything, emitting deletions. */
  clear(at?: number): void {
    const t = at ?? this.#clock.now();
    for (const e of [...this.#edges.values()]) this.#removeEdge(e, t);
    for (const s of [...this.#nodes.values()]) this.#removeNode(s, t);
  }

  // ---- replication

  /**
   * Applies an event made elsewhere. Stale or duplicate events are ignored, so applying twice is harmless.
   * The ops of an update whose revision directly follows the current one are trusted to describe the change
   * (they drive index maintenance and listeners); other updates are diffed.
   */
  apply(event: ReplicatedEvent): ApplyResult {
    switch (event.type) {
      case 'nodeAdded':
      case 'nodeUpdated': {
        const n = event.node;
        const slot = this.#nodes.get(n.ID);
        if (slot === undefined) {
          if (event.type === 'nodeUpdated') return 'ignored';
          this.#insertNode(n);
          return 'applied';
        }
        if (n.Revision <= slot.node.Revision) return 'ignored';
        const ops = event.type === 'nodeUpdated' && n.Revision === slot.node.Revision + 1 ? event.ops : diffOps(slot.node.Metadata, n.Metadata);
        this.#replaceNode(slot, n, ops);
        return 'applied';
      }
      case 'edgeAdded':
      case 'edgeUpdated': {
        const e = event.edge;
        const before = this.#edges.get(e.ID);
        if (before === undefined) {
          if (event.type === 'edgeUpdated' || !this.#nodes.has(e.Parent) || !this.#nodes.has(e.Child)) return 'ignored';
          this.#insertEdge(e);
          return 'applied';
        }
        if (e.Revision <= before.Revision || e.Parent !== before.Parent || e.Child !== before.Child) return 'ignored';
        const ops = event.type === 'edgeUpdated' && e.Revision === before.Revision + 1 ? event.ops : diffOps(before.Metadata, e.Metadata);
        this.#replaceEdge(before, e, ops);
        return 'applied';
      }
      case 'nodeDeleted': {
        const slot = this.#nodes.get(event.node.ID);
        if (slot === undefined) return 'ignored';
        this.#removeNode(slot, event.node.DeletedAt ?? this.#clock.now());
        return 'applied';
      }
      case 'edgeDeleted': {
        const e = this.#edges.get(event.edge.ID);
        if (e === undefined) return 'ignored';
        this.#removeEdge(e, event.edge.DeletedAt ?? this.#clock.now());
        return 'applied';
      }
      case 'nodePartiallyUpdated':
      case 'edgePartiallyUpdated':
        return this.#applyPartial(event);
    }
  }

  #applyPartial(p: PartialUpdate): ApplyResult {
    const isNode = p.type === 'nodePartiallyUpdated';
    const before: Element | undefined = isNode ? this.#nodes.get(p.ID)?.node : this.#edges.get(p.ID);
    if (before === undefined || p.Revision <= before.Revision) return 'ignored';
    const { metadata, applied } = applyOps(before.Metadata, p.Ops);
    const after = revise(before, { Metadata: metadata, UpdatedAt: p.UpdatedAt, Revision: p.Revision });
    if (isNode) this.#replaceNode(this.#nodes.get(p.ID) as NodeSlot, after, applied);
    else this.#replaceEdge(before as Edge, after as Edge, applied);
    return 'applied';
  }

  // ---- internals

  /** A new element record; edges get Parent and Child in the same literal so all edges share one shape. */
  #makeElement(input: NodeInput, parent?: string, child?: string): Node | Edge {
    const now = this.#clock.now();
    const created = input.CreatedAt ?? input.UpdatedAt ?? now;
    const id = input.ID ?? randomId();
    const metadata = input.Metadata ?? {};
    const host = input.Host ?? this.config.host;
    const origin = input.Origin ?? this.config.origin;
    const updated = input.UpdatedAt ?? created;
    const revision = input.Revision ?? 1;
    if (parent === undefined || child === undefined) {
      return { ID: id, Metadata: metadata, Host: host, Origin: origin, CreatedAt: created, UpdatedAt: updated, DeletedAt: null, Revision: revision };
    }
    return {
      ID: id, Metadata: metadata, Host: host, Origin: origin, CreatedAt: created, UpdatedAt: updated, DeletedAt: null, Revision: revision,
      Parent: parent, Child: child,
    };
  }

  #checkEndpoints(edge: Edge): void {
    for (const end of [edge.Parent, edge.Child]) {
      if (!this.#nodes.has(end)) {
        throw graphError(GraphErrors.ENDPOINT_NOT_FOUND, `edge ${edge.ID}: node ${end} not found`, { id: edge.ID, node: end });
      }
    }
  }

  #changed(e: Element, change: MetadataChange): { metadata: Readonly<Metadata>; ops: MetadataOp[] } | undefined {
    if (change.replace !== undefined) {
      const ops = diffOps(e.Metadata, change.replace);
      return ops.length === 0 ? undefined : { metadata: change.replace, ops };
    }
    const ops: MetadataOp[] = [...(change.ops ?? [])];
    for (const [k, v] of Object.entries(change.set ?? {})) ops.push({ Type: OP_SET, Key: k, Value: v });
    for (const k of change.delete ?? []) ops.push({ Type: OP_DELETE, Key: k });
    const { metadata, applied } = applyOps(e.Metadata, ops);
    return applied.length === 0 ? undefined : { metadata, ops: applied };
  }

  #edgeList(ids: string[] | undefined): readonly Edge[] {
    if (ids === undefined || ids.length === 0) return EMPTY;
    const out = new Array<Edge>(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = this.#edges.get(ids[i] as string) as Edge;
    return out;
  }

  #insertNode(node: Node): void {
    this.#nodes.set(node.ID, { node, out: undefined, in: undefined });
    for (const idx of this.#nodeIndexList) idx.add(node);
    this.#revision++;
    this.#emitter.emit({ type: 'nodeAdded', node });
  }

  #insertEdge(edge: Edge): void {
    this.#edges.set(edge.ID, edge);
    const p = this.#nodes.get(edge.Parent) as NodeSlot;
    const c = this.#nodes.get(edge.Child) as NodeSlot;
    (p.out ??= []).push(edge.ID);
    (c.in ??= []).push(edge.ID);
    for (const idx of this.#edgeIndexList) idx.add(edge);
    this.#revision++;
    this.#emitter.emit({ type: 'edgeAdded', edge });
  }

  #replaceNode(slot: NodeSlot, node: Node, ops: readonly MetadataOp[]): void {
    const sameRecord = slot.node.Host === node.Host && slot.node.Origin === node.Origin;
    for (const idx of this.#nodeIndexList) if (!sameRecord || idx.affectedBy(ops)) idx.update(slot.node, node);
    slot.node = node;
    this.#revision++;
    if (ops.length > 0) this.#emitter.emit({ type: 'nodeUpdated', node, ops });
  }

  #replaceEdge(before: Edge, edge: Edge, ops: readonly MetadataOp[]): void {
    const sameRecord = before.Host === edge.Host && before.Origin === edge.Origin;
    for (const idx of this.#edgeIndexList) if (!sameRecord || idx.affectedBy(ops)) idx.update(before, edge);
    this.#edges.set(edge.ID, edge);
    this.#revision++;
    if (ops.length > 0) this.#emitter.emit({ type: 'edgeUpdated', edge, ops });
  }

  #removeEdge(edge: Edge, at: number): Edge {
    this.#edges.delete(edge.ID);
    removeItem(this.#nodes.get(edge.Parent)?.out, edge.ID);
    removeItem(this.#nodes.get(edge.Child)?.in, edge.ID);
    for (const idx of this.#edgeIndexList) idx.remove(edge);
    const deleted = reviseEdge(edge, { DeletedAt: at });
    this.#revision++;
    this.#emitter.emit({ type: 'edgeDeleted', edge: deleted });
    return deleted;
  }

  #removeNode(slot: NodeSlot, at: number): Node {
    for (const list of [slot.out, slot.in]) {
      while (list !== undefined && list.length > 0) this.#removeEdge(this.#edges.get(list[list.length - 1] as string) as Edge, at);
    }
    const node = slot.node;
    this.#nodes.delete(node.ID);
    for (const idx of this.#nodeIndexList) idx.remove(node);
    const deleted = reviseNode(node, { DeletedAt: at });
    this.#revision++;
    this.#emitter.emit({ type: 'nodeDeleted', node: deleted });
    return deleted;
  }
}
