// How capture orders reach agents: the CaptureDispatcher interface the on-demand server talks to, and its
// implementation that writes OnDemand messages on each agent's /ws/agent/topology connection.
import type { Agents } from '../agents/agents.js';
import { type Envelope, ONDEMAND_NAMESPACE, encode } from '../ws/envelope.js';

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

/** Message type of an agent's answer to a start order. */
export const CAPTURE_START_REPLY = 'CaptureStartReply';

/** Message type of an agent's answer to a stop order. */
export const CAPTURE_STOP_REPLY = 'CaptureStopReply';

/** An agent's refusal of a start order: its CaptureStartReply with an error status. */
export interface StartRefusal {
  NodeID: string;
  CaptureID: string;
  /** The agent's message (why the node cannot be captured on now). */
  Error: string;
  /** The reply's status (e.g. 409 when the node is not ready: down, no TID yet). */
  Status: number;
  /** The agent's error code, when it sent one. */
  Code?: string;
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
  /** Calls `listener` each time an agent refuses a start order; returns the unsubscriber. */
  onStartRefused?(listener: (hostId: string, refusal: StartRefusal) => void): () => void;
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

  onStartRefused(listener: (hostId: string, refusal: StartRefusal) => void): () => void {
    return this.#agents.onOnDemand((hostId, env) => {
      const refusal = startRefusal(env);
      if (refusal !== undefined) listener(hostId, refusal);
    });
  }

  #send(hostId: string, type: string, obj: unknown): boolean {
    const session = this.#agents.session(hostId);
    return session !== undefined && session.conn.send(encode(type, obj, { namespace: ONDEMAND_NAMESPACE }));
  }
}

/** The refusal a message carries: a CaptureStartReply with an error status naming its node and capture. */
export function startRefusal(env: Envelope): StartRefusal | undefined {
  if (env.Namespace !== ONDEMAND_NAMESPACE || env.Type !== CAPTURE_START_REPLY || env.Status < 400) return undefined;
  const obj = typeof env.Obj === 'object' && env.Obj !== null ? (env.Obj as Record<string, unknown>) : {};
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  if (text(obj.NodeID) === '' || text(obj.CaptureID) === '') return undefined;
  const code = text(obj.Code);
  return {
    NodeID: text(obj.NodeID), CaptureID: text(obj.CaptureID), Error: text(obj.Error) || `status ${env.Status}`, Status: env.Status,
    ...(code !== '' ? { Code: code } : {}),
  };
}
