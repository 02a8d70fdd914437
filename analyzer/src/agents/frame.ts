// Decoding on /ws/agent/topology: a text message is either one Skydive envelope or a JSON array of them (the
// agents' batched framing), and each element of a graph message is decoded strictly; the whole message is
// refused (nothing applied) when any part is malformed.
import { type Edge, type Node, decodeEdge, decodeNode } from '@topoflow/graph';
import { isAppError } from '@topoflow/common';
import { type Validate, checkMetadataDepth, checkSchema } from '../elements/element-input.js';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import type { Envelope } from '../ws/envelope.js';

/** Parses one message into its envelopes; throws ANALYZER_WS_INVALID_MESSAGE. */
export function decodeFrame(text: string, validateEnvelope: Validate): Envelope[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw analyzerError(AnalyzerErrors.WS_INVALID_MESSAGE, 'the message is not valid JSON');
  }
  const items = Array.isArray(raw) ? raw : [raw];
  return items.map((item, i) => {
    try {
      checkSchema(validateEnvelope, item, Array.isArray(raw) ? `message envelope [${i}]` : 'message envelope');
    } catch (err) {
      throw analyzerError(AnalyzerErrors.WS_INVALID_MESSAGE, isAppError(err) ? err.message : 'invalid message', { index: i });
    }
    const m = item as { Namespace: string; Type: string; UUID?: string | null; Status?: number | null; Obj?: unknown };
    return { Namespace: m.Namespace, Type: m.Type, UUID: m.UUID ?? undefined, Status: m.Status ?? 200, Obj: m.Obj ?? null };
  });
}

/** How elements of one agent are decoded: its host ID fills a missing Host, its origin is forced. */
export interface ElementContext {
  now: number;
  hostId: string;
  origin: string;
}

/** Decodes a node of an agent (Origin forced to the agent's). */
export function agentNode(raw: unknown, c: ElementContext, path = 'node'): Node {
  const n = decodeNode(raw, { now: c.now, host: c.hostId, origin: c.origin, revision: 1 }, path);
  checkMetadataDepth(n.Metadata, n.ID);
  return n.Origin === c.origin ? n : { ...n, Origin: c.origin };
}

/** Decodes an edge of an agent (Origin forced to the agent's). */
export function agentEdge(raw: unknown, c: ElementContext, path = 'edge'): Edge {
  const e = decodeEdge(raw, { now: c.now, host: c.hostId, origin: c.origin, revision: 1 }, path);
  checkMetadataDepth(e.Metadata, e.ID);
  return e.Origin === c.origin ? e : { ...e, Origin: c.origin };
}

/** Decodes a Sync body `{Nodes, Edges}`. */
export function agentSync(obj: unknown, c: ElementContext): { nodes: Node[]; edges: Edge[] } {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw analyzerError(AnalyzerErrors.VALIDATION_ERROR, 'Sync: Obj must be an object {Nodes, Edges}');
  }
  const o = obj as { Nodes?: unknown; Edges?: unknown };
  const list = (v: unknown, key: string): unknown[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw analyzerError(AnalyzerErrors.VALIDATION_ERROR, `Sync: ${key} must be an array`);
    return v;
  };
  return {
    nodes: list(o.Nodes, 'Nodes').map((n, i) => agentNode(n, c, `Nodes[${i}]`)),
    edges: list(o.Edges, 'Edges').map((e, i) => agentEdge(e, c, `Edges[${i}]`)),
  };
}
