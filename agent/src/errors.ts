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
  AGENT_BAD_REQUEST: 400,
  AGENT_ROUTE_NOT_FOUND: 404,
  AGENT_INTERNAL_ERROR: 500,
};

/** Builds an agent error with the status code of its table entry. */
export function agentError(code: AgentErrorCode, message: string, details?: Record<string, unknown>): AppError {
  return new AppError(code, message, { statusCode: STATUS[code], ...(details ? { details } : {}) });
}
