// Error codes of the graph package.
import { AppError } from '@topoflow/common';

/** Every error code the graph package raises. */
export const GraphErrors = {
  NODE_NOT_FOUND: 'GRAPH_NODE_NOT_FOUND',
  EDGE_NOT_FOUND: 'GRAPH_EDGE_NOT_FOUND',
  CONFLICT: 'GRAPH_CONFLICT',
  ENDPOINT_NOT_FOUND: 'GRAPH_ENDPOINT_NOT_FOUND',
  DECODE_ERROR: 'GRAPH_DECODE_ERROR',
  INVALID_KEY: 'GRAPH_INVALID_KEY',
  HISTORY_WINDOW_TOO_LARGE: 'GRAPH_HISTORY_WINDOW_TOO_LARGE',
  HISTORY_WRITE_FAILED: 'GRAPH_HISTORY_WRITE_FAILED',
  HISTORY_READ_FAILED: 'GRAPH_HISTORY_READ_FAILED',
  HISTORY_CORRUPT: 'GRAPH_HISTORY_CORRUPT',
  HISTORY_CLOSED: 'GRAPH_HISTORY_CLOSED',
  HISTORY_UNAVAILABLE: 'GRAPH_HISTORY_UNAVAILABLE',
  HISTORY_SCHEMA_UNSUPPORTED: 'GRAPH_HISTORY_SCHEMA_UNSUPPORTED',
  HISTORY_CONFIG_INVALID: 'GRAPH_HISTORY_CONFIG_INVALID',
} as const;

const STATUS: Record<string, number> = {
  GRAPH_NODE_NOT_FOUND: 404,
  GRAPH_EDGE_NOT_FOUND: 404,
  GRAPH_CONFLICT: 409,
  GRAPH_ENDPOINT_NOT_FOUND: 400,
  GRAPH_DECODE_ERROR: 400,
  GRAPH_INVALID_KEY: 400,
  GRAPH_HISTORY_WINDOW_TOO_LARGE: 413,
  GRAPH_HISTORY_WRITE_FAILED: 503,
  GRAPH_HISTORY_READ_FAILED: 503,
  GRAPH_HISTORY_CORRUPT: 500,
  GRAPH_HISTORY_CLOSED: 503,
  GRAPH_HISTORY_UNAVAILABLE: 503,
  GRAPH_HISTORY_SCHEMA_UNSUPPORTED: 500,
  GRAPH_HISTORY_CONFIG_INVALID: 500,
};

/** Builds a graph error with the status code of its table entry. */
export function graphError(code: (typeof GraphErrors)[keyof typeof GraphErrors], message: string, details?: Record<string, unknown>, cause?: unknown): AppError {
  return new AppError(code, message, { statusCode: STATUS[code] ?? 500, ...(details ? { details } : {}), ...(cause === undefined ? {} : { cause }) });
}
