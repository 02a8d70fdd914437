// Error codes of the flow package and the one helper that builds them with their HTTP status.
import { AppError } from '@topoflow/common';

/** Every error code the flow package raises. */
export const FlowErrors = {
  /** A pcap or pcapng file or stream is malformed or truncated (details: offset, reason). */
  PCAP_INVALID: 'FLOW_PCAP_INVALID',
  /** Flow table options are out of range (details: option). */
  TABLE_OPTIONS_INVALID: 'FLOW_TABLE_OPTIONS_INVALID',
} as const;

/** A flow error code. */
export type FlowErrorCode = (typeof FlowErrors)[keyof typeof FlowErrors];

const STATUS: Record<FlowErrorCode, number> = {
  FLOW_PCAP_INVALID: 400,
  FLOW_TABLE_OPTIONS_INVALID: 400,
};

/** Builds a flow error with the status code of its table entry. */
export function flowError(code: FlowErrorCode, message: string, details?: Record<string, unknown>, cause?: unknown): AppError {
  return new AppError(code, message, { statusCode: STATUS[code], details, cause });
}
