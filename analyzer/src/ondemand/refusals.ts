// Starts the agents refused (a node not ready yet: down, no TID, no namespace; a port range full…): kept per capture
// and node with the agent connection and the node revision of the refusal, so the start is sent again only once
// that node has changed or the agent has reconnected, never in a loop on an unchanged node.
/** One refused start. */
export interface Refusal {
  /** The agent connection that refused. */
  connection: number;
  /** The node's revision when the refusal arrived. */
  revision: number;
  error: string;
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

  /** True while a start would meet the same refusal: same agent connection, node unchanged since. */
  waiting(captureId: string, nodeId: string, connection: number, revision: number): boolean {
    const r = this.#byCapture.get(captureId)?.get(nodeId);
    return r !== undefined && r.connection === connection && r.revision === revision;
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

  /** The refusals of a capture, as `{NodeID, Error}` for the status. */
  errors(captureId: string): { NodeID: string; Error: string }[] {
    return [...(this.#byCapture.get(captureId) ?? [])].map(([NodeID, r]) => ({ NodeID, Error: r.error }));
  }

  /** IDs of the captures with refusals. */
  captures(): string[] {
    return [...this.#byCapture.keys()];
  }
}
