// A subscriber's Gremlin filter, checked and prepared: no filter, a per-element filter kept up to date event by
// event, or a filter re-run on the live graph after changes (when the engine has no per-element form).
import type { Edge, GraphView, MemoryGraph, Node } from '@topoflow/graph';
import type { ElementFilter, ParsedQuery, QueryEngine, QueryOptions } from '@topoflow/gremlin';
import { AnalyzerErrors, analyzerError } from '../errors.js';

/** A filter ready to install on a session. */
export type PreparedFilter =
  | { readonly mode: 'all' }
  | { readonly mode: 'incremental'; readonly text: string; readonly filter: ElementFilter }
  | {
    readonly mode: 'rerun'; readonly text: string; readonly parsed: ParsedQuery;
    /** The filter's result and the graph revision it was computed at. */
    readonly initial: GraphView; readonly revision: number;
  };

/** What preparing and running filters needs. */
export interface FilterContext {
  graph: MemoryGraph;
  engine: QueryEngine;
  queryOptions: QueryOptions;
}

/** Runs a filter on the live graph (or `view`); throws ANALYZER_FILTER_NOT_GRAPH when the result is not a graph. */
export async function runFilter(ctx: FilterContext, text: string, parsed: ParsedQuery, view: GraphView = ctx.graph): Promise<GraphView> {
  const result = await ctx.engine.execute(parsed, view, ctx.queryOptions);
  if (result.kind !== 'graph' || result.graph === undefined) {
    throw analyzerError(AnalyzerErrors.FILTER_NOT_GRAPH, `the filter must yield a graph (end it with .SubGraph()), got ${result.kind}`, {
      filter: text, kind: result.kind,
    });
  }
  return result.graph;
}

/** Parses and checks a filter ('' means none); Gremlin errors propagate with their codes. */
export async function prepareFilter(ctx: FilterContext, text: string): Promise<PreparedFilter> {
  const t = text.trim();
  if (t === '') return { mode: 'all' };
  const parsed = ctx.engine.parse(t);
  const filter = ctx.engine.elementFilter(parsed);
  if (filter !== undefined) return { mode: 'incremental', text: t, filter };
  const revision = ctx.graph.revision;
  const initial = await runFilter(ctx, t, parsed);
  return { mode: 'rerun', text: t, parsed, initial, revision };
}

/** The sub-graph a per-element filter selects on the live graph right now. */
export function selectIncremental(graph: MemoryGraph, f: ElementFilter): { nodes: Map<string, Node>; edges: Map<string, Edge> } {
  const nodes = new Map<string, Node>();
  const edges = new Map<string, Edge>();
  for (const n of graph.nodes()) if (f.node(n)) nodes.set(n.ID, n);
  for (const e of graph.edges()) if (nodes.has(e.Parent) && nodes.has(e.Child) && f.edge(e)) edges.set(e.ID, e);
  return { nodes, edges };
}
