// Selection of the nodes or edges of a graph matching a filter: through an index when a term is a plain
// equality (or Within of plain values) on an indexed key, otherwise by one tight scan.
import type { Edge, Element, GraphView, Node } from '@topoflow/graph';
import type { QueryBudget } from '../extension.js';
import type { PlainValue } from '../predicates/match.js';
import { elementGetter, type Filter } from '../predicates/filter.js';
import type { Window } from '../steps/window.js';
import { Collector } from './collector.js';

function lookup<T extends Element>(view: GraphView, edges: boolean, key: string, values: readonly PlainValue[],
  budget: QueryBudget): T[] | undefined {
  if (values.length === 1) {
    return (edges ? view.lookupEdges(key, values[0]) : view.lookupNodes(key, values[0])) as T[] | undefined;
  }
  const seen = new Set<T>();
  for (const v of values) {
    const hit = (edges ? view.lookupEdges(key, v) : view.lookupNodes(key, v)) as T[] | undefined;
    if (hit === undefined) return undefined;
    for (const e of hit) {
      budget.tick();
      seen.add(e);
    }
  }
  return [...seen];
}

function refine<T extends Element>(hit: T[], filter: Filter, used: number, window: Window | undefined, budget: QueryBudget): T[] {
  if (filter.terms.length === 1 && window === undefined) {
    budget.ensureSize(hit.length);
    return hit;
  }
  const out = new Collector<T>(budget, window);
  for (const e of hit) {
    budget.tick();
    if (filter.testWith(e, elementGetter, used) && !out.add(e)) break;
  }
  return out.result();
}

function scan<T extends Element>(all: Iterable<T>, filter: Filter | undefined, window: Window | undefined, budget: QueryBudget): T[] {
  const out = new Collector<T>(budget, window);
  if (window !== undefined && window.to <= 0) return out.result();
  if (filter === undefined) {
    for (const e of all) {
      budget.tick();
      if (!out.add(e)) break;
    }
    return out.result();
  }
  for (const e of all) {
    budget.tick();
    if (filter.test(e) && !out.add(e)) break;
  }
  return out.result();
}

function select<T extends Element>(view: GraphView, edges: boolean, filter: Filter | undefined, window: Window | undefined,
  budget: QueryBudget): T[] {
  if (filter !== undefined && !filter.or) {
    const terms = filter.terms;
    for (let i = 0; i < terms.length; i++) {
      const t = terms[i];
      if (t?.key === undefined || t.lookup === undefined) continue;
      const hit = lookup<T>(view, edges, t.key, t.lookup, budget);
      if (hit !== undefined) return refine(hit, filter, i, window, budget);
    }
  }
  return scan((edges ? view.edges() : view.nodes()) as Iterable<T>, filter, window, budget);
}

/** The graph's nodes passing the filter, at most up to the window's end. */
export function selectNodes(view: GraphView, filter: Filter | undefined, window: Window | undefined, budget: QueryBudget): Node[] {
  return select<Node>(view, false, filter, window, budget);
}

/** The graph's edges passing the filter, at most up to the window's end. */
export function selectEdges(view: GraphView, filter: Filter | undefined, window: Window | undefined, budget: QueryBudget): Edge[] {
  return select<Edge>(view, true, filter, window, budget);
}
