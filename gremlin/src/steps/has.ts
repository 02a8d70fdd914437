// Has, HasEither, HasKey, HasNot: keep the nodes, edges or Value-list objects matching a filter (§4.4).
import type { Element } from '@topoflow/graph';
import { invalidStepError, paramsError } from '../errors.js';
import { Collector } from '../evaluator/collector.js';
import { defineStep, type NextStep, type QueryBudget, type StepDefinition, type StepSite } from '../extension.js';
import type { Param } from '../parser/ast.js';
import { absentTerm, compileFilter, existsTerm, Filter, objectGetter } from '../predicates/filter.js';
import { EdgesResult, NodesResult, ValueResult } from '../results/results.js';
import { expectCount, stringParam } from './params.js';
import { type Window, windowOf } from './window.js';

/** Arguments of filtering steps. */
export interface FilterArgs {
  readonly filter: Filter;
  readonly window: Window | undefined;
}

/** Keeps the elements passing the filter, stopping early once the window is full. */
export function filterElements<T extends Element>(items: readonly T[], filter: Filter, window: Window | undefined,
  budget: QueryBudget): readonly T[] {
  const out = new Collector<T>(budget, window);
  for (const e of items) {
    budget.tick();
    if (filter.test(e) && !out.add(e)) break;
  }
  return out.result();
}

function filterStep(name: string, build: (params: readonly Param[], site: StepSite) => Filter): StepDefinition<FilterArgs> {
  return defineStep<FilterArgs>({
    name,
    inputs: ['nodes', 'edges', 'value'],
    output: (kind) => kind,
    compile: (params, site) => ({ filter: build(params, site), window: undefined }),
    apply(input, args, ctx) {
      if (input instanceof NodesResult) return new NodesResult(filterElements(input.items, args.filter, args.window, ctx.budget), input.view);
      if (input instanceof EdgesResult) return new EdgesResult(filterElements(input.items, args.filter, args.window, ctx.budget), input.view);
      const list = (input as ValueResult).value;
      if (!Array.isArray(list)) throw invalidStepError(name, 'value (not a list)');
      const out: unknown[] = [];
      for (const item of list) {
        ctx.budget.tick();
        if (args.filter.testWith(item, objectGetter)) out.push(item);
      }
      return new ValueResult(out);
    },
    fuse(args, next) {
      const w = args.window === undefined ? windowOf(next) : undefined;
      return w === undefined ? undefined : { ...args, window: w };
    },
  });
}

/** Has(k) / Has(k1, v1, …): AND of the terms. */
export const hasStep = filterStep('Has', (params, site) => {
  const f = compileFilter(params, false, site.position);
  if (f === undefined) throw paramsError('Has() needs a key or key,value pairs', site.position);
  return f;
});

/** HasEither(k1, v1, …): OR of the terms. */
export const hasEitherStep = filterStep('HasEither', (params, site) => {
  const f = compileFilter(params, true, site.position);
  if (f === undefined) throw paramsError('HasEither() needs a key or key,value pairs', site.position);
  return f;
});

/** HasKey(k): the key exists. */
export const hasKeyStep = filterStep('HasKey', (params, site) => {
  expectCount(params, site, 1);
  return new Filter([existsTerm(stringParam(params[0] as Param, site, 'a key (string)'))]);
});

/** HasNot(k): the key is absent. */
export const hasNotStep = filterStep('HasNot', (params, site) => {
  expectCount(params, site, 1);
  return new Filter([absentTerm(stringParam(params[0] as Param, site, 'a key (string)'))]);
});

const FILTER_STEPS: ReadonlySet<StepDefinition> = new Set<StepDefinition>([hasStep, hasEitherStep, hasKeyStep, hasNotStep]);

/** The filter of a following element-filtering step with no window of its own, if that is what it is. */
export function filterOf(next: NextStep): Filter | undefined {
  if (!FILTER_STEPS.has(next.def) || next.input === 'value') return undefined;
  const args = next.args as FilterArgs;
  return args.window === undefined ? args.filter : undefined;
}

/** Fusion for element producers: absorb following filters, then a Range/Limit window (§4.7). */
export function fuseFilterAndWindow<A extends { readonly filter: Filter | undefined; readonly window: Window | undefined }>(
  args: A, next: NextStep): A | undefined {
  if (args.window !== undefined) return undefined;
  const w = windowOf(next);
  if (w !== undefined) return { ...args, window: w };
  const f = filterOf(next);
  if (f === undefined) return undefined;
  return { ...args, filter: args.filter === undefined ? f : args.filter.and(f) };
}
