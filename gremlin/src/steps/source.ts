// The steps that start from a graph: V([id]) and E([id]) (with fused filters and windows), and bare `.G`.
import { GremlinErrors, gremlinError, paramsError } from '../errors.js';
import { defineStep, type StepSite } from '../extension.js';
import type { Param } from '../parser/ast.js';
import type { Filter } from '../predicates/filter.js';
import { selectEdges, selectNodes } from '../evaluator/select.js';
import { EdgesResult, GraphResult, NodesResult } from '../results/results.js';
import { filterElements, fuseFilterAndWindow } from './has.js';
import { applyWindow, type Window } from './window.js';

/** Arguments of V and E: an optional ID, then what fusion absorbed. */
export interface SourceArgs {
  readonly id: string | undefined;
  readonly filter: Filter | undefined;
  readonly window: Window | undefined;
}

function compileSource(params: readonly Param[], site: StepSite): SourceArgs {
  const p = params[0];
  if (params.length > 1 || (p !== undefined && p.kind !== 'string')) {
    throw paramsError(`${site.name}() takes no parameter or one ID (filter with Has())`, p?.pos ?? site.position);
  }
  return { id: p?.value, filter: undefined, window: undefined };
}

function byId<T extends { readonly ID: string }>(found: T | undefined, what: string, id: string): T[] {
  if (found === undefined) throw gremlinError(GremlinErrors.NOT_FOUND, `${what} '${id}' does not exist`, { id });
  return [found];
}

/** V(): the nodes of the graph; V('id'): that node. */
export const vStep = defineStep<SourceArgs>({
  name: 'V',
  inputs: ['graph'],
  output: 'nodes',
  compile: compileSource,
  apply(input, args, ctx) {
    const view = (input as GraphResult).graph;
    if (args.id === undefined) return new NodesResult(selectNodes(view, args.filter, args.window, ctx.budget), view);
    const one = byId(view.getNode(args.id), 'Node', args.id);
    const kept = args.filter === undefined ? one : filterElements(one, args.filter, undefined, ctx.budget);
    return new NodesResult(applyWindow(kept, args.window), view);
  },
  fuse: fuseFilterAndWindow,
});

/** E(): the edges of the graph; E('id'): that edge. */
export const eStep = defineStep<SourceArgs>({
  name: 'E',
  inputs: ['graph'],
  output: 'edges',
  compile: compileSource,
  apply(input, args, ctx) {
    const view = (input as GraphResult).graph;
    if (args.id === undefined) return new EdgesResult(selectEdges(view, args.filter, args.window, ctx.budget), view);
    const one = byId(view.getEdge(args.id), 'Edge', args.id);
    const kept = args.filter === undefined ? one : filterElements(one, args.filter, undefined, ctx.budget);
    return new EdgesResult(applyWindow(kept, args.window), view);
  },
  fuse: fuseFilterAndWindow,
});

/** Bare `.G`: back to the query's root graph (As() names are kept). */
export const rootStep = defineStep<undefined>({
  name: 'G',
  inputs: 'any',
  output: 'graph',
  compile: () => undefined,
  apply: (_input, _args, ctx) => new GraphResult(ctx.root),
});
