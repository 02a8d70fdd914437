// Graph events: past-tense, each carrying the element's full revision so applying them is idempotent.
import type { Edge, MetadataOp, Node } from './model.js';

/** A node appeared. */
export interface NodeAdded { readonly type: 'nodeAdded'; readonly node: Node }
/** A node's metadata changed; `ops` lists exactly what changed and is never empty. */
export interface NodeUpdated { readonly type: 'nodeUpdated'; readonly node: Node; readonly ops: readonly MetadataOp[] }
/** A node was deleted; `node.DeletedAt` is set. */
export interface NodeDeleted { readonly type: 'nodeDeleted'; readonly node: Node }
/** An edge appeared. */
export interface EdgeAdded { readonly type: 'edgeAdded'; readonly edge: Edge }
/** An edge's metadata changed. */
export interface EdgeUpdated { readonly type: 'edgeUpdated'; readonly edge: Edge; readonly ops: readonly MetadataOp[] }
/** An edge was deleted. */
export interface EdgeDeleted { readonly type: 'edgeDeleted'; readonly edge: Edge }

/** Every graph event. */
export type GraphEvent = NodeAdded | NodeUpdated | NodeDeleted | EdgeAdded | EdgeUpdated | EdgeDeleted;

/** Event type names. */
export type GraphEventType = GraphEvent['type'];

/** Maps an event type name to its event. */
export type GraphEventOf<T extends GraphEventType> = Extract<GraphEvent, { type: T }>;

/**
 * A partial update as received from Skydive peers (`NodePartiallyUpdated`): ops without the full element.
 * The graph resolves it against its current revision into a full `nodeUpdated`/`edgeUpdated`.
 */
export interface PartialUpdate {
  readonly type: 'nodePartiallyUpdated' | 'edgePartiallyUpdated';
  readonly ID: string;
  readonly UpdatedAt: number;
  readonly Revision: number;
  readonly Ops: readonly MetadataOp[];
}

/** What `apply()` accepts: a full event, or a partial update. */
export type ReplicatedEvent = GraphEvent | PartialUpdate;

/** What `apply()` did with an event. */
export type ApplyResult = 'applied' | 'ignored';

/** Receives graph events. Listeners must not throw and must not mutate the graph synchronously. */
export type GraphListener = (event: GraphEvent) => void;
