// What the capture manager reads from the agent's graph: the namespace a node lives in (by walking ownership edges
// to its netns node), the node facts a capture needs, and the node an interface name designates.
import type { GraphView, Node } from '@topoflow/graph';
import { AgentErrors, agentError } from '../errors.js';
import { type SourceKind, captureTypeFor, isCapturableType } from './spec.js';

/** Ownership chains are short (host → netns → interface); the bound stops a malformed cycle. */
const MAX_DEPTH = 16;

/** Where a node lives: a netns node (its Path and Name), or the agent's own namespace (path ''). */
export interface NodeNamespace {
  /** Path of the namespace file; '' for the agent's own namespace. */
  path: string;
  /** Name of the netns node; '' for the agent's own namespace. */
  name: string;
  /** ID of the netns node; undefined for the agent's own namespace. */
  nodeId?: string;
}

function ownershipParent(graph: GraphView, id: string): Node | undefined {
  for (const e of graph.inEdges(id)) if (e.Metadata.RelationType === 'ownership') return graph.getNode(e.Parent);
  return undefined;
}

const str = (node: Node, key: string): string => (typeof node.Metadata[key] === 'string' ? (node.Metadata[key] as string) : '');

/**
 * The namespace holding a node: the first netns node up its ownership chain, or the agent's own namespace when
 * the chain reaches the host first. Undefined when the node has no ownership chain to a host yet.
 */
export function namespaceOf(graph: GraphView, nodeId: string): NodeNamespace | undefined {
  let id = nodeId;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const parent = ownershipParent(graph, id);
    if (parent === undefined) return undefined;
    const type = str(parent, 'Type');
    if (type === 'netns') return { path: str(parent, 'Path'), name: str(parent, 'Name'), nodeId: parent.ID };
    if (type === 'host') return { path: '', name: '' };
    id = parent.ID;
  }
  return undefined;
}

/** The node facts each source needs; a missing one fails the capture with AGENT_CAPTURE_PRECONDITION_FAILED. */
export function checkPreconditions(node: Node, kind: SourceKind): void {
  const md = node.Metadata;
  const missing: string[] = [];
  if (str(node, 'TID') === '') missing.push('TID');
  if (kind === 'pcap') {
    if (str(node, 'Name') === '') missing.push('Name');
    const flags = Array.isArray(md.LinkFlags) ? md.LinkFlags : [];
    if (!flags.includes('UP')) missing.push('UP');
  }
  if (kind === 'ovssflow' && str(node, 'UUID') === '') missing.push('UUID');
  if (missing.length > 0) {
    const what = missing.map((m) => (m === 'UP' ? 'UP in LinkFlags' : m)).join(', ');
    throw agentError(AgentErrors.CAPTURE_PRECONDITION_FAILED, `node ${node.ID} cannot be captured on yet: no ${what}`, {
      nodeId: node.ID, missing,
    });
  }
}

/** The address an sFlow receiver on this node listens on: its IPv4 address when it has exactly one, else 0.0.0.0. */
export function sflowListenAddress(node: Node): string {
  const v4 = node.Metadata.IPV4;
  if (Array.isArray(v4) && v4.length === 1 && typeof v4[0] === 'string') return v4[0].split('/')[0] as string;
  return '0.0.0.0';
}

/** What designates a node when the request has no NodeID: an interface name, in a namespace ('' = the agent's own). */
export interface InterfaceRef {
  name: string;
  namespace: string;
  /** The capture type asked for, which narrows the candidates ('' = any). */
  type: string;
}

function acceptsType(nodeType: string, type: string): boolean {
  try {
    captureTypeFor(nodeType, type);
    return true;
  } catch {
    return false;
  }
}

/**
 * The node named `ref.name` in namespace `ref.namespace` that can run the requested capture type. Throws
 * AGENT_CAPTURE_NODE_NOT_FOUND when none matches and AGENT_CAPTURE_NODE_AMBIGUOUS when several do (an OVS bridge,
 * its port and its internal interface share a name).
 */
export function findInterfaceNode(graph: GraphView, ref: InterfaceRef): Node {
  const named = graph.lookupNodes('Name', ref.name) ?? [...graph.nodes()].filter((n) => n.Metadata.Name === ref.name);
  const inNamespace = named.filter((n) => isCapturableType(str(n, 'Type')) && namespaceOf(graph, n.ID)?.name === ref.namespace);
  const candidates = inNamespace.filter((n) => acceptsType(str(n, 'Type'), ref.type));
  const where = ref.namespace === '' ? "the agent's namespace" : `namespace "${ref.namespace}"`;
  if (candidates.length === 1) return candidates[0] as Node;
  // One node of that name that refuses the type: return it, so the caller reports why (not capturable, unsupported).
  if (candidates.length === 0 && inNamespace.length === 1) return inNamespace[0] as Node;
  if (candidates.length === 0) {
    throw agentError(AgentErrors.CAPTURE_NODE_NOT_FOUND, `no capturable interface "${ref.name}" in ${where}`, {
      interface: ref.name, namespace: ref.namespace,
    });
  }
  throw agentError(AgentErrors.CAPTURE_NODE_AMBIGUOUS, `several nodes named "${ref.name}" in ${where}: give NodeID or Type`, {
    candidates: candidates.map((n) => ({ ID: n.ID, Type: str(n, 'Type') })),
  });
}
