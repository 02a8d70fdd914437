// Edge helpers with Skydive's topology semantics: link IDs from parent + child + relation type, a single
// ownership parent per node, idempotent creation.
import { type Edge, type Graph, type Metadata, linkId } from '@topoflow/graph';

/** The relation types probes use. */
export const OWNERSHIP = 'ownership';
export const LAYER2 = 'layer2';

/** The edge of a relation between two nodes, if any (either direction when `anyDirection`). */
export function findLink(graph: Graph, a: string, b: string, relationType: string, anyDirection = false): Edge | undefined {
  for (const e of graph.outEdges(a)) if (e.Child === b && e.Metadata.RelationType === relationType) return e;
  if (anyDirection) for (const e of graph.outEdges(b)) if (e.Child === a && e.Metadata.RelationType === relationType) return e;
  return undefined;
}

/** Creates the relation parent → child unless it exists (in either direction when `anyDirection`). */
export function ensureLink(graph: Graph, parent: string, child: string, relationType: string, metadata: Metadata = {}, anyDirection = false): Edge {
  const existing = findLink(graph, parent, child, relationType, anyDirection);
  if (existing !== undefined) return existing;
  return graph.addEdge({ ID: linkId(parent, child, relationType), Parent: parent, Child: child, Metadata: { RelationType: relationType, ...metadata } });
}

/** Makes `parent` the only ownership parent of `child` (Skydive's AddOwnershipLink). */
export function setOwner(graph: Graph, parent: string, child: string): Edge {
  for (const e of [...graph.inEdges(child)]) {
    if (e.Metadata.RelationType === OWNERSHIP && e.Parent !== parent) graph.deleteEdge(e.ID);
  }
  return ensureLink(graph, parent, child, OWNERSHIP);
}

/** The ownership parent of a node, if any. */
export function ownerOf(graph: Graph, child: string): string | undefined {
  for (const e of graph.inEdges(child)) if (e.Metadata.RelationType === OWNERSHIP) return e.Parent;
  return undefined;
}

/** Deletes the relation parent → child if it exists. */
export function removeLink(graph: Graph, parent: string, child: string, relationType: string): void {
  const e = findLink(graph, parent, child, relationType);
  if (e !== undefined) graph.deleteEdge(e.ID);
}
