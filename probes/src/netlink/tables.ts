// Per-namespace stores of addresses, routes and neighbours, kept from dumps and events, and their rendering as
// interface metadata (IPV4/IPV6, RoutingTables §2.4, Neighbors/FDB §2.3). Entries carry the generation that
// last saw them so a re-dump can sweep what vanished while events were lost.
import { AF, type AddressMessage } from './codec/address.js';
import type { NeighborMessage } from './codec/neighbor.js';
import type { RouteMessage } from './codec/route.js';

/** The kinds of table entries a dump refreshes. */
export type TableKind = 'address' | 'route' | 'neighbor';

interface Entry<T> {
  value: T;
  gen: number;
}

const NTF = ['NTF_USE', 'NTF_SELF', 'NTF_MASTER', 'NTF_PROXY', 'NTF_EXT_LEARNED', 'NTF_OFFLOADED', 'NTF_STICKY', 'NTF_ROUTER'];
const NUD = ['NUD_INCOMPLETE', 'NUD_REACHABLE', 'NUD_STALE', 'NUD_DELAY', 'NUD_PROBE', 'NUD_FAILED', 'NUD_NOARP', 'NUD_PERMANENT'];

function bitNames(mask: number, names: readonly string[]): string[] {
  return names.filter((_, i) => (mask & (1 << i)) !== 0);
}

/** Metadata keys rendered from the tables. */
export const TABLE_KEYS = ['IPV4', 'IPV6', 'RoutingTables', 'Neighbors', 'FDB'] as const;

/** The address, route and neighbour tables of one namespace. */
export class NamespaceTables {
  readonly #addresses = new Map<string, Entry<AddressMessage>>();
  readonly #routes = new Map<string, Entry<RouteMessage>>();
  readonly #neighbors = new Map<string, Entry<NeighborMessage>>();

  /** Adds or removes an address; returns the interface indexes whose metadata changed. */
  applyAddress(a: AddressMessage, add: boolean, gen: number): number[] {
    return apply(this.#addresses, `${a.index}|${a.cidr}`, a, add, gen, [a.index]);
  }

  /** Adds, replaces or removes a route; returns the interface indexes it goes through. */
  applyRoute(r: RouteMessage, add: boolean, gen: number): number[] {
    const key = `${r.family}|${r.table}|${r.prefix}|${r.tos}|${r.priority}`;
    const old = this.#routes.get(key)?.value.nextHops.map((h) => h.ifIndex) ?? [];
    return apply(this.#routes, key, r, add, gen, [...old, ...r.nextHops.map((h) => h.ifIndex)]);
  }

  /**
   * Adds, replaces or removes a neighbour entry; returns its interface index. ARP/NDP entries are keyed like the
   * kernel's neighbour table, by device and destination IP: `ip neigh del` sends RTM_NEWNEIGH (NUD_FAILED) then
   * RTM_DELNEIGH, both without the link-layer address. FDB entries keep MAC and VLAN (and the remote IP) in the key.
   */
  applyNeighbor(n: NeighborMessage, add: boolean, gen: number): number[] {
    const key = n.family === AF.BRIDGE || n.ip === undefined
      ? `${n.family}|${n.index}|${n.ip ?? ''}|${n.mac ?? ''}|${n.vlan ?? ''}`
      : `${n.family}|${n.index}|${n.ip}`;
    return apply(this.#neighbors, key, n, add, gen, [n.index]);
  }

  /** Drops entries of a kind not seen since generation `gen`; returns the interface indexes affected. */
  sweep(kind: TableKind, gen: number): number[] {
    const affected: number[] = [];
    const drop = <T>(m: Map<string, Entry<T>>, indexes: (v: T) => number[]): void => {
      for (const [k, e] of m) {
        if (e.gen < gen) {
          m.delete(k);
          affected.push(...indexes(e.value));
        }
      }
    };
    if (kind === 'address') drop(this.#addresses, (a) => [a.index]);
    else if (kind === 'route') drop(this.#routes, (r) => r.nextHops.map((h) => h.ifIndex));
    else drop(this.#neighbors, (n) => [n.index]);
    return affected;
  }

  /** Forgets everything about an interface index (its link is gone). */
  forget(index: number): void {
    for (const [k, e] of this.#addresses) if (e.value.index === index) this.#addresses.delete(k);
    for (const [k, e] of this.#neighbors) if (e.value.index === index) this.#neighbors.delete(k);
    // IPv4 routes through a deleted device vanish without RTM_DELROUTE
    for (const [k, e] of this.#routes) if (e.value.nextHops.every((h) => h.ifIndex === index)) this.#routes.delete(k);
  }

  /** IPV4, IPV6, RoutingTables, Neighbors and FDB of an interface (absent keys are to be deleted). */
  metadataFor(index: number): Record<string, unknown> {
    const md: Record<string, unknown> = {};
    const v4: string[] = [];
    const v6: string[] = [];
    for (const { value: a } of this.#addresses.values()) {
      if (a.index === index) (a.family === AF.INET ? v4 : v6).push(a.cidr);
    }
    if (v4.length > 0) md.IPV4 = v4;
    if (v6.length > 0) md.IPV6 = v6;
    const tables = this.#routingTables(index);
    if (tables.length > 0) md.RoutingTables = tables;
    const neighbors: unknown[] = [];
    const fdb: unknown[] = [];
    for (const { value: n } of this.#neighbors.values()) {
      if (n.index !== index) continue;
      (n.family === AF.BRIDGE ? fdb : neighbors).push(neighborJson(n));
    }
    if (neighbors.length > 0) md.Neighbors = neighbors;
    if (fdb.length > 0) md.FDB = fdb;
    return md;
  }

  #routingTables(index: number): unknown[] {
    const tables = new Map<number, { ID: number; Src: string | null; Routes: unknown[] }>();
    for (const { value: r } of this.#routes.values()) {
      if (!r.nextHops.some((h) => h.ifIndex === index)) continue;
      let t = tables.get(r.table);
      if (t === undefined) tables.set(r.table, (t = { ID: r.table, Src: null, Routes: [] }));
      if (t.Src === null && r.prefSrc !== undefined) t.Src = r.prefSrc;
      t.Routes.push({
        Protocol: r.protocol, Prefix: r.prefix,
        NextHops: r.nextHops.map((h) => ({ Priority: r.priority, ...(h.gateway !== undefined ? { IP: h.gateway } : {}), IfIndex: h.ifIndex })),
      });
    }
    return [...tables.values()].sort((a, b) => a.ID - b.ID);
  }
}

function apply<T>(m: Map<string, Entry<T>>, key: string, value: T, add: boolean, gen: number, indexes: number[]): number[] {
  if (add) m.set(key, { value, gen });
  else if (!m.delete(key)) return [];
  return [...new Set(indexes)];
}

function neighborJson(n: NeighborMessage): Record<string, unknown> {
  const flags = bitNames(n.flags, NTF);
  return {
    Flags: flags, MAC: n.mac ?? '', ...(n.ip !== undefined ? { IP: n.ip } : {}),
    State: n.state === 0 ? ['NUD_NONE'] : bitNames(n.state, NUD),
    ...(n.vlan !== undefined ? { Vlan: n.vlan } : {}), ...(n.vni !== undefined ? { VNI: n.vni } : {}), IfIndex: n.index,
  };
}
