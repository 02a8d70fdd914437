// What the analyzer takes back from history at start: elements of publishers and of the node/edge API return to
// the live graph; agent and analyzer elements are closed in history (agents resync theirs, which reopens the
// same revisions). An edge whose endpoint belongs to an agent waits for that node to come back.
import type { Edge, GraphEvent, MemoryGraph, Node } from '@topoflow/graph';
import type { HistorySnapshot } from '@topoflow/graph/history';

/** True for elements the analyzer restores itself (not agents', not its own probes'). */
export function isRestorable(e: Node): boolean {
  return !e.Origin.startsWith('agent.') && !e.Origin.startsWith('analyzer.');
}

/** The outcome of planning a restore. */
export interface RestorePlan {
  nodes: Node[];
  /** Edges whose endpoints are both live or restored. */
  edges: Edge[];
  /** Restorable edges waiting for an endpoint. */
  waiting: Edge[];
  /** Delete events closing, in history, the live stored elements nobody restores. */
  retire: GraphEvent[];
}

/** Splits the live stored elements into what to restore, what waits, and what to close at `now`. */
export function planRestore(live: HistorySnapshot, graph: MemoryGraph, now: number): RestorePlan {
  const plan: RestorePlan = { nodes: [], edges: [], waiting: [], retire: [] };
  const restored = new Set<string>();
  for (const n of live.nodes) {
    if (graph.getNode(n.ID) !== undefined) continue;
    if (isRestorable(n)) {
      plan.nodes.push(n);
      restored.add(n.ID);
    } else {
      plan.retire.push({ type: 'nodeDeleted', node: { ...n, DeletedAt: now } });
    }
  }
  const present = (id: string) => restored.has(id) || graph.getNode(id) !== undefined;
  for (const e of live.edges) {
    if (graph.getEdge(e.ID) !== undefined) continue;
    if (!isRestorable(e)) plan.retire.push({ type: 'edgeDeleted', edge: { ...e, DeletedAt: now } });
    else if (present(e.Parent) && present(e.Child)) plan.edges.push(e);
    else plan.waiting.push(e);
  }
  return plan;
}

/** Restored edges waiting for endpoints; each is added when both ends exist, or given up after a grace time. */
export class WaitingEdges {
  readonly #byNode = new Map<string, Set<Edge>>();
  #count = 0;

  /** Edges still waiting. */
  get size(): number {
    return this.#count;
  }

  /** Registers edges that wait. */
  add(edges: readonly Edge[]): void {
    for (const e of edges) {
      this.#count++;
      for (const id of [e.Parent, e.Child]) {
        const set = this.#byNode.get(id) ?? new Set<Edge>();
        set.add(e);
        this.#byNode.set(id, set);
      }
    }
  }

  /** Edges that `nodeId` appearing makes complete in `graph`; they stop waiting. */
  ready(nodeId: string, graph: MemoryGraph): Edge[] {
    const set = this.#byNode.get(nodeId);
    if (set === undefined) return [];
    const out: Edge[] = [];
    for (const e of set) {
      if (graph.getNode(e.Parent) !== undefined && graph.getNode(e.Child) !== undefined) out.push(e);
    }
    for (const e of out) this.#forget(e);
    return out;
  }

  /** Gives up on every waiting edge and returns them. */
  drain(): Edge[] {
    const all = new Set<Edge>();
    for (const set of this.#byNode.values()) for (const e of set) all.add(e);
    this.#byNode.clear();
    this.#count = 0;
    return [...all];
  }

  #forget(e: Edge): void {
    this.#count--;
    for (const id of [e.Parent, e.Child]) {
      const set = this.#byNode.get(id);
      set?.delete(e);
      if (set?.size === 0) this.#byNode.delete(id);
    }
  }
}
