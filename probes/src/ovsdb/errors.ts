// Error codes of the OVSDB probe and client (to be folded into a package-wide probes/src/errors.ts).
import { AppError, type AppErrorOptions } from '@topoflow/common';

/** Error codes of the OVSDB client and probe. */
export const OvsdbErrors = {
  ADDRESS_INVALID: 'PROBES_OVSDB_ADDRESS_INVALID',
  CONFIG_INVALID: 'PROBES_OVSDB_CONFIG_INVALID',
  MESSAGE_TOO_LARGE: 'PROBES_OVSDB_MESSAGE_TOO_LARGE',
  MALFORMED_MESSAGE: 'PROBES_OVSDB_MALFORMED_MESSAGE',
  NOT_CONNECTED: 'PROBES_OVSDB_NOT_CONNECTED',
  DISCONNECTED: 'PROBES_OVSDB_DISCONNECTED',
  REQUEST_TIMEOUT: 'PROBES_OVSDB_REQUEST_TIMEOUT',
  REQUEST_FAILED: 'PROBES_OVSDB_REQUEST_FAILED',
  TRANSACT_FAILED: 'PROBES_OVSDB_TRANSACT_FAILED',
} as const;

/** Builds an AppError with one of the OVSDB codes. */
export function ovsdbError(code: string, message: string, options: AppErrorOptions = {}): AppError {
  return new AppError(code, message, { statusCode: 502, ...options });
}
