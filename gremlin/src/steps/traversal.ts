// Moves between nodes and edges: Out/In/Both (node → node), OutE/InE/BothE (node → edge), OutV/InV/BothV
// (edge → node). Skydive semantics: InV is the edge's parent and OutV its child. Optional filter params apply to
// what is emitted; following Has/Range/Limit steps are fused in.
import type { Edge, GraphView, Node } from '@topoflow/graph';
import { Collector } from '../evaluator/collector.js';
import { defineStep, type QueryBudget, type StepContext, type StepDefinition } from '../extension.js';
import type { QueryResult } from '../contract.js';
import { compileFilter, type Filter } from '../predicates/filter.js';
import { EdgesResult, NodesResult } from '../results/results.js';
import { fuseFilterAndWindow } from './has.js';
import type { Window } from './window.js';

/** Arguments of traversal steps. */
export interface TraversalArgs {
  readonly filter: Filter | undefined;
  readonly window: Window | undefined;
}

type Direction = 'out' | 'in' | 'both';
type Apply = (input: QueryResult, args: TraversalArgs, ctx: StepContext) => QueryResult;

function traversal(name: string, inputs: 'nodes' | 'edges', output: 'nodes' | 'edges', apply: Apply): StepDefinition<TraversalArgs> {
  return defineStep<TraversalArgs>({
    name,
    inputs: [inputs],
    output,
    compile: (params, site) => ({ filter: compileFilter(params, false, site.position), window: undefined }),
    apply,
    fuse: fuseFilterAndWindow,
  });
}

/** Emits the parent (or child) of each edge; returns false once the collector is full. */
function emitEnds(edges: Iterable<Edge>, parents: boolean, skipLoops: boolean, view: GraphView, filter: Filter | undefined,
  out: Collector<Node>, budget: QueryBudget): boolean {
  for (const e of edges) {
    budget.tick();
    if (skipLoops && e.Parent === e.Child) continue;
    const n = view.getNode(parents ? e.Parent : e.Child);
    if (n !== undefined && (filter === undefined || filter.test(n)) && !out.add(n)) return false;
  }
  return true;
}

/** Emits edges; returns false once the collector is full. */
function emitEdges(edges: Iterable<Edge>, skipLoops: boolean, filter: Filter | undefined, out: Collector<Edge>,
  budget: QueryBudget): boolean {
  for (const e of edges) {
    budget.tick();
    if (skipLoops && e.Parent === e.Child) continue;
    if ((filter === undefined || filter.test(e)) && !out.add(e)) return false;
  }
  return true;
}

function adjacentNodes(dir: Direction): Apply {
  return (input, args, ctx) => {
    const { items, view } = input as NodesResult;
    const out = new Collector<Node>(ctx.budget, args.window);
    for (const n of items) {
      if (dir !== 'in' && !emitEnds(view.outEdges(n.ID), false, false, view, args.filter, out, ctx.budget)) break;
      if (dir !== 'out' && !emitEnds(view.inEdges(n.ID), true, dir === 'both', view, args.filter, out, ctx.budget)) break;
    }
    return new NodesResult(out.result(), view);
  };
}

function adjacentEdges(dir: Direction): Apply {
  return (input, args, ctx) => {
    const { items, view } = input as NodesResult;
    const out = new Collector<Edge>(ctx.budget, args.window);
    for (const n of items) {
      if (dir !== 'in' && !emitEdges(view.outEdges(n.ID), false, args.filter, out, ctx.budget)) break;
      if (dir !== 'out' && !emitEdges(view.inEdges(n.ID), dir === 'both', args.filter, out, ctx.budget)) break;
    }
    return new EdgesResult(out.result(), view);
  };
}

function endpoints(parent: boolean, child: boolean): Apply {
  return (input, args, ctx) => {
    const { items, view } = input as EdgesResult;
    const out = new Collector<Node>(ctx.budget, args.window);
    const one = [undefined as unknown as Edge];
    for (const e of items) {
      one[0] = e;
      if (parent && !emitEnds(one, true, false, view, args.filter, out, ctx.budget)) break;
      if (child && !emitEnds(one, false, false, view, args.filter, out, ctx.budget)) break;
    }
    return new NodesResult(out.result(), view);
  };
}

/** Out([filter]): children of each node. */
export const outStep = traversal('Out', 'nodes', 'nodes', adjacentNodes('out'));
/** In([filter]): parents of each node. */
export const inStep = traversal('In', 'nodes', 'nodes', adjacentNodes('in'));
/** Both([filter]): children then parents of each node. */
export const bothStep = traversal('Both', 'nodes', 'nodes', adjacentNodes('both'));
/** OutE([filter]): edges whose Parent is the node. */
export const outEStep = traversal('OutE', 'nodes', 'edges', adjacentEdges('out'));
/** InE([filter]): edges whose Child is the node. */
export const inEStep = traversal('InE', 'nodes', 'edges', adjacentEdges('in'));
/** BothE([filter]): every edge of the node (a self-loop once). */
export const bothEStep = traversal('BothE', 'nodes', 'edges', adjacentEdges('both'));
/** InV([filter]): the parent of each edge (Skydive semantics, the reverse of TinkerPop). */
export const inVStep = traversal('InV', 'edges', 'nodes', endpoints(true, false));
/** OutV([filter]): the child of each edge. */
export const outVStep = traversal('OutV', 'edges', 'nodes', endpoints(false, true));
/** BothV([filter]): parent then child of each edge. */
export const bothVStep = traversal('BothV', 'edges', 'nodes', endpoints(true, true));
