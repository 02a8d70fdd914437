// The read-only view of a graph that queries run against: the live memory graph, a sub-graph, or (later) history.
import type { Edge, Node } from './model.js';

/** Read access used by the Gremlin evaluator and by serialisers. */
export interface GraphView {
  readonly nodeCount: number;
  readonly edgeCount: number;
  getNode(id: string): Node | undefined;
  getEdge(id: string): Edge | undefined;
  nodes(): Iterable<Node>;
  edges(): Iterable<Edge>;
  /** Edges whose Parent is the node. */
  outEdges(nodeId: string): Iterable<Edge>;
  /** Edges whose Child is the node. */
  inEdges(nodeId: string): Iterable<Edge>;
  /** Nodes whose `field` matches `value` through an index; undefined when the field is not indexed. */
  lookupNodes(field: string, value: unknown): Node[] | undefined;
  /** Edges whose `field` matches `value` through an index; undefined when the field is not indexed. */
  lookupEdges(field: string, value: unknown): Edge[] | undefined;
}
