// The public contract of the Gremlin engine, used by the analyzer, the CLI and extension packages.
import type { Component } from '@topoflow/common';
import type { Edge, GraphView, Node } from '@topoflow/graph';

/** Kind of a query result; extension packages add their own (e.g. 'flows'). */
export type ResultKind = 'graph' | 'nodes' | 'edges' | 'paths' | 'value' | (string & {});

/** The outcome of a query. */
export interface QueryResult {
  readonly kind: ResultKind;
  /** For kind 'graph': the resulting (sub-)graph. */
  readonly graph?: GraphView;
  /** JSON exactly as Skydive's REST API returns it (reference §4.8). */
  toJSON(): unknown;
}

/** Limits a query runs under; exceeding one fails the query with GREMLIN_TIMEOUT / GREMLIN_RESULT_TOO_LARGE. */
export interface QueryOptions {
  /** Wall-clock budget in milliseconds. */
  timeoutMs?: number;
  /** Maximum number of items in any intermediate or final collection. */
  maxResultSize?: number;
}

/** A query that has been lexed, parsed and planned; reusable across executions. */
export interface ParsedQuery {
  readonly text: string;
}

/**
 * A per-element form of a filter such as `G.V().Has('Type','veth').SubGraph()`: a node is in the result when
 * `node(n)` holds, an edge when both ends are in and `edge(e)` holds. Lets subscribers update incrementally.
 */
export interface ElementFilter {
  node(n: Node): boolean;
  edge(e: Edge): boolean;
}

/** The engine. */
export interface QueryEngine {
  /** Parses and plans; throws AppError GREMLIN_PARSE_ERROR with details.position on bad text. */
  parse(text: string): ParsedQuery;
  /** Runs a query on a graph view. */
  execute(query: string | ParsedQuery, view: GraphView, options?: QueryOptions): Promise<QueryResult>;
  /** The per-element form of a graph-valued filter, when it has one. */
  elementFilter(query: ParsedQuery): ElementFilter | undefined;
}

/** Engine settings (config section `analyzer.gremlin`). */
export interface GremlinConfig {
  /** Default time budget per query, e.g. '30s'. */
  timeout: string;
  /** Default maximum result/intermediate size. */
  maxResultSize: number;
}

/** Defaults of the engine settings. */
export function defaultGremlinConfig(): GremlinConfig {
  return { timeout: '30s', maxResultSize: 1_000_000 };
}

/** Marker so services can hold the engine with other components. */
export type EngineComponent = QueryEngine & Partial<Component>;
