// Flows([k, v, …]) from the graph (every capture), from nodes or paths (only capture-capable nodes' TIDs). Following
// flow-list steps are absorbed: leading filters and a first window become the FlowSearch, the rest runs here in order.
import type { GraphView, Node } from '@topoflow/graph';
import {
  defineStep, Filter, type GraphResult, keyTerm, NodesResult, type PathsResult, type QueryResult, type StepDefinition,
} from '@topoflow/gremlin';
import { isCaptureAllowed } from '../model/capture-types.js';
import { flowGetter } from '../model/fields.js';
import type { Flow } from '../model/flow.js';
import type { FlowSearch } from '../query/contract.js';
import { type FlowsData, FlowResultKinds } from './kinds.js';
import { applyFlowOps, filterFlows, type FlowOp, flowOpOf } from './ops.js';
import { compileFlowFilter } from './params.js';
import { type FlowExtensionDeps, searchFlows } from './source.js';

/** Arguments of Flows(): its own filter, then the operations it absorbed. */
export interface FlowsArgs {
  readonly filter: Filter | undefined;
  readonly ops: readonly FlowOp[];
}

/** A search and the operations left to run on what it returns. */
interface SearchPlan {
  readonly filter: Filter | undefined;
  readonly limit: number | undefined;
  readonly rest: readonly FlowOp[];
}

/** Folds Flows()'s filter and the leading Has-like operations into one filter, and a window right after into a limit. */
export function planSearch(args: FlowsArgs): SearchPlan {
  let filter = args.filter;
  let i = 0;
  for (; i < args.ops.length; i++) {
    const op = args.ops[i] as FlowOp;
    if (op.op !== 'filter') break;
    filter = filter === undefined ? op.filter : filter.and(op.filter);
  }
  const next = args.ops[i];
  return { filter, limit: next?.op === 'window' ? next.window.to : undefined, rest: args.ops.slice(i) };
}

/** TIDs of the capture-capable nodes among `nodes`, each once. */
export function captureTIDs(nodes: Iterable<Node>): string[] {
  const tids = new Set<string>();
  for (const n of nodes) {
    const tid = n.Metadata.TID;
    if (isCaptureAllowed(n.Metadata.Type) && typeof tid === 'string' && tid !== '') tids.add(tid);
  }
  return [...tids];
}

/** The graph flows resolve nodes in, and the capture node TIDs (undefined: every capture) of the input. */
function inputScope(input: QueryResult): { view: GraphView; tids: string[] | undefined } {
  if (input.kind === 'graph') return { view: (input as GraphResult).graph, tids: undefined };
  if (input instanceof NodesResult) return { view: input.view, tids: captureTIDs(input.items) };
  const paths = input as PathsResult;
  return { view: paths.view, tids: captureTIDs(paths.paths.flat()) };
}

/** The filter re-applied to what the source returns: the search's, and the capture nodes' TIDs. */
function withTIDs(filter: Filter | undefined, tids: readonly string[] | undefined): Filter | undefined {
  if (tids === undefined) return filter;
  const set = new Set(tids);
  const tidFilter = new Filter([keyTerm('NodeTID', (v) => typeof v === 'string' && set.has(v))]);
  return filter === undefined ? tidFilter : tidFilter.and(filter);
}

/** The search's filter, remembering the flows it accepted so they are not tested twice. */
function remembering(filter: Filter, passed: WeakSet<Flow>): (f: Flow) => boolean {
  return (f) => {
    const ok = filter.testWith(f, flowGetter);
    if (ok) passed.add(f);
    return ok;
  };
}

/** The filter re-applied to what the source returns (it may ignore the search), skipping flows it already accepted. */
function unlessPassed(filter: Filter, passed: WeakSet<Flow>): Filter {
  return new Filter([{ key: undefined, lookup: undefined, test: (item) => passed.has(item as Flow) || filter.testWith(item, flowGetter) }]);
}

/** Flows([k, v, …]). */
export function flowsStep(deps: FlowExtensionDeps): StepDefinition<FlowsArgs> {
  return defineStep<FlowsArgs>({
    name: 'Flows',
    inputs: ['graph', 'nodes', 'paths'],
    output: FlowResultKinds.FLOWS,
    compile: (params, site) => ({ filter: params.length === 0 ? undefined : compileFlowFilter(params, false, site), ops: [] }),
    async apply(input, args, ctx) {
      const { view, tids } = inputScope(input);
      if (tids !== undefined && tids.length === 0) return ctx.result<FlowsData>(FlowResultKinds.FLOWS, { flows: [], view });
      const plan = planSearch(args);
      const passed = new WeakSet<Flow>();
      const search: FlowSearch = {
        ...(tids === undefined ? {} : { nodeTIDs: tids }),
        ...(plan.filter === undefined ? {} : { filter: remembering(plan.filter, passed) }),
        ...(plan.limit === undefined ? {} : { limit: plan.limit }),
      };
      const found = await searchFlows(deps, search, ctx);
      ctx.budget.ensureSize(found.length);
      const filter = withTIDs(plan.filter === undefined ? undefined : unlessPassed(plan.filter, passed), tids);
      const matching = filter === undefined ? found : filterFlows(found, filter, ctx.budget);
      const flows = applyFlowOps(matching, plan.rest, ctx.budget);
      return ctx.result<FlowsData>(FlowResultKinds.FLOWS, { flows, view });
    },
    fuse(args, next) {
      const op = flowOpOf(next);
      return op === undefined ? undefined : { ...args, ops: [...args.ops, op] };
    },
  });
}
