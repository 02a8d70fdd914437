// An agent's Sync applied as a diff against what the analyzer holds for its origin: unchanged elements keep
// their revision (no event, no history entry), newer ones are updated, stale ones deleted, and an element whose
// revision went backwards (the agent restarted) is deleted and re-created. Batches yield to the event loop.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { type Edge, type Element, type MemoryGraph, type Node, deepEqual } from '@topoflow/graph';

/** What a Sync did, per element. */
export interface AgentSyncOutcome {
  added: number;
  updated: number;
  replaced: number;
  unchanged: number;
  deleted: number;
  /** Edges whose parent or child is not in the graph. */
  ignored: number;
}

/** How a Sync is applied. */
export interface AgentSyncOptions {
  graph: MemoryGraph;
  origin: string;
  /** Elements handled between two yields to the event loop. */
  batch: number;
  /** True once the connection is gone: the Sync stops. */
  aborted(): boolean;
}

function same(a: Element, b: Element): boolean {
  return a.Revision === b.Revision && a.UpdatedAt === b.UpdatedAt && a.CreatedAt === b.CreatedAt && a.Host === b.Host
    && a.Origin === b.Origin && deepEqual(a.Metadata, b.Metadata);
}

/** Makes the origin's subgraph equal to `nodes` and `edges`. */
export async function applyAgentSync(nodes: readonly Node[], edges: readonly Edge[], o: AgentSyncOptions): Promise<AgentSyncOutcome> {
  const out: AgentSyncOutcome = { added: 0, updated: 0, replaced: 0, unchanged: 0, deleted: 0, ignored: 0 };
  const g = o.graph;
  let done = 0;
  const tick = async (): Promise<boolean> => {
    if (++done % o.batch === 0) await yieldToLoop();
    return o.aborted();
  };
  const nodeIds = new Set(nodes.map((n) => n.ID));
  const edgeIds = new Set(edges.map((e) => e.ID));
  for (const e of g.lookupEdges('@Origin', o.origin) ?? []) {
    if (edgeIds.has(e.ID) || g.getEdge(e.ID) === undefined) continue;
    g.deleteEdge(e.ID);
    out.deleted++;
    if (await tick()) return out;
  }
  for (const n of g.lookupNodes('@Origin', o.origin) ?? []) {
    if (nodeIds.has(n.ID) || g.getNode(n.ID) === undefined) continue;
    g.deleteNode(n.ID);
    out.deleted++;
    if (await tick()) return out;
  }
  for (const n of nodes) {
    const cur = g.getNode(n.ID);
    if (cur === undefined) {
      g.apply({ type: 'nodeAdded', node: n });
      out.added++;
    } else if (same(cur, n)) {
      out.unchanged++;
    } else if (n.Revision > cur.Revision) {
      g.apply({ type: 'nodeAdded', node: n });
      out.updated++;
    } else {
      g.deleteNode(n.ID);
      g.apply({ type: 'nodeAdded', node: n });
      out.replaced++;
    }
    if (await tick()) return out;
  }
  for (const e of edges) {
    const cur = g.getEdge(e.ID);
    if (cur === undefined) {
      if (g.apply({ type: 'edgeAdded', edge: e }) === 'applied') out.added++;
      else out.ignored++;
    } else if (same(cur, e)) {
      out.unchanged++;
    } else if (e.Revision > cur.Revision && e.Parent === cur.Parent && e.Child === cur.Child) {
      g.apply({ type: 'edgeAdded', edge: e });
      out.updated++;
    } else {
      g.deleteEdge(e.ID);
      if (g.apply({ type: 'edgeAdded', edge: e }) === 'applied') out.replaced++;
      else out.ignored++;
    }
    if (await tick()) return out;
  }
  return out;
}
