// A live index from a (dotted) field's value to element IDs. Array values index every item.
// Single matches are stored as a bare string to keep the per-element cost small.
import { getField } from '../metadata/fields.js';
import type { Element, MetadataOp } from '../model.js';

/** True when the dotted `key` (optionally 'Metadata.'-prefixed) lies under the top-level metadata key `root`. */
function underRoot(key: string, root: string): boolean {
  const start = key.startsWith('Metadata.') ? 9 : 0;
  if (!key.startsWith(root, start)) return false;
  const end = start + root.length;
  return key.length === end || key.charCodeAt(end) === 46; // '.'
}

/** An index key: strings as-is, numbers truncated to integers (Skydive's int64 matching), booleans as-is. */
export type IndexKey = string | number | boolean;

/** Normalises a value to its index key, or undefined when the value is not indexable. */
export function indexKey(value: unknown): IndexKey | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? Math.trunc(value) : undefined;
    default:
      return undefined;
  }
}

function keysOf(value: unknown, out: IndexKey[]): IndexKey[] {
  if (Array.isArray(value)) {
    for (const v of value) {
      const k = indexKey(v);
      if (k !== undefined && !out.includes(k)) out.push(k);
    }
  } else {
    const k = indexKey(value);
    if (k !== undefined) out.push(k);
  }
  return out;
}

/** An index on one field. */
export class ValueIndex {
  readonly field: string;
  readonly #map = new Map<IndexKey, string | Set<string>>();
  /** First metadata key of the field; undefined for pseudo-fields, which any change may touch. */
  readonly #root: string | undefined;

  constructor(field: string) {
    this.field = field;
    const f = field.startsWith('Metadata.') ? field.slice(9) : field;
    this.#root = f.startsWith('@') ? undefined : f.split('.')[0];
  }

  /** False when none of the ops can change this field's value, so an update may skip the index. */
  affectedBy(ops: readonly MetadataOp[]): boolean {
    if (this.#root === undefined) return true;
    for (let i = 0; i < ops.length; i++) if (underRoot((ops[i] as MetadataOp).Key, this.#root)) return true;
    return false;
  }

  /** Indexes an element (its current revision). */
  add(e: Element): void {
    for (const k of keysOf(getField(e, this.field), [])) this.#insert(k, e.ID);
  }

  /** Removes an element's revision from the index. */
  remove(e: Element): void {
    for (const k of keysOf(getField(e, this.field), [])) this.#delete(k, e.ID);
  }

  /** Moves an element from its old revision's values to the new one's; cheap when the field did not change. */
  update(before: Element, after: Element): void {
    const a = getField(before, this.field);
    const b = getField(after, this.field);
    if (a === b) return;
    const oldKeys = keysOf(a, []);
    const newKeys = keysOf(b, []);
    for (const k of oldKeys) if (!newKeys.includes(k)) this.#delete(k, before.ID);
    for (const k of newKeys) if (!oldKeys.includes(k)) this.#insert(k, after.ID);
  }

  /** IDs whose field matches `value` (after normalisation). */
  lookup(value: unknown): readonly string[] {
    const k = indexKey(value);
    if (k === undefined) return [];
    const hit = this.#map.get(k);
    if (hit === undefined) return [];
    return typeof hit === 'string' ? [hit] : [...hit];
  }

  /** Number of distinct indexed values. */
  get size(): number {
    return this.#map.size;
  }

  #insert(k: IndexKey, id: string): void {
    const hit = this.#map.get(k);
    if (hit === undefined) this.#map.set(k, id);
    else if (typeof hit === 'string') {
      if (hit !== id) this.#map.set(k, new Set([hit, id]));
    } else hit.add(id);
  }

  #delete(k: IndexKey, id: string): void {
    const hit = this.#map.get(k);
    if (hit === undefined) return;
    if (typeof hit === 'string') {
      if (hit === id) this.#map.delete(k);
      return;
    }
    hit.delete(id);
    if (hit.size === 1) this.#map.set(k, hit.values().next().value as string);
  }
}
