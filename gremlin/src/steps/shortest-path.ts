// ShortestPathTo(Metadata(...)[, Metadata(...)]): for each input node, an unweighted shortest path over edges in
// either direction to one node matching the target metadata. One BFS from the target serves every source.
import type { Edge, GraphView, Node } from '@topoflow/graph';
import { paramsError } from '../errors.js';
import { defineStep, type QueryBudget } from '../extension.js';
import { selectNodes } from '../evaluator/select.js';
import type { Param } from '../parser/ast.js';
import { compileMetadata, type Filter } from '../predicates/filter.js';
import { NodesResult, PathsResult } from '../results/results.js';
import { expectCount } from './params.js';

/** Arguments of ShortestPathTo. */
export interface PathArgs {
  readonly target: Filter;
  readonly edges: Filter | undefined;
}

function metadataParam(p: Param): Filter {
  if (p.kind !== 'call' || p.name !== 'Metadata') throw paramsError("ShortestPathTo() expects Metadata('key', value, …)", p.pos);
  return compileMetadata(p);
}

/** Breadth-first search from the target; returns, for each reached node, its neighbour one hop closer. */
function towards(view: GraphView, target: Node, edges: Filter | undefined, wanted: Set<string>, budget: QueryBudget): Map<string, Node> {
  const next = new Map<string, Node>();
  const seen = new Set<string>([target.ID]);
  let frontier: Node[] = [target];
  const visit = (from: Node, e: Edge, otherId: string, out: Node[]): void => {
    budget.tick();
    if (seen.has(otherId) || (edges !== undefined && !edges.test(e))) return;
    const other = view.getNode(otherId);
    if (other === undefined) return;
    seen.add(otherId);
    next.set(otherId, from);
    wanted.delete(otherId);
    out.push(other);
  };
  while (frontier.length > 0 && wanted.size > 0) {
    const following: Node[] = [];
    for (const x of frontier) {
      for (const e of view.outEdges(x.ID)) visit(x, e, e.Child, following);
      for (const e of view.inEdges(x.ID)) visit(x, e, e.Parent, following);
    }
    frontier = following;
  }
  return next;
}

/** ShortestPathTo(Metadata(...)[, Metadata(...)]). */
export const shortestPathStep = defineStep<PathArgs>({
  name: 'ShortestPathTo',
  inputs: ['nodes'],
  output: 'paths',
  compile(params, site) {
    expectCount(params, site, 1, 2);
    const edges = params[1] === undefined ? undefined : metadataParam(params[1]);
    return { target: metadataParam(params[0] as Param), edges };
  },
  apply(input, args, ctx) {
    const { items, view } = input as NodesResult;
    const [target] = selectNodes(view, args.target, { from: 0, to: 1 }, ctx.budget);
    if (target === undefined) return new PathsResult([], view);
    const wanted = new Set(items.map((n) => n.ID));
    wanted.delete(target.ID);
    const next = towards(view, target, args.edges, wanted, ctx.budget);
    const paths: Node[][] = [];
    let size = 0;
    for (const source of items) {
      if (source.ID !== target.ID && !next.has(source.ID)) continue;
      const path: Node[] = [source];
      for (let cur = source; cur.ID !== target.ID;) {
        cur = next.get(cur.ID) as Node;
        path.push(cur);
      }
      size += path.length;
      ctx.budget.ensureSize(size);
      paths.push(path);
    }
    return new PathsResult(paths, view);
  },
});
