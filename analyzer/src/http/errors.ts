// The one HTTP error shape: AppErrors, schema violations, bad JSON and oversized bodies become
// { statusCode, error, code, message, details? }; anything unexpected becomes a 500 without internals.
import { STATUS_CODES } from 'node:http';
import { isAppError } from '@topoflow/common';
import type { FastifyError, FastifyInstance } from 'fastify';
import { AnalyzerErrors } from '../errors.js';

/** The body of every HTTP error response. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A JSON-schema violation reported by ajv, reduced to what a client needs. */
export interface SchemaViolation {
  path: string;
  keyword: string;
  message: string;
}

/** Reduces ajv errors to their path, keyword and message. */
export function schemaViolations(errors: readonly unknown[] | null | undefined): SchemaViolation[] {
  return (errors ?? []).map((raw) => {
    const e = raw as { instancePath?: string; keyword?: string; message?: string; params?: { missingProperty?: string; additionalProperty?: string } };
    const named = e.params?.missingProperty ?? e.params?.additionalProperty;
    return {
      path: (e.instancePath ?? '') + (named !== undefined ? `/${named}` : ''),
      keyword: e.keyword ?? 'unknown',
      message: e.message ?? 'is invalid',
    };
  });
}

function body(statusCode: number, code: string, message: string, details?: Record<string, unknown>): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message, ...(details ? { details } : {}) };
}

const FASTIFY_CODES: Record<string, { code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: AnalyzerErrors.INVALID_JSON, message: 'the request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: AnalyzerErrors.INVALID_JSON, message: 'the request body is empty' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: AnalyzerErrors.BODY_TOO_LARGE, message: 'the request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: AnalyzerErrors.UNSUPPORTED_MEDIA_TYPE, message: 'unsupported content type' },
};

/** Turns any thrown value into the error body; `internal` is true when the cause must be logged. */
export function toErrorBody(err: unknown): { body: ErrorBody; internal: boolean } {
  if (isAppError(err)) {
    const status = err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    return { body: body(status, err.code, err.message, err.details), internal: status >= 500 };
  }
  const fe = err as Partial<FastifyError> | undefined;
  if (fe !== undefined && fe !== null && Array.isArray(fe.validation)) {
    const where = fe.validationContext ?? 'request';
    return {
      body: body(400, AnalyzerErrors.VALIDATION_ERROR, fe.message ?? `invalid ${where}`, {
        in: where, violations: schemaViolations(fe.validation),
      }),
      internal: false,
    };
  }
  const known = fe?.code !== undefined ? FASTIFY_CODES[fe.code] : undefined;
  if (known !== undefined) {
    return { body: body(fe?.statusCode ?? 400, known.code, known.message), internal: false };
  }
  const status = fe?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { body: body(status, AnalyzerErrors.BAD_REQUEST, fe?.message ?? 'bad request'), internal: false };
  }
  return { body: body(500, AnalyzerErrors.INTERNAL_ERROR, 'internal error'), internal: true };
}

/** Installs the error and not-found handlers; `onError` sees every error response (for logs and metrics). */
export function installErrorHandling(app: FastifyInstance, onError: (err: unknown, b: ErrorBody) => void): void {
  app.setErrorHandler((err, _request, reply) => {
    const { body: b } = toErrorBody(err);
    onError(err, b);
    return reply.code(b.statusCode).type('application/json; charset=utf-8').send(b);
  });
  app.setNotFoundHandler((request, reply) => {
    const b = body(404, AnalyzerErrors.ROUTE_NOT_FOUND, `no route ${request.method} ${request.url.split('?')[0]}`);
    return reply.code(404).type('application/json; charset=utf-8').send(b);
  });
}
