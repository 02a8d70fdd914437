// A read-only GraphView over revisions read from history. In a window the same element may appear once per
// revision (reference §2.7); lookups by ID answer the newest of them, neighbourhoods list every edge revision.
import type { Edge, Node } from '../model.js';
import type { GraphView } from '../view.js';
import type { HistorySnapshot } from './store.js';

const EMPTY: readonly Edge[] = [];

/** The graph of a history read, for Gremlin. */
export class SnapshotView implements GraphView {
  readonly #nodes: readonly Node[];
  readonly #edges: readonly Edge[];
  readonly #nodeById = new Map<string, Node>();
  readonly #edgeById = new Map<string, Edge>();
  #out: Map<string, Edge[]> | undefined;
  #in: Map<string, Edge[]> | undefined;

  constructor(snapshot: HistorySnapshot) {
    this.#nodes = snapshot.nodes;
    this.#edges = snapshot.edges;
    for (const n of snapshot.nodes) newest(this.#nodeById, n);
    for (const e of snapshot.edges) newest(this.#edgeById, e);
  }

  get nodeCount(): number {
    return this.#nodes.length;
  }

  get edgeCount(): number {
    return this.#edges.length;
  }

  getNode(id: string): Node | undefined {
    return this.#nodeById.get(id);
  }

  getEdge(id: string): Edge | undefined {
    return this.#edgeById.get(id);
  }

  nodes(): Iterable<Node> {
    return this.#nodes;
  }

  edges(): Iterable<Edge> {
    return this.#edges;
  }

  outEdges(nodeId: string): Iterable<Edge> {
    this.#out ??= groupBy(this.#edges, (e) => e.Parent);
    return this.#out.get(nodeId) ?? EMPTY;
  }

  inEdges(nodeId: string): Iterable<Edge> {
    this.#in ??= groupBy(this.#edges, (e) => e.Child);
    return this.#in.get(nodeId) ?? EMPTY;
  }

  lookupNodes(): Node[] | undefined {
    return undefined;
  }

  lookupEdges(): Edge[] | undefined {
    return undefined;
  }
}

function newest<E extends Node>(map: Map<string, E>, e: E): void {
  const seen = map.get(e.ID);
  if (seen === undefined || seen.UpdatedAt <= e.UpdatedAt) map.set(e.ID, e);
}

function groupBy(edges: readonly Edge[], key: (e: Edge) => string): Map<string, Edge[]> {
  const m = new Map<string, Edge[]>();
  for (const e of edges) {
    const k = key(e);
    const list = m.get(k);
    if (list === undefined) m.set(k, [e]);
    else list.push(e);
  }
  return m;
}
