// How capture orders reach agents: the CaptureDispatcher interface the on-demand server talks to, and its
// implementation that writes OnDemand messages on each agent's /ws/agent/topology connection.
import type { Agents } from '../agents/agents.js';
import { ONDEMAND_NAMESPACE, encode } from '../ws/envelope.js';

/** Message type of a start order. */
export const CAPTURE_START = 'CaptureStart';

/** Message type of a stop order. */
export const CAPTURE_STOP = 'CaptureStop';

/** Obj of a CaptureStart message. */
export interface CaptureStartOrder {
  /** The node to capture on (an ID of the agent's graph). */
  NodeID: string;
  /** The capture, every field present (as stored, without Count). */
  Capture: Record<string, unknown>;
  /** The capture type the analyzer chose for this node (the capture's Type, or the node type's default). */
  ProbeType: string;
}

/** Obj of a CaptureStop message. */
export interface CaptureStopOrder {
  NodeID: string;
  CaptureID: string;
}

/** Sends capture orders to agents. */
export interface CaptureDispatcher {
  /** Identifies the agent's current connection (a reconnection gives another value); undefined when not connected. */
  connection(hostId: string): number | undefined;
  /** Sends a start order; false when the agent is not connected. */
  start(hostId: string, order: CaptureStartOrder): boolean;
  /** Sends a stop order; false when the agent is not connected. */
  stop(hostId: string, order: CaptureStopOrder): boolean;
  /** Calls `listener` each time an agent (re)connected and its graph was synced; returns the unsubscriber. */
  onAgentSynced(listener: (hostId: string) => void): () => void;
}

/** Writes orders on the agents' WebSocket sessions. */
export class AgentCaptureDispatcher implements CaptureDispatcher {
  readonly #agents: Agents;

  constructor(agents: Agents) {
    this.#agents = agents;
  }

  connection(hostId: string): number | undefined {
    return this.#agents.session(hostId)?.serial;
  }

  start(hostId: string, order: CaptureStartOrder): boolean {
    return this.#send(hostId, CAPTURE_START, order);
  }

  stop(hostId: string, order: CaptureStopOrder): boolean {
    return this.#send(hostId, CAPTURE_STOP, order);
  }

  onAgentSynced(listener: (hostId: string) => void): () => void {
    return this.#agents.onSynced(listener);
  }

  #send(hostId: string, type: string, obj: unknown): boolean {
    const session = this.#agents.session(hostId);
    return session !== undefined && session.conn.send(encode(type, obj, { namespace: ONDEMAND_NAMESPACE }));
  }
}
