// The agent API's one error shape { statusCode, error, code, message, details? }: coded errors keep their code and
// status, schema violations and unreadable bodies become AGENT_BAD_REQUEST, anything else a 500 without internals.
import { STATUS_CODES } from 'node:http';
import { isAppError } from '@topoflow/common';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AgentErrors } from '../errors.js';

/** The body of every error response of the agent API. */
export interface AgentErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

function body(statusCode: number, code: string, message: string, details?: Record<string, unknown>): AgentErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message, ...(details ? { details } : {}) };
}

/** Where each JSON-schema violation is (a JSON pointer into the body) and what is wrong there. */
function violations(list: readonly unknown[]): { path: string; keyword: string; message: string }[] {
  return list.map((raw) => {
    const v = raw as { instancePath?: string; keyword?: string; message?: string; params?: { missingProperty?: string; additionalProperty?: string } };
    const extra = v.params?.missingProperty ?? v.params?.additionalProperty;
    return { path: `${v.instancePath ?? ''}${extra !== undefined ? `/${extra}` : ''}`, keyword: v.keyword ?? 'invalid', message: v.message ?? 'is invalid' };
  });
}

/** The error body of any thrown value. */
export function agentErrorBody(err: unknown): AgentErrorBody {
  if (isAppError(err)) {
    const status = err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    return body(status, err.code, err.message, err.details);
  }
  const fe = (err ?? {}) as { validation?: unknown[]; validationContext?: string; statusCode?: number; message?: string };
  if (Array.isArray(fe.validation)) {
    return body(400, AgentErrors.BAD_REQUEST, fe.message ?? 'invalid request', { in: fe.validationContext ?? 'body', violations: violations(fe.validation) });
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return body(fe.statusCode, AgentErrors.BAD_REQUEST, fe.message ?? 'bad request');
  }
  return body(500, AgentErrors.INTERNAL_ERROR, 'internal error');
}

/** Installs the error and not-found handlers of the agent API; unexpected errors are logged with their cause. */
export function installAgentErrorHandling(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler(async (err, request, reply) => {
    const b = agentErrorBody(err);
    if (b.code === AgentErrors.INTERNAL_ERROR) log.error({ err, method: request.method, url: request.url }, 'request failed');
    return reply.code(b.statusCode).send(b);
  });
  app.setNotFoundHandler(async (request, reply) => reply.code(404).send(
    body(404, AgentErrors.ROUTE_NOT_FOUND, `no route ${request.method} ${request.url.split('?')[0]}`),
  ));
}
