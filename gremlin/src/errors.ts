// The Gremlin engine's error table: every failure is an AppError with one of these codes and its HTTP status.
import { AppError } from '@topoflow/common';

/** Every error code the engine raises. */
export const GremlinErrors = {
  PARSE_ERROR: 'GREMLIN_PARSE_ERROR',
  INVALID_STEP: 'GREMLIN_INVALID_STEP',
  INVALID_PARAMS: 'GREMLIN_INVALID_PARAMS',
  NOT_FOUND: 'GREMLIN_NOT_FOUND',
  HISTORY_UNSUPPORTED: 'GREMLIN_HISTORY_UNSUPPORTED',
  TIMEOUT: 'GREMLIN_TIMEOUT',
  RESULT_TOO_LARGE: 'GREMLIN_RESULT_TOO_LARGE',
  TOO_MANY_BUCKETS: 'GREMLIN_TOO_MANY_BUCKETS',
  EXECUTION_ERROR: 'GREMLIN_EXECUTION_ERROR',
} as const;

/** One of the engine's error codes. */
export type GremlinErrorCode = (typeof GremlinErrors)[keyof typeof GremlinErrors];

/** HTTP status of each code. */
export const GREMLIN_ERROR_STATUS: Readonly<Record<GremlinErrorCode, number>> = {
  GREMLIN_PARSE_ERROR: 400,
  GREMLIN_INVALID_STEP: 400,
  GREMLIN_INVALID_PARAMS: 400,
  GREMLIN_NOT_FOUND: 404,
  GREMLIN_HISTORY_UNSUPPORTED: 400,
  GREMLIN_TIMEOUT: 408,
  GREMLIN_RESULT_TOO_LARGE: 413,
  GREMLIN_TOO_MANY_BUCKETS: 400,
  GREMLIN_EXECUTION_ERROR: 400,
};

/** Builds an engine error with the status of its table entry (overridable, e.g. 500 for internal faults). */
export function gremlinError(
  code: GremlinErrorCode,
  message: string,
  details?: Record<string, unknown>,
  options: { cause?: unknown; statusCode?: number } = {},
): AppError {
  return new AppError(code, message, {
    statusCode: options.statusCode ?? GREMLIN_ERROR_STATUS[code],
    ...(details ? { details } : {}),
    ...(options.cause === undefined ? {} : { cause: options.cause }),
  });
}

/** A parameter error pointing at a character offset of the query. */
export function paramsError(message: string, position: number): AppError {
  return gremlinError(GremlinErrors.INVALID_PARAMS, message, { position });
}

/** The error for a step applied to a result kind that does not support it. */
export function invalidStepError(step: string, kind: string, position?: number): AppError {
  return gremlinError(GremlinErrors.INVALID_STEP, `Invalid step '${step}' on '${kind}'`, {
    step, kind, ...(position === undefined ? {} : { position }),
  });
}

/**
 * Turns anything thrown during a query into an AppError: AppErrors pass through (extensions keep their own codes),
 * a stack overflow or other internal fault becomes GREMLIN_EXECUTION_ERROR with status 500 and the cause attached.
 */
export function toGremlinError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return gremlinError(GremlinErrors.EXECUTION_ERROR, 'Error while executing the query', undefined, { cause: err, statusCode: 500 });
}
