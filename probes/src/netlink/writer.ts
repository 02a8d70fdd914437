// Turns link state into interface nodes and edges: node selection and adoption of OVSDB-made nodes, one
// metadata update per change, ownership, bridge/master and veth `layer2` edges (reference §2.3, §2.5, §2.7).
import type { Graph } from '@topoflow/graph';
import type { LinkMessage } from './codec/link.js';
import { ROOT_NS, interfaceNodeId } from '../topology/ids.js';
import { LAYER2, OWNERSHIP, ensureLink, removeLink, setOwner } from '../topology/links.js';
import { LINK_KEYS, linkMetadata, metricDelta, metricOf } from './metadata.js';
import type { LinkState, NamespaceWatch } from './namespace.js';
import { TABLE_KEYS } from './tables.js';

/** What the writer needs. */
export interface InterfaceWriterDeps {
  graph: Graph;
  hostId: string;
  /** Every watched namespace, for veth peers in other namespaces. */
  namespaces: () => Iterable<NamespaceWatch>;
  /** Called when a link names an nsid its namespace has not resolved yet. */
  unknownNsid: (ns: NamespaceWatch) => void;
}

const OWNED_KEYS = [...LINK_KEYS, ...TABLE_KEYS];

/** Writes interface nodes for the netlink probe. */
export class InterfaceWriter {
  readonly #deps: InterfaceWriterDeps;
  /**
   * veth ends whose peer was not found yet (not seen, or its namespace's nsid not resolved), with their namespace:
   * re-paired when a link with their peer index appears and when an nsid of their namespace is resolved.
   */
  readonly #unpaired = new Map<LinkState, NamespaceWatch>();

  constructor(deps: InterfaceWriterDeps) {
    this.#deps = deps;
  }

  /** RTM_NEWLINK: creates or updates the node, then its relations. */
  upsert(ns: NamespaceWatch, msg: LinkMessage, now: number): void {
    const prev = ns.links.get(msg.index);
    const oldMaster = prev?.msg.master;
    const renamed = prev === undefined || prev.msg.name !== msg.name;
    const ethtool = renamed && msg.name !== undefined ? ns.driverInfo(msg.name) : prev?.ethtool;
    const state: LinkState = prev ?? { index: msg.index, nodeId: '', adopted: false, msg, gen: ns.gen };
    state.msg = msg;
    state.gen = ns.gen;
    if (ethtool !== undefined) state.ethtool = ethtool;
    else delete state.ethtool;
    if (prev === undefined) {
      const adopted = msg.kind === 'bridge' ? undefined : this.#findOvsNode(msg);
      state.adopted = adopted !== undefined;
      state.nodeId = adopted ?? interfaceNodeId(this.#deps.hostId, ns.key, msg.index);
      ns.links.set(msg.index, state);
    }
    const extra: Record<string, unknown> = {};
    if (prev === undefined && msg.stats !== undefined) {
      state.metricStats = msg.stats;
      state.metricAt = now;
      const m = metricOf(msg.stats);
      if (m !== undefined) extra.Metric = m;
    }
    this.#write(ns, state, extra);
    this.#relate(ns, state, oldMaster);
    if (msg.kind === 'veth') this.#repairPointingAt(state);
  }

  /** RTM_DELLINK: deletes the node (only the namespace's ownership edge of an OVSDB-made node). */
  delete(ns: NamespaceWatch, index: number): void {
    const state = ns.links.get(index);
    if (state === undefined) return;
    ns.links.delete(index);
    this.#unpaired.delete(state);
    ns.tables.forget(index);
    const { graph } = this.#deps;
    const node = graph.getNode(state.nodeId);
    if (node === undefined) return;
    if (state.adopted || node.Metadata.UUID !== undefined) removeLink(graph, ns.rootNodeId, state.nodeId, OWNERSHIP);
    else graph.deleteNode(state.nodeId);
  }

  /** Re-renders the table-derived keys of the given interfaces. */
  refresh(ns: NamespaceWatch, indexes: Iterable<number>): void {
    for (const i of new Set(indexes)) {
      const state = ns.links.get(i);
      if (state !== undefined) this.#write(ns, state, {});
    }
  }

  /** After a link dump: links not seen since `gen` are gone. */
  sweep(ns: NamespaceWatch, gen: number): void {
    for (const s of [...ns.links.values()]) if (s.gen < gen) this.delete(ns, s.index);
  }

  /** Re-renders and re-pairs the links of `ns` whose peer is in the namespace with that (newly known) nsid. */
  relinkNsid(ns: NamespaceWatch, nsid: number): void {
    for (const s of ns.links.values()) {
      if (s.msg.linkNetnsId !== nsid) continue;
      this.#write(ns, s, {});
      this.#relate(ns, s, s.msg.master);
    }
  }

  /** Forgets the pending veth ends of a namespace no longer watched. */
  forget(ns: NamespaceWatch): void {
    for (const [s, owner] of this.#unpaired) if (owner === ns) this.#unpaired.delete(s);
  }

  /** Metrics tick: Metric = current counters, LastUpdateMetric = delta since the previous Metric (§2.7). */
  metrics(ns: NamespaceWatch, now: number): void {
    for (const s of ns.links.values()) {
      const curr = s.msg.stats;
      if (curr === undefined) continue;
      const abs = metricOf(curr);
      if (abs === undefined) continue;
      const set: Record<string, unknown> = { Metric: { ...abs, Last: now } };
      if (s.metricStats !== undefined) {
        const delta = metricDelta(curr, s.metricStats);
        if (delta === undefined) continue;
        set.LastUpdateMetric = { ...delta, Start: s.metricAt ?? now, Last: now };
      }
      s.metricStats = curr;
      s.metricAt = now;
      this.#deps.graph.updateNode(s.nodeId, { set });
    }
  }

  #write(ns: NamespaceWatch, state: LinkState, extra: Record<string, unknown>): void {
    const { graph } = this.#deps;
    const extras = { driver: state.ethtool?.driver, busInfo: state.ethtool?.busInfo, linkNetNsName: this.#peerNsName(ns, state) };
    const md: Record<string, unknown> = { ...linkMetadata(state.msg, extras), ...ns.tables.metadataFor(state.index), ...extra };
    if (state.adopted) delete md.Type; // the OVSDB type wins (reference §3.5)
    const node = graph.getNode(state.nodeId);
    if (node === undefined) graph.addNode({ ID: state.nodeId, Metadata: md });
    else {
      const del = OWNED_KEYS.filter((k) => !(k in md) && k in node.Metadata && !(k === 'Type' && state.adopted));
      graph.updateNode(state.nodeId, del.length > 0 ? { set: md, delete: del } : { set: md });
    }
    setOwner(graph, ns.rootNodeId, state.nodeId);
  }

  /** The Name of the netns node holding a link's peer (§2.6), when its nsid is resolved and not the root. */
  #peerNsName(ns: NamespaceWatch, state: LinkState): string | undefined {
    const nsid = state.msg.linkNetnsId;
    const key = nsid === undefined ? undefined : ns.nsids.get(nsid);
    if (key === undefined || key === ROOT_NS) return undefined;
    for (const other of this.#deps.namespaces()) {
      if (other.key !== key) continue;
      const name = this.#deps.graph.getNode(other.rootNodeId)?.Metadata.Name;
      return typeof name === 'string' ? name : undefined;
    }
    return undefined;
  }

  /** A node made by the OVSDB probe for this interface: same Name and IfIndex, with a UUID. */
  #findOvsNode(msg: LinkMessage): string | undefined {
    const { graph } = this.#deps;
    const candidates = graph.lookupNodes('Name', msg.name) ?? graph.nodes();
    for (const n of candidates) {
      if (n.Metadata.Name === msg.name && n.Metadata.IfIndex === msg.index && n.Metadata.UUID !== undefined) return n.ID;
    }
    return undefined;
  }

  #relate(ns: NamespaceWatch, state: LinkState, oldMaster: number | undefined): void {
    const { graph } = this.#deps;
    const master = state.msg.master ?? 0;
    if (oldMaster !== undefined && oldMaster !== 0 && oldMaster !== master) {
      const old = ns.links.get(oldMaster);
      if (old !== undefined) removeLink(graph, old.nodeId, state.nodeId, LAYER2);
    }
    const m = master !== 0 ? ns.links.get(master) : undefined;
    if (m !== undefined && m.msg.name !== 'ovs-system') ensureLink(graph, m.nodeId, state.nodeId, LAYER2);
    if (state.msg.kind === 'vlan' && state.msg.link !== undefined) {
      const parent = ns.links.get(state.msg.link);
      if (parent !== undefined && parent !== state) ensureLink(graph, parent.nodeId, state.nodeId, LAYER2, { Type: 'vlan' });
    }
    for (const child of ns.links.values()) {
      if (child === state) continue;
      if (child.msg.master === state.index && state.msg.name !== 'ovs-system') ensureLink(graph, state.nodeId, child.nodeId, LAYER2);
      if (child.msg.kind === 'vlan' && child.msg.link === state.index) ensureLink(graph, state.nodeId, child.nodeId, LAYER2, { Type: 'vlan' });
    }
    this.#pairVeth(ns, state);
  }

  /**
   * Links a veth end to its peer, or remembers it as unpaired. The kernel announces the end created first
   * (the peer of `ip link add … peer … netns`) before the two are joined, without IFLA_LINK: only the other end
   * names its peer, so the pairing must be retried when that peer or the nsid of its namespace becomes known.
   */
  #pairVeth(ns: NamespaceWatch, state: LinkState): void {
    if (state.msg.kind !== 'veth' || state.msg.link === undefined || state.msg.link === 0) {
      this.#unpaired.delete(state);
      return;
    }
    const peer = this.#vethPeer(ns, state);
    if (peer === undefined) {
      this.#unpaired.set(state, ns);
      return;
    }
    this.#unpaired.delete(state);
    this.#unpaired.delete(peer);
    const [parent, child] = peer.index > state.index || (peer.index === state.index && peer.nodeId > state.nodeId)
      ? [peer, state] : [state, peer];
    ensureLink(this.#deps.graph, parent.nodeId, child.nodeId, LAYER2, { Type: 'veth' }, true);
  }

  /** Retries the unpaired veth ends whose peer index is that of a link that just appeared or changed. */
  #repairPointingAt(state: LinkState): void {
    for (const [s, owner] of [...this.#unpaired]) {
      if (s !== state && s.msg.link === state.index && owner.links.get(s.index) === s) this.#pairVeth(owner, s);
    }
  }

  /** The other end of a veth: same namespace, the namespace of its nsid, else the one end pointing back. */
  #vethPeer(ns: NamespaceWatch, state: LinkState): LinkState | undefined {
    const peerIndex = state.msg.link as number;
    const isPeer = (p: LinkState | undefined): p is LinkState => p !== undefined && p !== state && p.msg.kind === 'veth';
    const nsid = state.msg.linkNetnsId;
    if (nsid === undefined || nsid < 0) {
      const p = ns.links.get(peerIndex);
      return isPeer(p) ? p : undefined;
    }
    const key = ns.nsids.get(nsid);
    if (key !== undefined) {
      for (const other of this.#deps.namespaces()) {
        if (other.key !== key) continue;
        const p = other.links.get(peerIndex);
        // a stale nsid (reused after its namespace went) may lead to an unrelated veth: it must point back, or
        // not name its peer yet (the first announcement of an end)
        if (isPeer(p) && this.#pointsBack(other, p, ns, state)) return p;
      }
    } else this.#deps.unknownNsid(ns);
    for (const other of this.#deps.namespaces()) {
      if (other === ns) continue;
      const p = other.links.get(peerIndex);
      if (isPeer(p) && p.msg.link === state.index && p.msg.linkNetnsId !== undefined && this.#pointsBack(other, p, ns, state)) return p;
    }
    return undefined;
  }

  /** Whether `p` (in `pns`) does not contradict being the peer of `state` (in `ns`). */
  #pointsBack(pns: NamespaceWatch, p: LinkState, ns: NamespaceWatch, state: LinkState): boolean {
    const link = p.msg.link;
    if (link === undefined || link === 0) return true;
    if (link !== state.index) return false;
    const nsid = p.msg.linkNetnsId;
    if (nsid === undefined || nsid < 0) return pns === ns;
    const key = pns.nsids.get(nsid);
    return key === undefined || key === ns.key;
  }
}
