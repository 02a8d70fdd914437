// Error codes of the flow package.
import { AppError } from '@topoflow/common';

/** Every error code the flow package raises. */
export const FlowErrors = {
  /** A BPF filter expression libpcap cannot compile (the message is libpcap's), or an invalid BPF program. */
  BPF_INVALID: 'FLOW_BPF_INVALID',
  /** The libpcap addon (flow/native) is not built. */
  NATIVE_MISSING: 'FLOW_NATIVE_MISSING',
  /** The interface to capture on does not exist. */
  CAPTURE_INTERFACE_NOT_FOUND: 'FLOW_CAPTURE_INTERFACE_NOT_FOUND',
  /** libpcap could not open or set up a live capture. */
  CAPTURE_OPEN_FAILED: 'FLOW_CAPTURE_OPEN_FAILED',
  /** A running live capture failed (the interface disappeared). */
  CAPTURE_FAILED: 'FLOW_CAPTURE_FAILED',
} as const;

/** One flow error code. */
export type FlowErrorCode = (typeof FlowErrors)[keyof typeof FlowErrors];

const STATUS: Record<FlowErrorCode, number> = {
  FLOW_BPF_INVALID: 400,
  FLOW_NATIVE_MISSING: 500,
  FLOW_CAPTURE_INTERFACE_NOT_FOUND: 404,
  FLOW_CAPTURE_OPEN_FAILED: 500,
  FLOW_CAPTURE_FAILED: 500,
};

/** Builds a flow error with the status code of its table entry. */
export function flowError(code: FlowErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}): AppError {
  return new AppError(code, message, { statusCode: STATUS[code], ...options });
}
