// Descendants, Ascendants and Neighbors: the input nodes followed by the nodes reached, level by level, through
// edges matching an OR of key/value pairs (default RelationType = ownership), up to a depth.
import type { Edge, GraphView, Node } from '@topoflow/graph';
import { defineStep, type QueryBudget, type StepSite } from '../extension.js';
import type { Param } from '../parser/ast.js';
import { compileFilter, Filter, keyTerm } from '../predicates/filter.js';
import { anyElement, equalsTest } from '../predicates/match.js';
import { NodesResult } from '../results/results.js';
import { integerParam } from './params.js';

/** Arguments of the walking steps. */
export interface WalkArgs {
  readonly edges: Filter;
  /** Levels to walk; 0 means unlimited for Descendants/Ascendants and "inputs only" for Neighbors. */
  readonly depth: number;
}

type Direction = 'down' | 'up' | 'both';

const OWNERSHIP = new Filter([keyTerm('RelationType', anyElement(equalsTest('ownership')), ['ownership'])]);

/** Parameter rule (§4.6): with an odd count the last parameter is the depth; the rest are key/value pairs. */
function compileWalk(params: readonly Param[], site: StepSite): WalkArgs {
  let depth = 1;
  let pairs = params;
  if (params.length % 2 === 1) {
    depth = integerParam(params[params.length - 1] as Param, site);
    pairs = params.slice(0, -1);
  }
  return { edges: compileFilter(pairs, true, site.position) ?? OWNERSHIP, depth };
}

function walk(start: readonly Node[], view: GraphView, dir: Direction, args: WalkArgs, budget: QueryBudget): Node[] {
  const seen = new Set<string>();
  const out: Node[] = [];
  for (const n of start) {
    if (seen.has(n.ID)) continue;
    seen.add(n.ID);
    out.push(n);
  }
  const unlimited = args.depth === 0 && dir !== 'both';
  const reach = (e: Edge, otherId: string, next: Node[]): void => {
    budget.tick();
    if (seen.has(otherId) || !args.edges.test(e)) return;
    const other = view.getNode(otherId);
    if (other === undefined) return;
    seen.add(otherId);
    budget.ensureSize(out.push(other));
    next.push(other);
  };
  let frontier = out.slice();
  for (let level = 0; frontier.length > 0 && (unlimited || level < args.depth); level++) {
    const next: Node[] = [];
    for (const x of frontier) {
      if (dir !== 'up') for (const e of view.outEdges(x.ID)) reach(e, e.Child, next);
      if (dir !== 'down') for (const e of view.inEdges(x.ID)) reach(e, e.Parent, next);
    }
    frontier = next;
  }
  return out;
}

function walkStep(name: string, dir: Direction) {
  return defineStep<WalkArgs>({
    name,
    inputs: ['nodes'],
    output: 'nodes',
    compile: compileWalk,
    apply(input, args, ctx) {
      const { items, view } = input as NodesResult;
      return new NodesResult(walk(items, view, dir, args, ctx.budget), view);
    },
  });
}

/** Descendants([k, v, …][, depth]): the nodes and what they own, `depth` levels down (0: all). */
export const descendantsStep = walkStep('Descendants', 'down');
/** Ascendants([k, v, …][, depth]): the nodes and their owners, `depth` levels up (0: all). */
export const ascendantsStep = walkStep('Ascendants', 'up');
/** Neighbors([k, v, …][, depth]): the nodes and those within `depth` hops either way (0: the inputs only). */
export const neighborsStep = walkStep('Neighbors', 'both');
