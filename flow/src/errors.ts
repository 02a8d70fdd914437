// The flow package's error table: every failure it raises is an AppError with one of these codes and its HTTP status.
import { AppError } from '@topoflow/common';

/** Every error code of the flow package (entries kept sorted). */
export const FlowErrors = {
  /** A BPF filter expression libpcap cannot compile (the message is libpcap's), or an invalid BPF program. */
  BPF_INVALID: 'FLOW_BPF_INVALID',
  /** BPF() was used but no BPF compiler is configured. */
  BPF_UNAVAILABLE: 'FLOW_BPF_UNAVAILABLE',
  /** A running live capture failed (the interface disappeared). */
  CAPTURE_FAILED: 'FLOW_CAPTURE_FAILED',
  /** The interface to capture on does not exist. */
  CAPTURE_INTERFACE_NOT_FOUND: 'FLOW_CAPTURE_INTERFACE_NOT_FOUND',
  /** libpcap could not open or set up a live capture. */
  CAPTURE_OPEN_FAILED: 'FLOW_CAPTURE_OPEN_FAILED',
  /** The libpcap addon (flow/native) is not built. */
  NATIVE_MISSING: 'FLOW_NATIVE_MISSING',
  /** Raw packets of different link types cannot share one pcap file. */
  PCAP_MIXED_LINK_TYPES: 'FLOW_PCAP_MIXED_LINK_TYPES',
  /** A pcap or pcapng file or stream is malformed or truncated (details: offset, reason). */
  PCAP_INVALID: 'FLOW_PCAP_INVALID',
  /** Only a RawPackets() result can be rendered as a pcap file. */
  PCAP_NOT_RAW_PACKETS: 'FLOW_PCAP_NOT_RAW_PACKETS',
  /** The flow source (live flows or flow history) failed to answer. */
  SOURCE_FAILED: 'FLOW_SOURCE_FAILED',
  STORE_CLOSED: 'FLOW_STORE_CLOSED',
  STORE_CONFIG_INVALID: 'FLOW_STORE_CONFIG_INVALID',
  STORE_CORRUPT: 'FLOW_STORE_CORRUPT',
  STORE_READ_FAILED: 'FLOW_STORE_READ_FAILED',
  STORE_SCHEMA_UNSUPPORTED: 'FLOW_STORE_SCHEMA_UNSUPPORTED',
  STORE_UNAVAILABLE: 'FLOW_STORE_UNAVAILABLE',
  STORE_WRITE_FAILED: 'FLOW_STORE_WRITE_FAILED',
  /** Flow table options are out of range (details: option). */
  TABLE_OPTIONS_INVALID: 'FLOW_TABLE_OPTIONS_INVALID',
} as const;

/** One flow error code. */
export type FlowErrorCode = (typeof FlowErrors)[keyof typeof FlowErrors];

/** HTTP status of each code (entries kept sorted). */
export const FLOW_ERROR_STATUS: Readonly<Record<FlowErrorCode, number>> = {
  FLOW_BPF_INVALID: 400,
  FLOW_BPF_UNAVAILABLE: 400,
  FLOW_CAPTURE_FAILED: 500,
  FLOW_CAPTURE_INTERFACE_NOT_FOUND: 404,
  FLOW_CAPTURE_OPEN_FAILED: 500,
  FLOW_NATIVE_MISSING: 500,
  FLOW_PCAP_MIXED_LINK_TYPES: 406,
  FLOW_PCAP_INVALID: 400,
  FLOW_PCAP_NOT_RAW_PACKETS: 406,
  FLOW_SOURCE_FAILED: 502,
  FLOW_STORE_CLOSED: 503,
  FLOW_STORE_CONFIG_INVALID: 500,
  FLOW_STORE_CORRUPT: 500,
  FLOW_STORE_READ_FAILED: 503,
  FLOW_STORE_SCHEMA_UNSUPPORTED: 500,
  FLOW_STORE_UNAVAILABLE: 503,
  FLOW_STORE_WRITE_FAILED: 503,
  FLOW_TABLE_OPTIONS_INVALID: 400,
};

/** Builds a flow error with the status of its table entry. */
export function flowError(code: FlowErrorCode, message: string,
  options: { details?: Record<string, unknown>; cause?: unknown } = {}): AppError {
  return new AppError(code, message, {
    statusCode: FLOW_ERROR_STATUS[code],
    ...(options.details ? { details: options.details } : {}),
    ...(options.cause === undefined ? {} : { cause: options.cause }),
  });
}
