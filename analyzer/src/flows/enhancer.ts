// The flow enhancer: names the nodes owning a flow's two ends (ANodeTID, BNodeTID) through the live graph's
// indexes, as Skydive's old graph enhancer did: Link MACs (MAC, then PeerIntfMAC), or without Link the Network
// addresses (IPV4/IPV6 entries are CIDRs). Broadcast and multicast give "*", several owners give nothing.
// Answers are cached per batch, and across batches while no node changes an address or a TID.
import type { Flow } from '@topoflow/flow';
import type { GraphEvent, GraphView, Node } from '@topoflow/graph';

/** Node fields the enhancer looks up; the analyzer's graph indexes them all. */
export const ENHANCER_INDEXES = ['MAC', 'PeerIntfMAC', 'IPV4', 'IPV6', 'TID'] as const;

/** The TID given to a broadcast or multicast end. */
export const ANY_NODE = '*';

/** Addresses remembered across batches at most; the cache starts over beyond. */
const MAX_CACHED = 100_000;
const WATCHED = new Set<string>(ENHANCER_INDEXES);

/** How the ends of one batch were resolved. */
export interface EnhanceCounts {
  found: number;
  broadcast: number;
  ambiguous: number;
  unknown: number;
}

/** What one address resolves to: a TID, "*", or nothing (no owner, or several). */
type Resolution = { tid: string; kind: 'found' | 'broadcast' } | { tid: undefined; kind: 'ambiguous' | 'unknown' };

const UNKNOWN: Resolution = { tid: undefined, kind: 'unknown' };
const AMBIGUOUS: Resolution = { tid: undefined, kind: 'ambiguous' };
const BROADCAST: Resolution = { tid: ANY_NODE, kind: 'broadcast' };

/** Resolves flow ends against a graph view. */
export class FlowEnhancer {
  readonly #graph: GraphView;
  /** Kept across batches while watch() follows the graph's changes. */
  #cache: Map<string, Resolution> | undefined;

  constructor(graph: GraphView) {
    this.#graph = graph;
  }

  /**
   * Keeps answers across batches, forgetting them whenever a node with an address appears or goes, or changes
   * an address or its TID. Returns the function that stops watching.
   */
  watch(graph: { onAny(listener: (e: GraphEvent) => void): () => void }): () => void {
    this.#cache = new Map();
    const off = graph.onAny((e) => {
      if (this.#cache !== undefined && this.#cache.size > 0 && changesOwners(e)) this.#cache.clear();
    });
    return () => {
      off();
      this.#cache = undefined;
    };
  }

  /** Sets ANodeTID/BNodeTID on every flow (in place); each address is resolved at most once per call. */
  enhance(flows: readonly Flow[]): EnhanceCounts {
    const cache = this.#cache ?? new Map<string, Resolution>();
    if (cache.size > MAX_CACHED) cache.clear();
    const counts: EnhanceCounts = { found: 0, broadcast: 0, ambiguous: 0, unknown: 0 };
    const resolve = (key: string, fn: () => Resolution): Resolution => {
      let r = cache.get(key);
      if (r === undefined) cache.set(key, (r = fn()));
      counts[r.kind]++;
      return r;
    };
    for (const f of flows) {
      delete f.ANodeTID;
      delete f.BNodeTID;
      const layer = f.Link ?? f.Network;
      if (layer === undefined) continue;
      const byMac = f.Link !== undefined;
      for (const [end, address] of [['ANodeTID', layer.A], ['BNodeTID', layer.B]] as const) {
        if (address === undefined || address === '') continue;
        const r = byMac ? resolve(`m${address}`, () => this.#mac(address)) : resolve(`i${address}`, () => this.#ip(address));
        if (r.tid !== undefined) f[end] = r.tid;
      }
    }
    return counts;
  }

  #mac(address: string): Resolution {
    const mac = address.toLowerCase();
    const first = Number.parseInt(mac.slice(0, 2), 16);
    // The I/G bit of the first octet marks group addresses: multicast, and broadcast ff:ff:ff:ff:ff:ff.
    if (Number.isNaN(first)) return UNKNOWN;
    if ((first & 1) === 1) return BROADCAST;
    const own = owner(this.#lookup('MAC', [mac]));
    return own === UNKNOWN ? owner(this.#lookup('PeerIntfMAC', [mac])) : own;
  }

  #ip(address: string): Resolution {
    if (address.includes(':')) {
      const ip = canonicalIPv6(address);
      if (ip === undefined) return UNKNOWN;
      if (ip.startsWith('ff')) return BROADCAST;
      return owner(this.#lookup('IPV6', cidrs(ip, 128)));
    }
    const octets = address.split('.').map(Number);
    if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return UNKNOWN;
    const first = octets[0] as number;
    if ((first >= 224 && first <= 239) || address === '255.255.255.255') return BROADCAST;
    return owner(this.#lookup('IPV4', cidrs(address, 32)));
  }

  /** Nodes whose `field` equals (or, for a list, holds) one of `values`. */
  #lookup(field: string, values: readonly string[]): Node[] {
    const out: Node[] = [];
    for (const v of values) {
      const hit = this.#graph.lookupNodes(field, v);
      if (hit === undefined) return this.#scan(field, new Set(values));
      out.push(...hit);
    }
    return out;
  }

  /** The same without an index (a graph built without ENHANCER_INDEXES): one pass over the nodes. */
  #scan(field: string, values: ReadonlySet<string>): Node[] {
    const out: Node[] = [];
    for (const n of this.#graph.nodes()) {
      const v = n.Metadata[field];
      if (Array.isArray(v) ? v.some((x) => values.has(x as string)) : values.has(v as string)) out.push(n);
    }
    return out;
  }
}

/** True when an event may change which node owns an address. */
function changesOwners(e: GraphEvent): boolean {
  switch (e.type) {
    case 'nodeAdded':
    case 'nodeDeleted':
      return ENHANCER_INDEXES.some((k) => k !== 'TID' && e.node.Metadata[k] !== undefined);
    case 'nodeUpdated':
      return e.ops.some((op) => WATCHED.has((op.Key.startsWith('Metadata.') ? op.Key.slice(9) : op.Key).split('.')[0] as string));
    default:
      return false;
  }
}

/** The one TID among the nodes that have one; several distinct TIDs are ambiguous. */
function owner(nodes: readonly Node[]): Resolution {
  let tid: string | undefined;
  for (const n of nodes) {
    const t = n.Metadata.TID;
    if (typeof t !== 'string' || t === '' || t === tid) continue;
    if (tid !== undefined) return AMBIGUOUS;
    tid = t;
  }
  return tid === undefined ? UNKNOWN : { tid, kind: 'found' };
}

/** The address bare and with every prefix length, as interface address lists spell it ("10.0.0.1/24"). */
function cidrs(ip: string, bits: number): string[] {
  const out = [ip];
  for (let p = bits; p >= 0; p--) out.push(`${ip}/${p}`);
  return out;
}

/** An IPv6 address in its canonical text form (RFC 5952: lower case, longest zero run compressed), or undefined. */
export function canonicalIPv6(address: string): string | undefined {
  try {
    const host = new URL(`http://[${address}]/`).hostname;
    return host.slice(1, -1);
  } catch {
    return undefined;
  }
}
