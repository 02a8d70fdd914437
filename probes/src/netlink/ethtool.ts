// The ethtool refresh of the netlink probe: `Features` and `Speed` of the interfaces that have a `Driver`, read
// with SIOCETHTOOL on each namespace's netlink socket (no setns, no socket per link) and written with one
// updateNode only when they changed (reference §2.1 timers, §2.3).
import type { Graph } from '@topoflow/graph';
import { ethtoolChange, ethtoolMetadata } from './metadata.js';
import type { LinkState, NamespaceWatch } from './namespace.js';

/** What the refresh needs. */
export interface EthtoolRefreshDeps {
  graph: Graph;
  /** An unexpected ethtool failure (not EOPNOTSUPP/ENODEV…): the keys are left absent; count and log it. */
  failed: (ns: NamespaceWatch, link: LinkState, errno: string) => void;
}

/** Reads and writes the ethtool keys of the given links of `ns`; returns how many nodes changed. */
export function refreshEthtool(deps: EthtoolRefreshDeps, ns: NamespaceWatch, links: Iterable<LinkState>): number {
  let changed = 0;
  for (const state of links) {
    const node = deps.graph.getNode(state.nodeId);
    const name = state.msg.name;
    if (node === undefined || name === undefined) continue;
    const driver = node.Metadata.Driver;
    if (typeof driver !== 'string' || driver === '') continue;
    // Names and objects only when the feature bits or the speed moved, or the keys were edited since.
    const fingerprint = ns.ethtoolFingerprint(name);
    if (fingerprint !== undefined && state.ethtoolFingerprint?.equals(fingerprint) === true && node.Metadata.Features === state.ethtoolFeatures) continue;
    const reading = ns.ethtoolInfo(name);
    if (reading === undefined) return changed; // the namespace is no longer watched
    state.ethtoolRead = true;
    state.ethtoolFingerprint = fingerprint;
    if (reading.error !== undefined) deps.failed(ns, state, reading.error);
    const change = ethtoolChange(node.Metadata, ethtoolMetadata(reading));
    const written = change === undefined ? node : deps.graph.updateNode(state.nodeId, change);
    state.ethtoolFeatures = (written ?? node).Metadata.Features;
    if (change !== undefined) changed++;
  }
  return changed;
}
