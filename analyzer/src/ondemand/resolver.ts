// Resolves a capture to the nodes it runs on: its Gremlin expression on the live graph, the capturable nodes of the
// result (a node type with a probe, and a Host), and the capture type chosen for each.
import type { GraphView, Node } from '@topoflow/graph';
import type { QueryEngine, QueryOptions, QueryResult } from '@topoflow/gremlin';
import type { Capture } from '../captures/capture.js';
import { type CaptureType, isCapturableNodeType, probeTypeForNode } from '../captures/types.js';

/** A node a capture must run on. */
export interface CaptureTarget {
  host: string;
  probeType: CaptureType;
  /** The node's revision when resolved (a start its agent refused is sent again once it changed). */
  revision: number;
}

/** The outcome of resolving a capture. */
export interface Resolution {
  /** Per node ID, where and how to capture. */
  targets: Map<string, CaptureTarget>;
  /** Per node ID, why a matching node cannot run the capture (e.g. a type the node type does not allow). */
  errors: Map<string, string>;
  /** Set when the expression failed: nothing is known about the capture's nodes. */
  queryError?: string;
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
  const errors = new Map<string, string>();
  let result: QueryResult;
  try {
    result = await engine.execute(capture.GremlinQuery, graph, options);
  } catch (err) {
    return { targets, errors, queryError: (err as Error).message };
  }
  const nodes = resultNodes(result);
  if (nodes === undefined) return { targets, errors, queryError: `the Gremlin expression yields ${result.kind}, not nodes` };
  for (const n of nodes) {
    const type = n.Metadata.Type;
    if (n.Host === '' || !isCapturableNodeType(type) || targets.has(n.ID)) continue;
    const choice = probeTypeForNode(type as string, capture.Type);
    if ('error' in choice) errors.set(n.ID, choice.error);
    else targets.set(n.ID, { host: n.Host, probeType: choice.type, revision: n.Revision });
  }
  return { targets, errors };
}
