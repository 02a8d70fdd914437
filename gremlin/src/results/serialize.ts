// JSON forms shared by result kinds: a graph is an array holding one {"Nodes","Edges"} object.
import type { Edge, GraphView, Node } from '@topoflow/graph';

/** Skydive's JSON form of a graph result. */
export function graphToJSON(view: GraphView): [{ Nodes: Node[]; Edges: Edge[] }] {
  return [{ Nodes: [...view.nodes()], Edges: [...view.edges()] }];
}
