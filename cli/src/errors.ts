// Error codes of the CLI.
import { AppError } from '@topoflow/common';

/** Every error code the CLI raises itself (server errors keep the server's code). */
export const CliErrors = {
  USAGE: 'CLI_USAGE',
  CONNECT_FAILED: 'CLI_CONNECT_FAILED',
  BAD_RESPONSE: 'CLI_BAD_RESPONSE',
  FILE_UNREADABLE: 'CLI_FILE_UNREADABLE',
  IMPORT_FAILED: 'CLI_IMPORT_FAILED',
} as const;

/** A usage error: wrong command, flag or argument. */
export function usageError(message: string): AppError {
  return new AppError(CliErrors.USAGE, message, { statusCode: 2 });
}
