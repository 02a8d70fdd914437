// Error codes of the flow package and the HTTP status each one maps to. Entries are kept sorted by name.
import { AppError } from '@topoflow/common';

/** Every error code the flow package raises. */
export const FlowErrors = {
  STORE_CLOSED: 'FLOW_STORE_CLOSED',
  STORE_CONFIG_INVALID: 'FLOW_STORE_CONFIG_INVALID',
  STORE_CORRUPT: 'FLOW_STORE_CORRUPT',
  STORE_READ_FAILED: 'FLOW_STORE_READ_FAILED',
  STORE_SCHEMA_UNSUPPORTED: 'FLOW_STORE_SCHEMA_UNSUPPORTED',
  STORE_UNAVAILABLE: 'FLOW_STORE_UNAVAILABLE',
  STORE_WRITE_FAILED: 'FLOW_STORE_WRITE_FAILED',
} as const;

/** One flow error code. */
export type FlowErrorCode = (typeof FlowErrors)[keyof typeof FlowErrors];

const STATUS: Record<FlowErrorCode, number> = {
  FLOW_STORE_CLOSED: 503,
  FLOW_STORE_CONFIG_INVALID: 500,
  FLOW_STORE_CORRUPT: 500,
  FLOW_STORE_READ_FAILED: 503,
  FLOW_STORE_SCHEMA_UNSUPPORTED: 500,
  FLOW_STORE_UNAVAILABLE: 503,
  FLOW_STORE_WRITE_FAILED: 503,
};

/** Builds a flow error with the status code of its table entry. */
export function flowError(code: FlowErrorCode, message: string, details?: Record<string, unknown>, cause?: unknown): AppError {
  return new AppError(code, message, {
    statusCode: STATUS[code], ...(details ? { details } : {}), ...(cause === undefined ? {} : { cause }),
  });
}
