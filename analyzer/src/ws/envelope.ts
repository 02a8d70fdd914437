// The Skydive WebSocket envelope {Namespace, Type, UUID, Status, Obj}: encoding, decoding and error replies.
import { randomUUID } from 'node:crypto';
import { isAppError } from '@topoflow/common';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import { type Validate, checkSchema } from '../elements/element-input.js';

/** The namespace of graph messages. */
export const GRAPH_NAMESPACE = 'Graph';

/** The namespace of capture orders between the analyzer and its agents. */
export const ONDEMAND_NAMESPACE = 'OnDemand';

/** Type of the reply sent for a message that could not be handled (a Topoflow addition to the protocol). */
export const ERROR_TYPE = 'Error';

/** A decoded message. */
export interface Envelope {
  Namespace: string;
  Type: string;
  UUID: string | undefined;
  Status: number;
  Obj: unknown;
}

/** Options of an outgoing message. */
export interface EncodeOptions {
  namespace?: string;
  uuid?: string;
  status?: number;
}

const PREFIXES = new Map<string, string>();

/** `{"Namespace":…,"Type":…,"UUID":"` for a namespace and type, built once. */
function prefix(namespace: string, type: string): string {
  const key = namespace + '\u0000' + type;
  let p = PREFIXES.get(key);
  if (p === undefined) {
    p = `{"Namespace":${JSON.stringify(namespace)},"Type":${JSON.stringify(type)},"UUID":`;
    if (PREFIXES.size < 256) PREFIXES.set(key, p);
  }
  return p;
}

/** Encodes a message whose Obj is already JSON text (lets one serialisation serve many connections). */
export function encodeRaw(type: string, objJson: string, o: EncodeOptions = {}): string {
  const uuid = o.uuid === undefined ? `"${randomUUID()}"` : JSON.stringify(o.uuid);
  return `${prefix(o.namespace ?? GRAPH_NAMESPACE, type)}${uuid},"Status":${o.status ?? 200},"Obj":${objJson}}`;
}

/** Encodes a message. */
export function encode(type: string, obj: unknown, o: EncodeOptions = {}): string {
  return encodeRaw(type, JSON.stringify(obj) ?? 'null', o);
}

/** Parses and checks one text frame; throws ANALYZER_WS_INVALID_MESSAGE (details.uuid when one could be read). */
export function decodeEnvelope(data: string, validate: Validate): Envelope {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    throw analyzerError(AnalyzerErrors.WS_INVALID_MESSAGE, 'the message is not valid JSON');
  }
  try {
    checkSchema(validate, raw, 'message envelope');
  } catch (err) {
    const uuid = (raw as { UUID?: unknown } | null)?.UUID;
    if (isAppError(err) && typeof uuid === 'string') throw analyzerError(AnalyzerErrors.WS_INVALID_MESSAGE, err.message, { ...err.details, uuid });
    throw analyzerError(AnalyzerErrors.WS_INVALID_MESSAGE, isAppError(err) ? err.message : 'invalid message', isAppError(err) ? err.details : undefined);
  }
  const m = raw as { Namespace: string; Type: string; UUID?: string | null; Status?: number | null; Obj?: unknown };
  return { Namespace: m.Namespace, Type: m.Type, UUID: m.UUID ?? undefined, Status: m.Status ?? 200, Obj: m.Obj ?? null };
}

/** The body of an error reply. */
export interface ErrorReplyObj {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** The AppError fields of any thrown value (unknown errors become ANALYZER_INTERNAL_ERROR without internals). */
export function errorInfo(err: unknown): { status: number; obj: ErrorReplyObj } {
  if (isAppError(err)) {
    const status = err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    return { status, obj: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
  }
  return { status: 500, obj: { code: AnalyzerErrors.INTERNAL_ERROR, message: 'internal error' } };
}

/**
 * The reply to a message that failed: `{Namespace, Type: "Error", UUID, Status, Obj: {code, message, details?}}`.
 * UUID and Namespace echo the request when it had them; details.requestType names the request's Type.
 */
export function encodeError(err: unknown, request?: Partial<Envelope>): string {
  const { status, obj } = errorInfo(err);
  const uuid = request?.UUID ?? (obj.details?.uuid as string | undefined);
  const details: Record<string, unknown> = { ...obj.details, ...(request?.Type !== undefined ? { requestType: request.Type } : {}) };
  delete details.uuid;
  const body: ErrorReplyObj = { code: obj.code, message: obj.message, ...(Object.keys(details).length > 0 ? { details } : {}) };
  return encode(ERROR_TYPE, body, { namespace: request?.Namespace ?? GRAPH_NAMESPACE, uuid: uuid ?? randomUUID(), status });
}
