// Steps that turn a flow list into a flow list: Has, HasEither, HasKey, HasNot, Dedup, Sort, Range and Limit. Each
// compiles to a FlowOp, so Flows() can absorb them (folding leading filters and a limit into its FlowSearch).
import {
  absentTerm, applyWindow, defineStep, existsTerm, expectCount, Filter, integerParam, type NextStep, type Param,
  paramsError, type QueryBudget, type StepDefinition, type StepSite, type Window,
} from '@topoflow/gremlin';
import { flowGetter } from '../model/fields.js';
import type { Flow } from '../model/flow.js';
import { DEFAULT_DEDUP_KEY, DEFAULT_SORT_KEY, dedupFlows, type FlowSortOrder, sortFlows } from '../model/set.js';
import { dataOf, type FlowsData, FlowResultKinds } from './kinds.js';
import { compileFlowFilter, flowKeyParam } from './params.js';

/** One operation on a flow list. */
export type FlowOp =
  | { readonly op: 'filter'; readonly filter: Filter }
  | { readonly op: 'dedup'; readonly keys: readonly string[] }
  | { readonly op: 'sort'; readonly key: string; readonly order: FlowSortOrder }
  | { readonly op: 'window'; readonly window: Window };

/** The flows passing a filter. */
export function filterFlows(flows: readonly Flow[], filter: Filter, budget: QueryBudget): Flow[] {
  const out: Flow[] = [];
  for (const f of flows) {
    budget.tick();
    if (filter.testWith(f, flowGetter)) out.push(f);
  }
  return out;
}

/** Applies operations in order. */
export function applyFlowOps(flows: readonly Flow[], ops: readonly FlowOp[], budget: QueryBudget): readonly Flow[] {
  let cur = flows;
  for (const op of ops) {
    switch (op.op) {
      case 'filter': cur = filterFlows(cur, op.filter, budget); break;
      case 'dedup': cur = dedupFlows(cur, op.keys); break;
      case 'sort': cur = sortFlows(cur, { key: op.key, order: op.order }); break;
      case 'window': cur = applyWindow(cur, op.window); break;
    }
    budget.check();
  }
  return cur;
}

function opStep(name: string, compile: (params: readonly Param[], site: StepSite) => FlowOp): StepDefinition<FlowOp> {
  return defineStep<FlowOp>({
    name,
    inputs: [FlowResultKinds.FLOWS],
    output: FlowResultKinds.FLOWS,
    compile,
    apply(input, op, ctx) {
      const data = dataOf<FlowsData>(input);
      return ctx.result<FlowsData>(FlowResultKinds.FLOWS, { flows: applyFlowOps(data.flows, [op], ctx.budget), view: data.view });
    },
  });
}

function keyParam(params: readonly Param[], site: StepSite): string {
  expectCount(params, site, 1);
  return flowKeyParam(params[0] as Param, site);
}

/** Has(k1, v1, …) on flows. */
export const flowHasStep = opStep('Has', (params, site) => ({ op: 'filter', filter: compileFlowFilter(params, false, site) }));

/** HasEither(k1, v1, …) on flows. */
export const flowHasEitherStep = opStep('HasEither', (params, site) => ({ op: 'filter', filter: compileFlowFilter(params, true, site) }));

/** HasKey(k) on flows: the flow has the field (a layer, or a leaf of a present layer). */
export const flowHasKeyStep = opStep('HasKey', (params, site) => ({ op: 'filter', filter: new Filter([existsTerm(keyParam(params, site))]) }));

/** HasNot(k) on flows: the flow lacks the field. */
export const flowHasNotStep = opStep('HasNot', (params, site) => ({ op: 'filter', filter: new Filter([absentTerm(keyParam(params, site))]) }));

/** Dedup([k, …]) on flows: the first flow of each key value (default TrackingID). */
export const flowDedupStep = opStep('Dedup', (params, site) => ({
  op: 'dedup', keys: params.length === 0 ? [DEFAULT_DEDUP_KEY] : params.map((p) => flowKeyParam(p, site)),
}));

/** Sort([ASC|DESC], [k]) on flows: default key Last, ascending. */
export const flowSortStep = opStep('Sort', (params, site) => {
  let i = 0;
  let order: FlowSortOrder = 'ASC';
  const first = params[0];
  if (first?.kind === 'const' && (first.value === 'ASC' || first.value === 'DESC')) {
    order = first.value;
    i = 1;
  }
  if (params.length > i + 1) throw paramsError('Sort() takes ([ASC|DESC], [key])', (params[i + 1] as Param).pos);
  const p = params[i];
  return { op: 'sort', order, key: p === undefined ? DEFAULT_SORT_KEY : flowKeyParam(p, site, (t) => t !== 'struct') };
});

/** Range(from, to) on flows. */
export const flowRangeStep = opStep('Range', (params, site) => {
  expectCount(params, site, 2);
  const from = integerParam(params[0] as Param, site);
  const to = integerParam(params[1] as Param, site);
  if (to < from) throw paramsError('Range(from, to): to must not be smaller than from', (params[1] as Param).pos);
  return { op: 'window', window: { from, to } };
});

/** Limit(n) on flows. */
export const flowLimitStep = opStep('Limit', (params, site) => {
  expectCount(params, site, 1);
  return { op: 'window', window: { from: 0, to: integerParam(params[0] as Param, site) } };
});

/** The flow-list steps, in registration order. */
export const FLOW_OP_STEPS: readonly StepDefinition<FlowOp>[] = [
  flowHasStep, flowHasEitherStep, flowHasKeyStep, flowHasNotStep, flowDedupStep, flowSortStep, flowRangeStep, flowLimitStep,
];

const OP_SET: ReadonlySet<StepDefinition> = new Set<StepDefinition>(FLOW_OP_STEPS as readonly StepDefinition[]);

/** The operation of a following flow-list step, if that is what it is. */
export function flowOpOf(next: NextStep): FlowOp | undefined {
  return OP_SET.has(next.def) && next.input === FlowResultKinds.FLOWS ? (next.args as FlowOp) : undefined;
}
