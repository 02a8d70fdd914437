// Skydive's TID rules: a stable identifier per node, derived from the host name and the ownership chain, so the
// same interface keeps its TID across agent restarts and flows can name their capture node (`NodeTID`).
import { type Graph, type Node, uuidV5 } from '@topoflow/graph';

/** The ownership parent of a node, if any. */
function ownershipParent(graph: Graph, id: string): Node | undefined {
  for (const e of graph.inEdges(id)) if (e.Metadata.RelationType === 'ownership') return graph.getNode(e.Parent);
  return undefined;
}

/** The host TID: the TID of the graph's host node named `hostName`. */
export function hostTid(hostName: string): string {
  return uuidV5(hostName);
}

/**
 * The TID a node should have, or undefined when it cannot be known yet (no ownership parent with a TID).
 * host: v5(Name); netns: v5(hostTID + Path + "netns"); ovsbridge/ovsport: v5(hostTID + UUID + Type);
 * Probe == "fabric": the node ID; any other node: v5(parentTID + Name + Type), netns parents using their Path.
 */
export function computeTid(graph: Graph, node: Node, hostName: string): string | undefined {
  const md = node.Metadata;
  const str = (k: string): string => (typeof md[k] === 'string' ? (md[k] as string) : '');
  const type = str('Type');
  if (md.Probe === 'fabric') return node.ID;
  if (type === 'host') return uuidV5(str('Name'));
  if (type === 'netns') return uuidV5(hostTid(hostName) + str('Path') + 'netns');
  if (type === 'ovsbridge' || type === 'ovsport') return uuidV5(hostTid(hostName) + str('UUID') + type);
  const parent = ownershipParent(graph, node.ID);
  const parentTid = parent?.Metadata.TID;
  if (typeof parentTid !== 'string') return undefined;
  return uuidV5(parentTid + str('Name') + type);
}
