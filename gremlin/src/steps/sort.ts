// Sort([ASC|DESC], [key]) on node and edge lists: numeric when the first value found is a number, otherwise
// by string; items lacking the key go last. The default key is '@CreatedAt' (Skydive's 'CreatedAt' sorted nothing).
import { type Element, getField } from '@topoflow/graph';
import { paramsError } from '../errors.js';
import { defineStep, type QueryBudget, type StepSite } from '../extension.js';
import type { Param } from '../parser/ast.js';
import { EdgesResult, NodesResult } from '../results/results.js';
import { stringParam } from './params.js';

/** Arguments of Sort. */
export interface SortArgs {
  readonly descending: boolean;
  readonly key: string;
}

/** The key sorted on when none is given. */
export const DEFAULT_SORT_KEY = '@CreatedAt';

function compileSort(params: readonly Param[], site: StepSite): SortArgs {
  let i = 0;
  let descending = false;
  const first = params[0];
  if (first?.kind === 'const' && (first.value === 'ASC' || first.value === 'DESC')) {
    descending = first.value === 'DESC';
    i = 1;
  }
  if (params.length > i + 1) throw paramsError('Sort() takes ([ASC|DESC], [key])', (params[i + 1] as Param).pos);
  const keyParam = params[i];
  return { descending, key: keyParam === undefined ? DEFAULT_SORT_KEY : stringParam(keyParam, site, 'ASC, DESC or a key') };
}

function scalarOf(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

/** Sorts a copy of the list; stable, so equal keys keep their order. */
export function sortElements<T extends Element>(items: readonly T[], args: SortArgs, budget: QueryBudget): T[] {
  const keyed: { item: T; value: unknown }[] = [];
  let numeric: boolean | undefined;
  for (const item of items) {
    budget.tick();
    const value = scalarOf(getField(item, args.key));
    if (numeric === undefined && value !== undefined && value !== null) numeric = typeof value === 'number';
    keyed.push({ item, value });
  }
  const usable = numeric ? (v: unknown) => typeof v === 'number' : (v: unknown) => typeof v === 'string';
  const sign = args.descending ? -1 : 1;
  keyed.sort((a, b) => {
    budget.tick();
    const ua = usable(a.value);
    const ub = usable(b.value);
    if (!ua || !ub) return ua === ub ? 0 : ua ? -1 : 1;
    const va = a.value as number | string;
    const vb = b.value as number | string;
    return va < vb ? -sign : va > vb ? sign : 0;
  });
  return keyed.map((k) => k.item);
}

/** Sort([ASC|DESC], [key]). */
export const sortStep = defineStep<SortArgs>({
  name: 'Sort',
  inputs: ['nodes', 'edges'],
  output: (kind) => kind,
  compile: compileSort,
  apply(input, args, ctx) {
    if (input instanceof NodesResult) return new NodesResult(sortElements(input.items, args, ctx.budget), input.view);
    const edges = input as EdgesResult;
    return new EdgesResult(sortElements(edges.items, args, ctx.budget), edges.view);
  },
});
