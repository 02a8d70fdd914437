// The flow package's error table: every failure it raises is an AppError with one of these codes and its HTTP status.
import { AppError } from '@topoflow/common';

/** Every error code of the flow package (entries kept sorted). */
export const FlowErrors = {
  BPF_INVALID: 'FLOW_BPF_INVALID',
  BPF_UNAVAILABLE: 'FLOW_BPF_UNAVAILABLE',
  PCAP_MIXED_LINK_TYPES: 'FLOW_PCAP_MIXED_LINK_TYPES',
  PCAP_NOT_RAW_PACKETS: 'FLOW_PCAP_NOT_RAW_PACKETS',
  SOURCE_FAILED: 'FLOW_SOURCE_FAILED',
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

/** HTTP status of each code (entries kept sorted). */
export const FLOW_ERROR_STATUS: Readonly<Record<FlowErrorCode, number>> = {
  FLOW_BPF_INVALID: 400,
  FLOW_BPF_UNAVAILABLE: 400,
  FLOW_PCAP_MIXED_LINK_TYPES: 406,
  FLOW_PCAP_NOT_RAW_PACKETS: 406,
  FLOW_SOURCE_FAILED: 502,
  FLOW_STORE_CLOSED: 503,
  FLOW_STORE_CONFIG_INVALID: 500,
  FLOW_STORE_CORRUPT: 500,
  FLOW_STORE_READ_FAILED: 503,
  FLOW_STORE_SCHEMA_UNSUPPORTED: 500,
  FLOW_STORE_UNAVAILABLE: 503,
  FLOW_STORE_WRITE_FAILED: 503,
};

/** Builds a flow error with the status of its table entry. */
export function flowError(code: FlowErrorCode, message: string, details?: Record<string, unknown>,
  options: { cause?: unknown } = {}): AppError {
  return new AppError(code, message, {
    statusCode: FLOW_ERROR_STATUS[code],
    ...(details ? { details } : {}),
    ...(options.cause === undefined ? {} : { cause: options.cause }),
  });
}
