// Decoding Skydive JSON (REST bodies, WebSocket messages, topology dumps) into validated elements.
// Missing Host, Origin, times and Revision are filled in, as imports of real dumps require.
import { GraphErrors, graphError } from '../errors.js';
import type { Edge, Metadata, Node, TopologyJson } from '../model.js';

/** Values used for fields an incoming element lacks. */
export interface DecodeDefaults {
  now: number;
  host?: string;
  origin?: string;
  /** Revision of elements that carry none (Skydive: 0; imports: 1). */
  revision?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(path: string, message: string): never {
  throw graphError(GraphErrors.DECODE_ERROR, `${path}: ${message}`, { path });
}

function optString(o: Record<string, unknown>, key: string, path: string, dflt: string): string {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string') fail(`${path}.${key}`, 'must be a string');
  return v;
}

function optTime(o: Record<string, unknown>, key: string, path: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`${path}.${key}`, 'must be a non-negative number of epoch milliseconds');
  return Math.trunc(v);
}

/** Decodes one node; throws GRAPH_DECODE_ERROR naming the bad field. */
export function decodeNode(raw: unknown, d: DecodeDefaults, path = 'node'): Node {
  if (!isObject(raw)) fail(path, 'must be an object');
  const id = raw.ID;
  if (typeof id !== 'string' || id.length === 0) fail(`${path}.ID`, 'must be a non-empty string');
  const md = raw.Metadata ?? {};
  if (!isObject(md)) fail(`${path}.Metadata`, 'must be an object');
  const created = optTime(raw, 'CreatedAt', path);
  const updated = optTime(raw, 'UpdatedAt', path);
  const deleted = optTime(raw, 'DeletedAt', path);
  const rev = raw.Revision;
  if (rev !== undefined && rev !== null && (typeof rev !== 'number' || !Number.isInteger(rev) || rev < 0)) {
    fail(`${path}.Revision`, 'must be a non-negative integer');
  }
  return {
    ID: id,
    Metadata: md as Metadata,
    Host: optString(raw, 'Host', path, d.host ?? ''),
    Origin: optString(raw, 'Origin', path, d.origin ?? ''),
    CreatedAt: created ?? updated ?? d.now,
    UpdatedAt: updated ?? created ?? d.now,
    DeletedAt: deleted ?? null,
    Revision: typeof rev === 'number' ? rev : (d.revision ?? 0),
  };
}

/** Decodes one edge; Parent and Child are mandatory. */
export function decodeEdge(raw: unknown, d: DecodeDefaults, path = 'edge'): Edge {
  const node = decodeNode(raw, d, path);
  const o = raw as Record<string, unknown>;
  for (const k of ['Parent', 'Child'] as const) {
    if (typeof o[k] !== 'string' || (o[k] as string).length === 0) fail(`${path}.${k}`, 'must be a non-empty string');
  }
  return { ...node, Parent: o.Parent as string, Child: o.Child as string };
}

/** Decodes a topology: `{Nodes, Edges}` or Skydive's dump form `[{Nodes, Edges}, …]` (merged). */
export function decodeTopology(raw: unknown, d: DecodeDefaults): TopologyJson {
  const parts = Array.isArray(raw) ? raw : [raw];
  const out: TopologyJson = { Nodes: [], Edges: [] };
  parts.forEach((part, i) => {
    const path = Array.isArray(raw) ? `[${i}]` : '';
    if (!isObject(part)) fail(path || '(root)', 'must be an object with Nodes and Edges');
    const nodes = part.Nodes ?? [];
    const edges = part.Edges ?? [];
    if (!Array.isArray(nodes)) fail(`${path}.Nodes`, 'must be an array');
    if (!Array.isArray(edges)) fail(`${path}.Edges`, 'must be an array');
    nodes.forEach((n, j) => out.Nodes.push(decodeNode(n, d, `${path}.Nodes[${j}]`)));
    edges.forEach((e, j) => out.Edges.push(decodeEdge(e, d, `${path}.Edges[${j}]`)));
  });
  return out;
}
