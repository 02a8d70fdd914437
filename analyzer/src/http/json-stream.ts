// Serialises large topologies piece by piece so a 300k-element graph neither blocks the event loop in one
// JSON.stringify nor needs one huge intermediate object; HTTP responses stream the pieces (gzip when accepted).
import { Readable, pipeline } from 'node:stream';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { createGzip, gzipSync } from 'node:zlib';
import type { Edge, Element, Node } from '@topoflow/graph';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** `{"Nodes":[…],"Edges":[…]}`, wrapped in an array when `wrap` is set (Skydive's query result shape). */
export function* topologyPieces(nodes: Iterable<Node>, edges: Iterable<Edge>, wrap = false): Generator<string> {
  yield wrap ? '[{"Nodes":[' : '{"Nodes":[';
  let first = true;
  for (const n of nodes) {
    yield first ? JSON.stringify(n) : ',' + JSON.stringify(n);
    first = false;
  }
  yield '],"Edges":[';
  first = true;
  for (const e of edges) {
    yield first ? JSON.stringify(e) : ',' + JSON.stringify(e);
    first = false;
  }
  yield wrap ? ']}]' : ']}';
}

/** `{"<id>": element, …}`, the shape of Skydive's resource listings. */
export function* elementMapPieces(elements: Iterable<Element>): Generator<string> {
  yield '{';
  let first = true;
  for (const e of elements) {
    yield (first ? '' : ',') + JSON.stringify(e.ID) + ':' + JSON.stringify(e);
    first = false;
  }
  yield '}';
}

const isPlain = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

const isOmitted = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** Any JSON value as pieces, equal to JSON.stringify's output; arrays and plain objects are split `depth` levels deep. */
export function* jsonPieces(value: unknown, depth = 3): Generator<string> {
  if (depth > 0 && Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      const item: unknown = value[i];
      if (isOmitted(item)) yield 'null';
      else yield* jsonPieces(item, depth - 1);
    }
    yield ']';
  } else if (depth > 0 && isPlain(value)) {
    yield '{';
    let first = true;
    for (const [k, v] of Object.entries(value)) {
      if (isOmitted(v)) continue;
      yield (first ? '' : ',') + JSON.stringify(k) + ':';
      first = false;
      yield* jsonPieces(v, depth - 1);
    }
    yield '}';
  } else {
    yield JSON.stringify(value) ?? 'null';
  }
}

/** Joins pieces into one string (for WebSocket messages, which are sent whole). */
export function joinPieces(pieces: Iterable<string>): string {
  const parts: string[] = [];
  for (const p of pieces) parts.push(p);
  return parts.join('');
}

async function* chunked(first: string, rest: Iterator<string>, chunkSize: number): AsyncGenerator<string> {
  yield first;
  let buf = '';
  for (let r = rest.next(); r.done !== true; r = rest.next()) {
    buf += r.value;
    if (buf.length >= chunkSize) {
      await yieldToLoop();
      yield buf;
      buf = '';
    }
  }
  if (buf.length > 0) yield buf;
}

/** Bodies below this size are sent uncompressed: gzip costs more than it saves on them. */
const GZIP_MIN_BYTES = 1024;

/**
 * Sends pieces as a JSON response. A body that fits in one chunk goes out as one string (the common case of a
 * query answer); a larger one is streamed chunk by chunk, yielding to the event loop between chunks. Either is
 * gzip-compressed when the client accepts it and the body is not tiny.
 */
export function sendJsonPieces(request: FastifyRequest, reply: FastifyReply, pieces: Iterable<string>, chunkSize = 64 * 1024): FastifyReply {
  reply.type('application/json; charset=utf-8');
  const it = pieces[Symbol.iterator]();
  let first = '';
  let done = false;
  while (first.length < chunkSize) {
    const r = it.next();
    if (r.done === true) {
      done = true;
      break;
    }
    first += r.value;
  }
  const accept = request.headers['accept-encoding'];
  const gzip = typeof accept === 'string' && /\bgzip\b/.test(accept) && first.length >= GZIP_MIN_BYTES;
  if (gzip) reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
  if (done) return reply.send(gzip ? gzipSync(first, { level: 1 }) : first);
  const stream = Readable.from(chunked(first, it, chunkSize), { objectMode: false });
  return reply.send(gzip ? pipeline(stream, createGzip({ level: 1 }), () => undefined) : stream);
}
