// Keeps the TID metadata key of every node of the agent's graph up to date: set when a node appears or gains an
// ownership parent, recomputed for what it owns, removed when its ownership edge goes. Runs after the event
// that caused it (never inside another listener's delivery), as one metadata update per node.
import type { Component, ComponentReporter } from '@topoflow/common';
import type { Graph, GraphEvent } from '@topoflow/graph';
import { computeTid } from './tid.js';

/** What the mapper needs. */
export interface TidMapperDeps {
  graph: Graph;
  /** Name of the agent's host node (its host ID). */
  hostName: string;
  reporter: ComponentReporter;
}

/** The TID mapper component. */
export class TidMapper implements Component {
  readonly #deps: TidMapperDeps;
  readonly #dirty = new Set<string>();
  readonly #cleared = new Set<string>();
  #unlisten: (() => void) | undefined;
  #scheduled = false;
  readonly #errors;

  constructor(deps: TidMapperDeps) {
    this.#deps = deps;
    this.#errors = deps.reporter.counter('errors_total', 'TID updates that failed');
  }

  /** Listens to the graph and maps the nodes already there. */
  async start(): Promise<void> {
    if (this.#unlisten !== undefined) return;
    this.#unlisten = this.#deps.graph.onAny((e) => this.#onEvent(e));
    for (const n of this.#deps.graph.nodes()) this.#dirty.add(n.ID);
    this.#flush();
  }

  /** Stops listening. Idempotent. */
  async stop(): Promise<void> {
    this.#unlisten?.();
    this.#unlisten = undefined;
    this.#dirty.clear();
    this.#cleared.clear();
  }

  #onEvent(e: GraphEvent): void {
    switch (e.type) {
      case 'nodeAdded':
        this.#mark(e.node.ID);
        break;
      case 'nodeUpdated':
        if (e.ops.some((op) => op.Key === 'Name' || op.Key === 'Type' || op.Key === 'Path' || op.Key === 'UUID')) this.#mark(e.node.ID);
        break;
      case 'edgeAdded':
        if (e.edge.Metadata.RelationType === 'ownership') this.#mark(e.edge.Child);
        break;
      case 'edgeDeleted':
        if (e.edge.Metadata.RelationType === 'ownership') {
          this.#cleared.add(e.edge.Child);
          this.#mark(e.edge.Child);
        }
        break;
      default:
        return;
    }
  }

  #mark(id: string): void {
    this.#dirty.add(id);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  /** Updates every dirty node, then the nodes it owns (their TID depends on it). */
  #flush(): void {
    const g = this.#deps.graph;
    const queue = [...this.#dirty];
    this.#dirty.clear();
    // A node may be visited again when its parent's TID changes after it was computed; the bound stops an
    // ownership cycle from looping.
    const visits = new Map<string, number>();
    while (queue.length > 0) {
      const id = queue.pop() as string;
      const n = visits.get(id) ?? 0;
      if (n >= 3) continue;
      visits.set(id, n + 1);
      const node = g.getNode(id);
      if (node === undefined) continue;
      const tid = computeTid(g, node, this.#deps.hostName);
      const changed = tid === undefined
        ? (this.#cleared.has(id) && node.Metadata.TID !== undefined ? g.updateNode(id, { delete: ['TID'] }) : undefined)
        : node.Metadata.TID !== tid ? this.#safeSet(id, tid) : undefined;
      this.#cleared.delete(id);
      if (changed === undefined) continue;
      for (const e of g.outEdges(id)) if (e.Metadata.RelationType === 'ownership') queue.push(e.Child);
    }
  }

  #safeSet(id: string, tid: string): unknown {
    try {
      return this.#deps.graph.updateNode(id, { set: { TID: tid } });
    } catch (err) {
      this.#errors.inc();
      this.#deps.reporter.logger.warn({ err, id }, 'tid update failed');
      return undefined;
    }
  }
}
