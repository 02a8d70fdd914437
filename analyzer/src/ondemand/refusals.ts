// Starts the agents refused, kept per capture and node. A transient refusal (agent status 5xx but 501, or none: a
// port range full, a socket that failed) is retried once the node's revision changed; a permanent one (4xx or 501:
// a node not capturable, a type the agent lacks, a node not ready) only once its capture-relevant fields changed.
// Either is retried after the agent reconnected; none is sent again in a loop on an unchanged node.
import type { GraphView } from '@topoflow/graph';

/** One refused start. */
export interface Refusal {
  /** The agent connection that refused. */
  connection: number;
  /** The node's revision when the refusal arrived. */
  revision: number;
  /** The node's capture-relevant fields when the refusal arrived (see captureFingerprint). */
  fingerprint: string;
  /** True when the same start on the same node would be refused again (see permanentRefusal). */
  permanent: boolean;
  error: string;
  /** The agent's error code, when it sent one. */
  code?: string;
}

/** The node a start would go to, as the evaluation sees it now. */
export interface RefusedNodeNow {
  revision: number;
  /** Computed only when a permanent refusal needs it. */
  fingerprint: () => string;
}

/** True for an agent status that a retry on an unchanged node would meet again: 4xx, or 501 (not implemented). */
export function permanentRefusal(status: number): boolean {
  return (status >= 400 && status < 500) || status === 501;
}

/** Ownership levels walked up from a node for its fingerprint (a namespace is a few levels up at most). */
const MAX_OWNERSHIP_DEPTH = 16;

/**
 * What an agent's decision to capture on a node depends on: its Type, Name, LinkFlags, TID and UUID, and its
 * ownership chain (the namespace it lives in). Counters and other metadata are left out: they change all the time.
 */
export function captureFingerprint(graph: GraphView, nodeId: string): string {
  const node = graph.getNode(nodeId);
  if (node === undefined) return '';
  const md = node.Metadata;
  const chain: unknown[] = [];
  let id = nodeId;
  for (let depth = 0; depth < MAX_OWNERSHIP_DEPTH; depth++) {
    let parent: string | undefined;
    for (const e of graph.inEdges(id)) if (e.Metadata.RelationType === 'ownership') parent = e.Parent;
    const p = parent === undefined ? undefined : graph.getNode(parent);
    if (p === undefined) break;
    chain.push([p.ID, p.Metadata.Type, p.Metadata.Name, p.Metadata.Path]);
    id = p.ID;
  }
  return JSON.stringify([md.Type, md.Name, md.LinkFlags, md.TID, md.UUID, chain]);
}

/** Refused starts, per capture ID, per node ID. */
export class StartRefusals {
  readonly #byCapture = new Map<string, Map<string, Refusal>>();

  /** Records a refusal of capture `captureId` on node `nodeId`. */
  record(captureId: string, nodeId: string, refusal: Refusal): void {
    let m = this.#byCapture.get(captureId);
    if (m === undefined) this.#byCapture.set(captureId, (m = new Map()));
    m.set(nodeId, refusal);
  }

  /** True while a start would meet the same refusal: same agent connection, node unchanged (as far as it matters). */
  waiting(captureId: string, nodeId: string, connection: number, now: RefusedNodeNow): boolean {
    const r = this.#byCapture.get(captureId)?.get(nodeId);
    if (r === undefined || r.connection !== connection) return false;
    return r.permanent ? r.fingerprint === now.fingerprint() : r.revision === now.revision;
  }

  /** Forgets the refusals of a capture on every node, or on the nodes `keep` does not accept. */
  forget(captureId: string, keep: (nodeId: string) => boolean = () => false): void {
    const m = this.#byCapture.get(captureId);
    if (m === undefined) return;
    for (const nodeId of m.keys()) if (!keep(nodeId)) m.delete(nodeId);
    if (m.size === 0) this.#byCapture.delete(captureId);
  }

  /** Forgets the refusal of one capture on one node (a start is being sent again). */
  forgetNode(captureId: string, nodeId: string): void {
    this.forget(captureId, (id) => id !== nodeId);
  }

  /** The refusals of a capture, as `{NodeID, Error, Code?}` for the status. */
  errors(captureId: string): { NodeID: string; Error: string; Code?: string }[] {
    return [...(this.#byCapture.get(captureId) ?? [])].map(([NodeID, r]) => ({ NodeID, Error: r.error, ...(r.code !== undefined ? { Code: r.code } : {}) }));
  }

  /** IDs of the captures with refusals. */
  captures(): string[] {
    return [...this.#byCapture.keys()];
  }
}
