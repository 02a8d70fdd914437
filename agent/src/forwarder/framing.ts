// The agent→analyzer framing: each WebSocket text message is a JSON array of Skydive envelopes
// `{Namespace: "Graph", Type, Obj}` applied in order; the first message of a connection holds one `Sync`.
import type { GraphEvent, TopologyJson } from '@topoflow/graph';

/** Namespace of graph messages. */
export const GRAPH_NAMESPACE = 'Graph';

/** One message of a batch: a Skydive envelope without UUID and Status (both optional on this link). */
export interface AgentMessage {
  Namespace: string;
  Type: string;
  Obj: unknown;
}

const TYPES: Record<'nodeAdded' | 'nodeDeleted' | 'edgeAdded' | 'edgeDeleted', string> = {
  nodeAdded: 'NodeAdded',
  nodeDeleted: 'NodeDeleted',
  edgeAdded: 'EdgeAdded',
  edgeDeleted: 'EdgeDeleted',
};

/**
 * The message forwarding a graph event. Additions and deletions carry the element; updates carry only what
 * changed (`NodePartiallyUpdated {ID, UpdatedAt, Revision, Ops}`): the link is ordered and starts with a Sync, so
 * the analyzer holds the previous revision, and our events always list their ops.
 */
export function eventMessage(event: GraphEvent): AgentMessage {
  if (event.type === 'nodeUpdated' || event.type === 'edgeUpdated') {
    const e = event.type === 'nodeUpdated' ? event.node : event.edge;
    return {
      Namespace: GRAPH_NAMESPACE, Type: event.type === 'nodeUpdated' ? 'NodePartiallyUpdated' : 'EdgePartiallyUpdated',
      Obj: { ID: e.ID, UpdatedAt: e.UpdatedAt, Revision: e.Revision, Ops: event.ops },
    };
  }
  return { Namespace: GRAPH_NAMESPACE, Type: TYPES[event.type], Obj: 'node' in event ? event.node : event.edge };
}

/** The Sync message carrying a whole graph (the receiver adds every node before any edge). */
export function syncMessage(topology: TopologyJson): AgentMessage {
  return { Namespace: GRAPH_NAMESPACE, Type: 'Sync', Obj: { Nodes: topology.Nodes, Edges: topology.Edges } };
}

/** Encodes a batch as one WebSocket text message. */
export function encodeBatch(messages: readonly AgentMessage[]): string {
  return JSON.stringify(messages);
}
