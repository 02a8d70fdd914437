// Application errors: one class with a stable code, an HTTP status and optional details.

/** Options accepted by every AppError. */
export interface AppErrorOptions {
  statusCode?: number;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** An error with a stable, package-prefixed code that boundaries turn into a clear response. */
export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.statusCode = options.statusCode ?? 500;
    this.details = options.details;
  }
}

/** Error codes of the common package. */
export const CommonErrors = {
  CONFIG_INVALID: 'COMMON_CONFIG_INVALID',
  CONFIG_UNREADABLE: 'COMMON_CONFIG_UNREADABLE',
  DURATION_INVALID: 'COMMON_DURATION_INVALID',
  TIME_INVALID: 'COMMON_TIME_INVALID',
  ADDRESS_INVALID: 'COMMON_ADDRESS_INVALID',
} as const;

/** True when `err` is an AppError, optionally with the given code. */
export function isAppError(err: unknown, code?: string): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}
