// The Gremlin texts the benchmarks send, in one place so in-process, REST and WebSocket runs use the same ones.

/** A Gremlin string literal (the dialect has no escapes, so names must not contain quotes). */
export function lit(s: string): string {
  if (s.includes("'")) throw new Error(`cannot quote ${s} in Gremlin`);
  return `'${s}'`;
}

/** The indexed lookup of (a). */
export const hasName = (name: string): string => `G.V().Has('Name', ${lit(name)})`;

/** The same lookup on a key no index covers, (b). */
export const hasAlias = (alias: string): string => `G.V().Has('Alias', ${lit(alias)})`;

/** The 3-hop traversal of (c). */
export const threeHops = (host: string): string => `G.V().Has('Name', ${lit(host)}).Out().Out().Both()`;

/** The shortest path of (d). */
export const shortestPath = (from: string, to: string): string =>
  `G.V().Has('Name', ${lit(from)}).ShortestPathTo(Metadata('Name', ${lit(to)}))`;

/** The subscriber filter of (e). */
export const VETH_FILTER = "G.V().Has('Type', 'veth').SubGraph()";

/** The node count of the history benchmark: at instant `t` (epoch ms), or during the `windowSec` seconds before it. */
export const atCount = (t: number, windowSec?: number): string =>
  `G.At(${t}${windowSec === undefined ? '' : `, ${windowSec}`}).V().Count()`;
