// Operations on lists of flows, as Skydive's FlowSet does them: sort, dedup, group, and the merge of the sets that
// several agents (or stores) return for one query, which honours the query's sort and dedup.
import type { Flow } from './flow.js';
import { getFlowField } from './fields.js';

/** Key Sort() uses when none is given. */
export const DEFAULT_SORT_KEY = 'Last';
/** Key Dedup() uses when none is given. */
export const DEFAULT_DEDUP_KEY = 'TrackingID';
/** Key Group() uses when none is given. */
export const DEFAULT_GROUP_KEY = 'TrackingID';

/** Sort direction. */
export type FlowSortOrder = 'ASC' | 'DESC';

/** How sortFlows orders flows. */
export interface FlowSortOptions {
  /** Field to sort on (default 'Last'). */
  key?: string;
  /** Default ascending. */
  order?: FlowSortOrder;
}

/** How two flow sets are merged: like Skydive's MergeContext. */
export interface FlowMergeOptions {
  sort?: boolean;
  sortBy?: string;
  /** Skydive quirk kept: any order other than 'ASC' (including none) merges in descending order. */
  sortOrder?: FlowSortOrder;
  dedup?: boolean;
  dedupBy?: string;
}

type SortValue = number | string | undefined;

function sortValue(flow: Flow, key: string): SortValue {
  const v = getFlowField(flow, key);
  return typeof v === 'number' || typeof v === 'string' ? v : undefined;
}

/** Orders two defined values: numbers numerically, strings by code unit, numbers before strings. */
function compareDefined(a: number | string, b: number | string): number {
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  return typeof a === 'number' ? -1 : 1;
}

/** A stable sorted copy; flows lacking the key come last whatever the order. */
export function sortFlows(flows: readonly Flow[], options: FlowSortOptions = {}): Flow[] {
  const key = options.key ?? DEFAULT_SORT_KEY;
  const sign = options.order === 'DESC' ? -1 : 1;
  const keyed = flows.map((flow) => ({ flow, value: sortValue(flow, key) }));
  keyed.sort((a, b) => {
    if (a.value === undefined || b.value === undefined) return a.value === b.value ? 0 : a.value === undefined ? 1 : -1;
    return sign * compareDefined(a.value, b.value);
  });
  return keyed.map((k) => k.flow);
}

/** A text standing for a value, equal for equal values whatever the key order of objects. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** The dedup key of a flow over `keys`, or undefined when it has none of them. */
export function dedupKeyOf(flow: Flow, keys: readonly string[]): string | undefined {
  if (keys.length === 1) {
    const v = getFlowField(flow, keys[0] as string);
    if (typeof v === 'string') return `s${v}`;
    if (typeof v === 'number') return `n${v}`;
    return v === undefined ? undefined : canonical(v);
  }
  const values = keys.map((k) => getFlowField(flow, k));
  return values.every((v) => v === undefined) ? undefined : canonical(values);
}

/** Keeps the first flow of each key tuple (default TrackingID); flows having none of the keys are kept. */
export function dedupFlows(flows: readonly Flow[], keys: readonly string[] = [DEFAULT_DEDUP_KEY]): Flow[] {
  const seen = new Set<string>();
  const out: Flow[] = [];
  for (const f of flows) {
    const k = dedupKeyOf(f, keys.length === 0 ? [DEFAULT_DEDUP_KEY] : keys);
    if (k !== undefined) {
      if (seen.has(k)) continue;
      seen.add(k);
    }
    out.push(f);
  }
  return out;
}

/** Flows by the value of `key` (default TrackingID), in first-seen order; flows lacking the key are left out. */
export function groupFlows(flows: readonly Flow[], key: string = DEFAULT_GROUP_KEY): Map<string, Flow[]> {
  const groups = new Map<string, Flow[]>();
  for (const f of flows) {
    const v = getFlowField(f, key);
    if (v === undefined) continue;
    const k = typeof v === 'string' ? v : canonical(v);
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [f]);
    else g.push(f);
  }
  return groups;
}

/** Adds flows to `out` unless their dedup key was seen (every flow when `visited` is undefined). */
function pushUnseen(out: Flow[], flows: readonly Flow[], visited: Set<string> | undefined, keys: readonly string[]): void {
  for (const f of flows) {
    if (visited !== undefined) {
      const k = dedupKeyOf(f, keys);
      if (k !== undefined && visited.has(k)) continue;
      if (k !== undefined) visited.add(k);
    }
    out.push(f);
  }
}

/** Skydive's merge of two sorted lists; "left first" is `left <= right` ascending and its negation otherwise. */
function mergeSorted(left: readonly Flow[], right: readonly Flow[], options: FlowMergeOptions): Flow[] {
  const key = options.sortBy ?? DEFAULT_SORT_KEY;
  const keys = [options.dedupBy ?? DEFAULT_DEDUP_KEY];
  const visited = options.dedup ? new Set<string>() : undefined;
  const ascending = options.sortOrder === 'ASC';
  const out: Flow[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const lf = left[i] as Flow;
    const rf = right[j] as Flow;
    const a = sortValue(lf, key);
    const b = sortValue(rf, key);
    const le = a === undefined ? b === undefined : b === undefined || compareDefined(a, b) <= 0;
    const takeLeft = ascending ? le : !le;
    pushUnseen(out, [takeLeft ? lf : rf], visited, keys);
    if (takeLeft) i++;
    else j++;
  }
  pushUnseen(out, left.slice(i), visited, keys);
  pushUnseen(out, right.slice(j), visited, keys);
  return out;
}

/**
 * Merges two flow sets, each already sorted and deduplicated by the same options: a merge sort when sorting,
 * otherwise `b`'s flows whose dedup key `a` lacks are appended (dedup), or all of them.
 */
export function mergeFlows(a: readonly Flow[], b: readonly Flow[], options: FlowMergeOptions = {}): Flow[] {
  if (options.sort) return mergeSorted(a, b, options);
  if (!options.dedup) return [...a, ...b];
  const keys = [options.dedupBy ?? DEFAULT_DEDUP_KEY];
  const visited = new Set<string>();
  for (const f of a) {
    const k = dedupKeyOf(f, keys);
    if (k !== undefined) visited.add(k);
  }
  const out = [...a];
  pushUnseen(out, b, visited, keys);
  return out;
}
