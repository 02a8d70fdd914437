// Stops for captures that no longer exist but that a node still carries (after an analyzer restart, for instance):
// sent once per node, capture and agent connection.
import type { GraphView } from '@topoflow/graph';
import { captureEntries } from '../captures/count.js';
import type { CaptureDispatcher } from './dispatcher.js';

/** The orphan stops already sent: `<nodeId>\0<captureId>` → agent connection. */
export class OrphanStops {
  readonly #sent = new Map<string, number>();

  /**
   * Calls `stop` for every capture a node's `Captures` lists that `known` refuses, unless it was already sent on the
   * node's current agent connection. Captures started through an agent's own API (`Local`) are left alone.
   */
  sweep(graph: GraphView, dispatcher: Pick<CaptureDispatcher, 'connection'>, known: (captureId: string) => boolean,
    stop: (host: string, nodeId: string, captureId: string) => boolean): void {
    const seen = new Set<string>();
    for (const n of graph.nodes()) {
      if (n.Metadata.Captures === undefined) continue;
      for (const e of captureEntries(n)) {
        if (known(e.ID) || (e as { Local?: unknown }).Local === true) continue;
        const key = `${n.ID}\u0000${e.ID}`;
        seen.add(key);
        const connection = dispatcher.connection(n.Host);
        if (connection === undefined || this.#sent.get(key) === connection) continue;
        if (stop(n.Host, n.ID, e.ID)) this.#sent.set(key, connection);
      }
    }
    for (const key of this.#sent.keys()) if (!seen.has(key)) this.#sent.delete(key);
  }
}
