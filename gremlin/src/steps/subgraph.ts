// SubGraph([edge filter]): a temporary graph of the input nodes (or edges, or path nodes) and the edges between
// them; following steps run on it. Elements are shared with the source graph, not copied.
import { type Edge, type GraphView, MemoryGraph, type Node } from '@topoflow/graph';
import { defineStep, type QueryBudget } from '../extension.js';
import { compileFilter, type Filter } from '../predicates/filter.js';
import { EdgesResult, GraphResult, NodesResult, PathsResult } from '../results/results.js';

/** Arguments of SubGraph. */
export interface SubGraphArgs {
  readonly edges: Filter | undefined;
}

function emptyGraph(): MemoryGraph {
  return new MemoryGraph({ nodeIndexes: [], edgeIndexes: [] });
}

function fromNodes(nodes: Iterable<Node>, view: GraphView, edges: Filter | undefined, budget: QueryBudget): MemoryGraph {
  const g = emptyGraph();
  for (const n of nodes) {
    budget.tick();
    g.apply({ type: 'nodeAdded', node: n });
  }
  let size = g.nodeCount;
  budget.ensureSize(size);
  for (const n of g.nodes()) {
    for (const e of view.outEdges(n.ID)) {
      budget.tick();
      if (g.getNode(e.Child) === undefined || (edges !== undefined && !edges.test(e))) continue;
      if (g.apply({ type: 'edgeAdded', edge: e }) === 'applied') budget.ensureSize(++size);
    }
  }
  return g;
}

function fromEdges(list: readonly Edge[], view: GraphView, edges: Filter | undefined, budget: QueryBudget): MemoryGraph {
  const g = emptyGraph();
  for (const e of list) {
    budget.tick();
    if (edges !== undefined && !edges.test(e)) continue;
    const parent = view.getNode(e.Parent);
    const child = view.getNode(e.Child);
    if (parent === undefined || child === undefined) continue;
    g.apply({ type: 'nodeAdded', node: parent });
    g.apply({ type: 'nodeAdded', node: child });
    g.apply({ type: 'edgeAdded', edge: e });
    budget.ensureSize(g.nodeCount + g.edgeCount);
  }
  return g;
}

/** SubGraph([edge filter]). */
export const subGraphStep = defineStep<SubGraphArgs>({
  name: 'SubGraph',
  inputs: ['nodes', 'edges', 'paths'],
  output: 'graph',
  compile: (params, site) => ({ edges: compileFilter(params, false, site.position) }),
  apply(input, args, ctx) {
    if (input instanceof NodesResult) return new GraphResult(fromNodes(input.items, input.view, args.edges, ctx.budget));
    if (input instanceof EdgesResult) return new GraphResult(fromEdges(input.items, input.view, args.edges, ctx.budget));
    const paths = input as PathsResult;
    return new GraphResult(fromNodes(paths.paths.flat(), paths.view, args.edges, ctx.budget));
  },
});
