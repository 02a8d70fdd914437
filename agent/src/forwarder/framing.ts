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

const TYPES: Record<GraphEvent['type'], string> = {
  nodeAdded: 'NodeAdded',
  nodeUpdated: 'NodeUpdated',
  nodeDeleted: 'NodeDeleted',
  edgeAdded: 'EdgeAdded',
  edgeUpdated: 'EdgeUpdated',
  edgeDeleted: 'EdgeDeleted',
};

/** The message forwarding a graph event: the Skydive type and the element's full revision. */
export function eventMessage(event: GraphEvent): AgentMessage {
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
