// Resolves a capture to the nodes it runs on: its Gremlin expression on the live graph, the capturable nodes of the
// result (a node type with a probe, and a Host), and the capture type chosen for each.
import { isAppError } from '@topoflow/common';
import type { GraphView, Node } from '@topoflow/graph';
import type { QueryEngine, QueryOptions, QueryResult } from '@topoflow/gremlin';
import type { Capture } from '../captures/capture.js';
import { type CaptureType, isCapturableNodeType, probeTypeForNode } from '../captures/types.js';
import { AnalyzerErrors } from '../errors.js';

/** A node a capture must run on. */
export interface CaptureTarget {
  host: string;
  probeType: CaptureType;
  /** The node's revision when resolved (a start its agent refused is sent again once it changed). */
  revision: number;
}

/** Why a capture cannot run (on a node, or at all): an error code and its message. */
export interface ResolutionError {
  code: string;
  message: string;
}

/** The outcome of resolving a capture. */
export interface Resolution {
  /** Per node ID, where and how to capture. */
  targets: Map<string, CaptureTarget>;
  /** Per node ID, why a matching node cannot run the capture (e.g. a type the node type does not allow). */
  errors: Map<string, ResolutionError>;
  /** Set when the expression failed: nothing is known about the capture's nodes. */
  queryError?: ResolutionError;
}

/** The nodes of a query result: a graph's nodes, a node list, or every node of every path. */
export function resultNodes(result: QueryResult): Node[] | undefined {
  switch (result.kind) {
    case 'graph':
      return result.graph === undefined ? [] : [...result.graph.nodes()];
    case 'nodes':
      return [...(result as unknown as { items: readonly Node[] }).items];
    case 'paths':
      return (result as unknown as { paths: readonly (readonly Node[])[] }).paths.flat();
    default:
      return undefined;
  }
}

/** Runs the capture's expression on `graph` and picks the capture type of every capturable node it yields. */
export async function resolveCapture(capture: Capture, graph: GraphView, engine: QueryEngine, options: QueryOptions): Promise<Resolution> {
  const targets = new Map<string, CaptureTarget>();
  const errors = new Map<string, ResolutionError>();
  let result: QueryResult;
  try {
    result = await engine.execute(capture.GremlinQuery, graph, options);
  } catch (err) {
    const code = isAppError(err) ? err.code : AnalyzerErrors.INTERNAL_ERROR;
    return { targets, errors, queryError: { code, message: err instanceof Error ? err.message : String(err) } };
  }
  const nodes = resultNodes(result);
  if (nodes === undefined) {
    const message = `the Gremlin expression yields ${result.kind}, not nodes`;
    return { targets, errors, queryError: { code: AnalyzerErrors.CAPTURE_QUERY_NOT_NODES, message } };
  }
  for (const n of nodes) {
    const type = n.Metadata.Type;
    if (n.Host === '' || !isCapturableNodeType(type) || targets.has(n.ID)) continue;
    const choice = probeTypeForNode(type as string, capture.Type);
    if ('error' in choice) errors.set(n.ID, { code: choice.code, message: choice.error });
    else targets.set(n.ID, { host: n.Host, probeType: choice.type, revision: n.Revision });
  }
  return { targets, errors };
}
