// Error codes of the agent package.
import { AppError } from '@topoflow/common';

/** Every error code the agent raises. */
export const AgentErrors = {
  /** A configuration value is unusable (start-up). */
  CONFIG_INVALID: 'AGENT_CONFIG_INVALID',
  /** An analyzer refused or failed the WebSocket handshake (logged, then the next analyzer is tried). */
  ANALYZER_REFUSED: 'AGENT_ANALYZER_REFUSED',
  /** The forwarder's send queue overflowed: the connection is dropped and the next one resyncs. */
  FORWARDER_OVERFLOW: 'AGENT_FORWARDER_OVERFLOW',
  /** Captures cannot run: no flow table or capture source is built in, or the capture manager is not running. */
  CAPTURE_UNAVAILABLE: 'AGENT_CAPTURE_UNAVAILABLE',
  /** The node to capture on (by ID, or by interface and namespace name) is not in the agent's graph. */
  CAPTURE_NODE_NOT_FOUND: 'AGENT_CAPTURE_NODE_NOT_FOUND',
  /** Several nodes match an interface name: the request must name the node (NodeID) or the capture Type. */
  CAPTURE_NODE_AMBIGUOUS: 'AGENT_CAPTURE_NODE_AMBIGUOUS',
  /** The node's type cannot be captured on, or not with the requested capture type. */
  CAPTURE_NOT_CAPTURABLE: 'AGENT_CAPTURE_NOT_CAPTURABLE',
  /** The capture type exists in Skydive but this agent does not implement it (ebpf, pcapsocket, ovsmirror, …). */
  CAPTURE_TYPE_UNSUPPORTED: 'AGENT_CAPTURE_TYPE_UNSUPPORTED',
  /** The node lacks what the capture needs (Name, UP in LinkFlags, TID, an OVS UUID). */
  CAPTURE_PRECONDITION_FAILED: 'AGENT_CAPTURE_PRECONDITION_FAILED',
  /** Every port of agent.capture.sflow.portMin..portMax is taken by another capture. */
  CAPTURE_NO_PORT: 'AGENT_CAPTURE_NO_PORT',
  /** No capture with that ID runs on this agent. */
  CAPTURE_NOT_FOUND: 'AGENT_CAPTURE_NOT_FOUND',
  /** A capture source failed (recorded as State error on the node's Captures entry, logged and counted). */
  CAPTURE_FAILED: 'AGENT_CAPTURE_FAILED',
  /** A malformed request to the agent's HTTP API. */
  BAD_REQUEST: 'AGENT_BAD_REQUEST',
  /** No such route on the agent's HTTP API. */
  ROUTE_NOT_FOUND: 'AGENT_ROUTE_NOT_FOUND',
  /** Anything unexpected on the agent's HTTP API. */
  INTERNAL_ERROR: 'AGENT_INTERNAL_ERROR',
} as const;

/** One agent error code. */
export type AgentErrorCode = (typeof AgentErrors)[keyof typeof AgentErrors];

const STATUS: Record<AgentErrorCode, number> = {
  AGENT_CONFIG_INVALID: 500,
  AGENT_ANALYZER_REFUSED: 502,
  AGENT_FORWARDER_OVERFLOW: 503,
  AGENT_CAPTURE_UNAVAILABLE: 503,
  AGENT_CAPTURE_NODE_NOT_FOUND: 404,
  AGENT_CAPTURE_NODE_AMBIGUOUS: 409,
  AGENT_CAPTURE_NOT_CAPTURABLE: 400,
  AGENT_CAPTURE_TYPE_UNSUPPORTED: 501,
  AGENT_CAPTURE_PRECONDITION_FAILED: 409,
  AGENT_CAPTURE_NO_PORT: 503,
  AGENT_CAPTURE_NOT_FOUND: 404,
  AGENT_CAPTURE_FAILED: 500,
  AGENT_BAD_REQUEST: 400,
  AGENT_ROUTE_NOT_FOUND: 404,
  AGENT_INTERNAL_ERROR: 500,
};

/** Builds an agent error with the status code of its table entry. */
export function agentError(code: AgentErrorCode, message: string, details?: Record<string, unknown>): AppError {
  return new AppError(code, message, { statusCode: STATUS[code], ...(details ? { details } : {}) });
}
