// Dotted access to nested metadata ('Ovs.Metric.RxBytes', 'Captures.ID'), with Skydive's rules:
// arrays met on the way fan out, a leading 'Metadata.' is ignored, writes are copy-on-write.
import type { Metadata } from '../model.js';

const SPLIT_CACHE = new Map<string, readonly string[]>();
const SPLIT_CACHE_MAX = 4096;

/** Splits a dotted key, caching the result (keys come from a small set of queries and probes). */
export function splitPath(path: string): readonly string[] {
  let parts = SPLIT_CACHE.get(path);
  if (parts === undefined) {
    const p = path.startsWith('Metadata.') ? path.slice(9) : path;
    parts = p.split('.');
    if (SPLIT_CACHE.size >= SPLIT_CACHE_MAX) SPLIT_CACHE.clear();
    SPLIT_CACHE.set(path, parts);
  }
  return parts;
}

const isObject = (v: unknown): v is Metadata => typeof v === 'object' && v !== null && !Array.isArray(v);

function walk(value: unknown, parts: readonly string[], i: number): unknown {
  let cur = value;
  for (; i < parts.length; i++) {
    if (Array.isArray(cur)) {
      const found: unknown[] = [];
      for (const item of cur) {
        if (!isObject(item)) continue;
        const v = walk(item, parts, i);
        if (v === undefined) continue;
        if (Array.isArray(v)) found.push(...v);
        else found.push(v);
      }
      return found.length > 0 ? found : undefined;
    }
    if (!isObject(cur)) return undefined;
    cur = cur[parts[i] as string];
  }
  return cur;
}

/** Reads a dotted path; undefined when not found. Arrays of objects on the way yield a list of values. */
export function getPath(metadata: Readonly<Metadata>, path: string): unknown {
  if (path.indexOf('.') < 0) return metadata[path];
  return walk(metadata, splitPath(path), 0);
}

/** Returns a copy of `metadata` with `path` set to `value`, or undefined when an intermediate is not an object. */
export function setPath(metadata: Readonly<Metadata>, path: string, value: unknown): Metadata | undefined {
  const parts = splitPath(path);
  const root: Metadata = { ...metadata };
  let cur = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i] as string;
    const next = cur[k];
    if (next === undefined) {
      const created: Metadata = {};
      cur[k] = created;
      cur = created;
    } else if (isObject(next)) {
      const copy = { ...next };
      cur[k] = copy;
      cur = copy;
    } else {
      return undefined;
    }
  }
  cur[parts[parts.length - 1] as string] = value;
  return root;
}

/** Returns a copy of `metadata` without `path` (empty parents removed), or undefined when absent. */
export function deletePath(metadata: Readonly<Metadata>, path: string): Metadata | undefined {
  const parts = splitPath(path);
  const del = (obj: Readonly<Metadata>, i: number): Metadata | undefined => {
    const k = parts[i] as string;
    if (!Object.prototype.hasOwnProperty.call(obj, k)) return undefined;
    const copy: Metadata = { ...obj };
    if (i === parts.length - 1) {
      delete copy[k];
      return copy;
    }
    const child = obj[k];
    if (!isObject(child)) return undefined;
    const next = del(child, i + 1);
    if (next === undefined) return undefined;
    if (Object.keys(next).length === 0) delete copy[k];
    else copy[k] = next;
    return copy;
  };
  return del(metadata, 0);
}

/** Every key in dotted form, intermediate objects included, in first-seen order. */
export function listKeys(metadata: Readonly<Metadata>, prefix = '', out: string[] = []): string[] {
  for (const [k, v] of Object.entries(metadata)) {
    const p = prefix ? `${prefix}.${k}` : k;
    out.push(p);
    if (isObject(v)) listKeys(v, p, out);
  }
  return out;
}
