// Deterministic IDs of probe-made nodes: name-based UUIDs from the host and stable keys, so a resync or an
// agent restart yields the same IDs and history stays continuous (DESIGN.md §3).
import { genId } from '@topoflow/graph';

/** Key of the agent's own (root) network namespace. */
export const ROOT_NS = 'root';

/** Key of a network namespace: its nsfs device and inode ("<dev>,<ino>"), never its name. */
export function namespaceKey(dev: number | bigint, ino: number | bigint): string {
  return `${dev},${ino}`;
}

/** ID of the agent's host node. */
export function hostNodeId(hostId: string): string {
  return genId(hostId, 'host');
}

/** ID of a netns node. */
export function netnsNodeId(hostId: string, nsKey: string): string {
  return genId(hostId, 'netns', nsKey);
}

/** ID of a kernel interface: its namespace and ifindex (namespace-local, stable while the link lives). */
export function interfaceNodeId(hostId: string, nsKey: string, ifIndex: number): string {
  return genId(hostId, 'interface', nsKey, String(ifIndex));
}

/** ID of a node made from an OVSDB row (bridge, port, or an interface with no kernel netdev). */
export function ovsRowNodeId(hostId: string, rowUuid: string): string {
  return genId(hostId, 'ovsdb', rowUuid);
}
