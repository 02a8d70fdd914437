// Result objects each step hands to the next; each serializes itself as Skydive's REST API does (§4.8).
import type { Edge, GraphView, Node } from '@topoflow/graph';
import type { QueryResult, ResultKind } from '../contract.js';
import { graphToJSON } from './serialize.js';

/** The core result kinds. */
export const ResultKinds = {
  GRAPH: 'graph',
  NODES: 'nodes',
  EDGES: 'edges',
  PATHS: 'paths',
  VALUE: 'value',
  METRICS: 'metrics',
} as const;

/** A graph: the whole live or historical graph, or a sub-graph. Serializes as `[{"Nodes":[…],"Edges":[…]}]`. */
export class GraphResult implements QueryResult {
  readonly kind = ResultKinds.GRAPH;
  readonly graph: GraphView;

  constructor(graph: GraphView) {
    this.graph = graph;
  }

  toJSON(): unknown {
    return graphToJSON(this.graph);
  }
}

/** A list of nodes, with the graph they were read from (later traversals walk that graph). */
export class NodesResult implements QueryResult {
  readonly kind = ResultKinds.NODES;
  readonly items: readonly Node[];
  readonly view: GraphView;

  constructor(items: readonly Node[], view: GraphView) {
    this.items = items;
    this.view = view;
  }

  toJSON(): unknown {
    return this.items;
  }
}

/** A list of edges, with the graph they were read from. */
export class EdgesResult implements QueryResult {
  readonly kind = ResultKinds.EDGES;
  readonly items: readonly Edge[];
  readonly view: GraphView;

  constructor(items: readonly Edge[], view: GraphView) {
    this.items = items;
    this.view = view;
  }

  toJSON(): unknown {
    return this.items;
  }
}

/** Paths, each `[source, …, target]`. */
export class PathsResult implements QueryResult {
  readonly kind = ResultKinds.PATHS;
  readonly paths: readonly (readonly Node[])[];
  readonly view: GraphView;

  constructor(paths: readonly (readonly Node[])[], view: GraphView) {
    this.paths = paths;
    this.view = view;
  }

  toJSON(): unknown {
    return this.paths;
  }
}

/** A value: a bare number (Count, Sum) or a list (Values, ValueMap, Keys). */
export class ValueResult implements QueryResult {
  readonly kind = ResultKinds.VALUE;
  readonly value: unknown;

  constructor(value: unknown) {
    this.value = value;
  }

  toJSON(): unknown {
    return this.value;
  }
}

/** A result of a kind an extension registered, serialized by that registration. */
export class CustomResult<T = unknown> implements QueryResult {
  readonly kind: ResultKind;
  readonly data: T;
  readonly #serialize: (data: T) => unknown;

  constructor(kind: ResultKind, data: T, serialize: (data: T) => unknown) {
    this.kind = kind;
    this.data = data;
    this.#serialize = serialize;
  }

  toJSON(): unknown {
    return this.#serialize(this.data);
  }
}
