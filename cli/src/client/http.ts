// A small REST client for the analyzer API that turns every failure into an AppError with a clear message.
import { AppError, formatAddress, parseAddress } from '@topoflow/common';
import { CliErrors } from '../errors.js';

/** A response body and its content type. */
export interface ApiResponse {
  status: number;
  contentType: string;
  text: string;
}

/** Talks to one analyzer. */
export class AnalyzerClient {
  readonly base: string;
  readonly #timeoutMs: number;

  constructor(address: string, timeoutMs = 60_000) {
    this.base = `http://${formatAddress(parseAddress(address))}`;
    this.#timeoutMs = timeoutMs;
  }

  /** Sends a request; non-2xx answers become AppErrors carrying the server's code and message. */
  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (cause) {
      const reason = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).name;
      throw new AppError(CliErrors.CONNECT_FAILED, `cannot reach the analyzer at ${this.base} (${reason}); is it running? (--analyzer HOST:PORT)`, { cause });
    }
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    if (res.status >= 400) throw serverError(res.status, text);
    return { status: res.status, contentType, text };
  }

  /** Sends a request and parses the JSON answer (undefined for 204). */
  async json(method: string, path: string, body?: unknown): Promise<unknown> {
    const r = await this.request(method, path, body, { accept: 'application/json' });
    if (r.status === 204 || r.text === '') return undefined;
    try {
      return JSON.parse(r.text);
    } catch (cause) {
      throw new AppError(CliErrors.BAD_RESPONSE, `the analyzer answered ${path} with invalid JSON`, { cause });
    }
  }
}

/** The error an analyzer answer of `status` stands for: its own code and message when it sent its error shape. */
export function serverError(status: number, text: string): AppError {
  try {
    const body = JSON.parse(text) as { code?: string; message?: string; details?: Record<string, unknown> };
    if (typeof body.message === 'string') {
      return new AppError(body.code ?? 'CLI_SERVER_ERROR', body.message, { statusCode: status, ...(body.details ? { details: body.details } : {}) });
    }
  } catch {
    // not the JSON error shape
  }
  return new AppError('CLI_SERVER_ERROR', `the analyzer answered ${status}: ${text.slice(0, 500)}`, { statusCode: status });
}
