// Reads the `Captures` metadata agents write on captured nodes: which captures are active where.
import type { Node } from '@topoflow/graph';

/** One entry of a node's `Captures` list, as the agent writes it (reference §7.4). */
export interface NodeCaptureEntry {
  ID: string;
  State?: string;
  Type?: string;
  Error?: string;
}

/** The entries of a node's `Captures` metadata that have an ID (malformed entries are ignored). */
export function captureEntries(node: Node): NodeCaptureEntry[] {
  const list = node.Metadata.Captures;
  if (!Array.isArray(list)) return [];
  return list.filter((e): e is NodeCaptureEntry => typeof e === 'object' && e !== null && typeof (e as { ID?: unknown }).ID === 'string');
}

/** Per capture ID, the number of nodes where it is active (the API's `Count`). */
export function activeCaptureCounts(nodes: Iterable<Node>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of nodes) {
    if (n.Metadata.Captures === undefined) continue;
    const seen = new Set<string>();
    for (const e of captureEntries(n)) {
      if (e.State !== 'active' || seen.has(e.ID)) continue;
      seen.add(e.ID);
      counts.set(e.ID, (counts.get(e.ID) ?? 0) + 1);
    }
  }
  return counts;
}
