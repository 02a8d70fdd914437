// Graph events as Skydive messages. Each event is serialised at most once per update policy, however many
// subscribers receive it.
import { randomUUID } from 'node:crypto';
import type { Edge, GraphEvent, MetadataOp, Node } from '@topoflow/graph';
import { topologyPieces, joinPieces } from '../http/json-stream.js';
import { encode, encodeRaw } from '../ws/envelope.js';
import type { UpdatePolicy } from '../ws/handshake.js';

/** Skydive message types for graph changes. */
export type ChangeType = 'NodeAdded' | 'NodeUpdated' | 'NodeDeleted' | 'EdgeAdded' | 'EdgeUpdated' | 'EdgeDeleted';

const TYPE_OF: Record<GraphEvent['type'], ChangeType> = {
  nodeAdded: 'NodeAdded', nodeUpdated: 'NodeUpdated', nodeDeleted: 'NodeDeleted',
  edgeAdded: 'EdgeAdded', edgeUpdated: 'EdgeUpdated', edgeDeleted: 'EdgeDeleted',
};

/** A message carrying a whole element. */
export function elementMessage(type: ChangeType, element: Node | Edge): string {
  return encode(type, element);
}

/** A `NodePartiallyUpdated` / `EdgePartiallyUpdated` message. */
export function partialMessage(kind: 'node' | 'edge', element: Node | Edge, ops: readonly MetadataOp[]): string {
  return encode(kind === 'node' ? 'NodePartiallyUpdated' : 'EdgePartiallyUpdated', {
    ID: element.ID, UpdatedAt: element.UpdatedAt, Revision: element.Revision, Ops: ops,
  });
}

/** An update as the policy wants it. */
export function updateMessage(policy: UpdatePolicy, kind: 'node' | 'edge', element: Node | Edge, ops: readonly MetadataOp[]): string {
  if (policy === 'partial') return partialMessage(kind, element, ops);
  return elementMessage(kind === 'node' ? 'NodeUpdated' : 'EdgeUpdated', element);
}

/** A successful SyncReply carrying a topology. */
export function syncReplyMessage(nodes: Iterable<Node>, edges: Iterable<Edge>, uuid: string | undefined): string {
  return encodeRaw('SyncReply', joinPieces(topologyPieces(nodes, edges)), { uuid: uuid ?? randomUUID() });
}

/** The lazily built messages of one graph event. */
export class EventMessages {
  readonly event: GraphEvent;
  #full: string | undefined;
  #partial: string | undefined;

  constructor(event: GraphEvent) {
    this.event = event;
  }

  /** The element the event is about. */
  get element(): Node | Edge {
    const e = this.event;
    return 'node' in e ? e.node : e.edge;
  }

  /** The message carrying the whole element (NodeAdded, NodeUpdated, …). */
  full(): string {
    this.#full ??= elementMessage(TYPE_OF[this.event.type], this.element);
    return this.#full;
  }

  /** The message for a subscriber with `policy`: partial updates carry the event's ops. */
  forPolicy(policy: UpdatePolicy): string {
    const e = this.event;
    if (policy === 'full' || (e.type !== 'nodeUpdated' && e.type !== 'edgeUpdated')) return this.full();
    this.#partial ??= partialMessage(e.type === 'nodeUpdated' ? 'node' : 'edge', this.element, e.ops);
    return this.#partial;
  }
}
