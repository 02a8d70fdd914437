// The sub-graph a filtered subscriber holds, and the messages that keep the client's copy equal to it:
// per event for per-element filters, or by diffing a re-run result by ID. Adds go nodes first, deletes edges
// first, so a client never sees an edge whose end it does not have.
import type { Edge, GraphView, MemoryGraph, MetadataOp, Node } from '@topoflow/graph';
import type { ElementFilter } from '@topoflow/gremlin';
import type { UpdatePolicy } from '../ws/handshake.js';
import { type EventMessages, elementMessage, updateMessage } from './messages.js';

/** An update waiting for the next re-run, merged per element (latest element, ops concatenated). */
export interface PendingUpdate {
  kind: 'node' | 'edge';
  element: Node | Edge;
  ops: MetadataOp[];
}

/** Sends one message to the subscriber. */
export type Send = (text: string) => void;

/** Node and edge maps of the subscriber's current sub-graph. */
export class SubGraph {
  nodes = new Map<string, Node>();
  edges = new Map<string, Edge>();

  /** Replaces the content (after a SyncReply). */
  reset(nodes: Map<string, Node>, edges: Map<string, Edge>): void {
    this.nodes = nodes;
    this.edges = edges;
  }

  /** Applies one event under a per-element filter, sending the resulting adds, deletes and updates. */
  applyEvent(m: EventMessages, f: ElementFilter, graph: MemoryGraph, policy: UpdatePolicy, send: Send): void {
    const ev = m.event;
    switch (ev.type) {
      case 'nodeAdded':
        if (f.node(ev.node)) {
          this.nodes.set(ev.node.ID, ev.node);
          send(m.full());
        }
        return;
      case 'nodeUpdated': {
        const n = ev.node;
        const was = this.nodes.has(n.ID);
        const is = f.node(n);
        if (was && is) {
          this.nodes.set(n.ID, n);
          send(m.forPolicy(policy));
        } else if (is) {
          this.nodes.set(n.ID, n);
          send(elementMessage('NodeAdded', n));
          for (const e of [...graph.outEdges(n.ID), ...graph.inEdges(n.ID)]) {
            if (!this.edges.has(e.ID) && this.nodes.has(e.Parent) && this.nodes.has(e.Child) && f.edge(e)) {
              this.edges.set(e.ID, e);
              send(elementMessage('EdgeAdded', e));
            }
          }
        } else if (was) {
          for (const e of [...graph.outEdges(n.ID), ...graph.inEdges(n.ID)]) {
            if (this.edges.delete(e.ID)) send(elementMessage('EdgeDeleted', e));
          }
          this.nodes.delete(n.ID);
          send(elementMessage('NodeDeleted', n));
        }
        return;
      }
      case 'nodeDeleted':
        if (this.nodes.delete(ev.node.ID)) send(m.full());
        return;
      case 'edgeAdded': {
        const e = ev.edge;
        if (this.nodes.has(e.Parent) && this.nodes.has(e.Child) && f.edge(e)) {
          this.edges.set(e.ID, e);
          send(m.full());
        }
        return;
      }
      case 'edgeUpdated': {
        const e = ev.edge;
        const was = this.edges.has(e.ID);
        const is = this.nodes.has(e.Parent) && this.nodes.has(e.Child) && f.edge(e);
        if (is) this.edges.set(e.ID, e);
        else this.edges.delete(e.ID);
        if (was && is) send(m.forPolicy(policy));
        else if (is) send(elementMessage('EdgeAdded', e));
        else if (was) send(elementMessage('EdgeDeleted', e));
        return;
      }
      case 'edgeDeleted':
        if (this.edges.delete(ev.edge.ID)) send(m.full());
        return;
    }
  }

  /** Records the newest revision of an element already in the sub-graph (deleted ones keep DeletedAt). */
  track(m: EventMessages): void {
    const el = m.element;
    if ('Parent' in el) {
      if (this.edges.has(el.ID)) this.edges.set(el.ID, el);
    } else if (this.nodes.has(el.ID)) {
      this.nodes.set(el.ID, el);
    }
  }

  /** Moves to a re-run result: sends adds and deletes by ID, then the pending updates of elements kept. */
  applyResult(view: GraphView, pending: Map<string, PendingUpdate>, policy: UpdatePolicy, send: Send): void {
    const nodes = new Map<string, Node>();
    const edges = new Map<string, Edge>();
    for (const n of view.nodes()) nodes.set(n.ID, n);
    for (const e of view.edges()) edges.set(e.ID, e);
    for (const [id, n] of nodes) if (!this.nodes.has(id)) send(elementMessage('NodeAdded', n));
    for (const [id, e] of edges) if (!this.edges.has(id)) send(elementMessage('EdgeAdded', e));
    for (const [id, e] of this.edges) if (!edges.has(id)) send(elementMessage('EdgeDeleted', e));
    for (const [id, n] of this.nodes) if (!nodes.has(id)) send(elementMessage('NodeDeleted', n));
    for (const p of pending.values()) {
      const id = p.element.ID;
      const kept = p.kind === 'node' ? this.nodes.has(id) && nodes.has(id) : this.edges.has(id) && edges.has(id);
      if (kept) send(updateMessage(policy, p.kind, p.element, p.ops));
    }
    this.nodes = nodes;
    this.edges = edges;
  }
}

/** Merges an update event into the pending map (deletions drop what was pending for the element). */
export function recordPending(pending: Map<string, PendingUpdate>, m: EventMessages): void {
  const ev = m.event;
  if (ev.type === 'nodeUpdated' || ev.type === 'edgeUpdated') {
    const kind = ev.type === 'nodeUpdated' ? 'node' : 'edge';
    const key = kind[0] + ':' + m.element.ID;
    const prev = pending.get(key);
    if (prev === undefined) pending.set(key, { kind, element: m.element, ops: [...ev.ops] });
    else {
      prev.element = m.element;
      prev.ops.push(...ev.ops);
    }
  } else if (ev.type === 'nodeDeleted' || ev.type === 'edgeDeleted') {
    pending.delete((ev.type === 'nodeDeleted' ? 'n:' : 'e:') + m.element.ID);
  }
}
