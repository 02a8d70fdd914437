// Dedup([k1, …]): drop repeated nodes or edges (by ID, or by the tuple of the given keys), repeated Value items
// (by deep value), or flatten Paths to their nodes and dedup those. The first occurrence is kept.
import { type Element, getField } from '@topoflow/graph';
import { Collector } from '../evaluator/collector.js';
import { defineStep, type QueryBudget } from '../extension.js';
import { objectGetter } from '../predicates/filter.js';
import { EdgesResult, NodesResult, PathsResult, ValueResult } from '../results/results.js';
import { invalidStepError } from '../errors.js';
import { stringParams } from './params.js';
import { type Window, windowOf } from './window.js';

/** Arguments of Dedup. */
export interface DedupArgs {
  readonly keys: readonly string[];
  readonly window: Window | undefined;
}

/** A JSON text of a value with object keys sorted, so equal values give equal texts. */
export function canonicalJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJSON).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJSON(o[k])}`).join(',')}}`;
  }
  return v === undefined ? 'null' : (JSON.stringify(v) ?? 'null');
}

/** The dedup key of an item, or undefined when it has none of the keys (such items are always kept). */
function tupleKey(item: unknown, keys: readonly string[], get: (item: unknown, key: string) => unknown): string | undefined {
  const values = keys.map((k) => get(item, k));
  return values.every((v) => v === undefined || v === null) ? undefined : canonicalJSON(values);
}

function dedupList<T>(items: Iterable<T>, key: (item: T) => string | undefined, window: Window | undefined,
  budget: QueryBudget): T[] {
  const seen = new Set<string>();
  const out = new Collector<T>(budget, window);
  for (const item of items) {
    budget.tick();
    const k = key(item);
    if (k !== undefined) {
      if (seen.has(k)) continue;
      seen.add(k);
    }
    if (!out.add(item)) break;
  }
  return out.result();
}

function elementKey(keys: readonly string[]): (e: Element) => string | undefined {
  if (keys.length === 0) return (e) => e.ID;
  return (e) => tupleKey(e, keys, getField as (item: unknown, key: string) => unknown);
}

function* flatten<T>(lists: readonly (readonly T[])[]): Iterable<T> {
  for (const l of lists) yield* l;
}

/** Dedup([k1, …]). */
export const dedupStep = defineStep<DedupArgs>({
  name: 'Dedup',
  inputs: ['nodes', 'edges', 'paths', 'value'],
  output: (kind) => (kind === 'paths' ? 'nodes' : kind),
  compile: (params, site) => ({ keys: stringParams(params, site, 'a key (string)'), window: undefined }),
  apply(input, args, ctx) {
    const b = ctx.budget;
    if (input instanceof NodesResult) return new NodesResult(dedupList(input.items, elementKey(args.keys), args.window, b), input.view);
    if (input instanceof EdgesResult) return new EdgesResult(dedupList(input.items, elementKey(args.keys), args.window, b), input.view);
    if (input instanceof PathsResult) {
      return new NodesResult(dedupList(flatten(input.paths), elementKey(args.keys), args.window, b), input.view);
    }
    const list = (input as ValueResult).value;
    if (!Array.isArray(list)) throw invalidStepError('Dedup', 'value (not a list)');
    const key = args.keys.length === 0
      ? (v: unknown) => canonicalJSON(v)
      : (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? tupleKey(v, args.keys, objectGetter) : canonicalJSON(v));
    return new ValueResult(dedupList(list as unknown[], key, undefined, b));
  },
  fuse(args, next) {
    const w = args.window === undefined ? windowOf(next) : undefined;
    return w === undefined ? undefined : { ...args, window: w };
  },
});
