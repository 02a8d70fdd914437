// REST resources /api/node and /api/edge: list, get, create, JSON-Patch the metadata, delete (reference §5.5).
import type { Clock } from '@topoflow/common';
import { type Element, GraphErrors, type MemoryGraph, type Metadata, graphError } from '@topoflow/graph';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import { elementMapPieces, sendJsonPieces } from '../http/json-stream.js';
import { checkMetadataDepth, checkSchema, edgeInput, nodeInput } from './element-input.js';
import { type PatchOperation, applyJsonPatch } from './json-patch.js';
import { EDGE_SCHEMA, JSON_PATCH_SCHEMA, NODE_SCHEMA } from './schemas.js';

/** What the element routes need. */
export interface ElementRoutesDeps {
  graph: MemoryGraph;
  hostId: string;
  clock: Clock;
  /** Resolves once every change so far is durable in history; a write answers only then (503 on timeout). */
  durable?: () => Promise<void>;
}

const ID_PARAMS = {
  type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } },
} as const;

/** Metadata keys a node PATCH cannot change (Skydive forces them back). */
const PROTECTED_NODE_KEYS = ['Name', 'Type', 'TID'] as const;

interface Kind {
  name: 'node' | 'edge';
  schema: object;
  get(id: string): Element | undefined;
  list(): Iterable<Element>;
  notFound: (typeof GraphErrors)['NODE_NOT_FOUND'] | (typeof GraphErrors)['EDGE_NOT_FOUND'];
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** The metadata a patch produces, with protected keys restored; throws when the patch breaks the element. */
function patchedMetadata(request: IdRequest, kind: Kind, current: Element, patch: PatchOperation[]): Metadata {
  const doc = applyJsonPatch(current, patch);
  const md = (doc as { Metadata?: unknown } | null)?.Metadata;
  if (typeof md !== 'object' || md === null || Array.isArray(md)) {
    throw analyzerError(AnalyzerErrors.INVALID_PATCH, 'the patched element has no Metadata object');
  }
  const out = { ...(md as Metadata) };
  checkMetadataDepth(out, current.ID);
  if (kind.name === 'node') {
    for (const k of PROTECTED_NODE_KEYS) {
      if (Object.prototype.hasOwnProperty.call(current.Metadata, k)) out[k] = current.Metadata[k];
      else delete out[k];
    }
  }
  checkSchema(request.compileValidationSchema(kind.schema), { ...current, Metadata: out }, `patched ${kind.name}`);
  return out;
}

function register(app: FastifyInstance, deps: ElementRoutesDeps, kind: Kind): void {
  const { graph } = deps;
  const base = `/api/${kind.name}`;
  const find = (id: string): Element => {
    const e = kind.get(id);
    if (e === undefined) throw graphError(kind.notFound, `${kind.name} ${id} not found`, { id });
    return e;
  };

  app.get(base, (request, reply) => sendJsonPieces(request, reply, elementMapPieces([...kind.list()])));

  app.get(`${base}/:id`, { schema: { params: ID_PARAMS } }, async (request: IdRequest) => find(request.params.id));

  app.post(base, { schema: { body: kind.schema } }, async (request, reply) => {
    const d = { now: deps.clock.now(), host: deps.hostId, origin: `api.${deps.hostId}` };
    const created = kind.name === 'node' ? graph.addNode(nodeInput(request.body, d)) : graph.addEdge(edgeInput(request.body, d));
    await deps.durable?.();
    return reply.code(201).send(created);
  });

  app.patch(`${base}/:id`, { schema: { params: ID_PARAMS, body: JSON_PATCH_SCHEMA } }, async (request: IdRequest, reply: FastifyReply) => {
    const current = find(request.params.id);
    const replace = patchedMetadata(request, kind, current, request.body as PatchOperation[]);
    const updated = kind.name === 'node' ? graph.updateNode(current.ID, { replace }) : graph.updateEdge(current.ID, { replace });
    if (updated === undefined) return reply.code(304).send();
    await deps.durable?.();
    return reply.code(200).send(updated);
  });

  app.delete(`${base}/:id`, { schema: { params: ID_PARAMS } }, async (request: IdRequest, reply: FastifyReply) => {
    const id = find(request.params.id).ID;
    if (kind.name === 'node') graph.deleteNode(id);
    else graph.deleteEdge(id);
    await deps.durable?.();
    return reply.code(200).type('text/plain; charset=utf-8').send('');
  });
}

/** Registers /api/node and /api/edge. */
export function registerElementRoutes(app: FastifyInstance, deps: ElementRoutesDeps): void {
  register(app, deps, {
    name: 'node', schema: NODE_SCHEMA, notFound: GraphErrors.NODE_NOT_FOUND,
    get: (id) => deps.graph.getNode(id), list: () => deps.graph.nodes(),
  });
  register(app, deps, {
    name: 'edge', schema: EDGE_SCHEMA, notFound: GraphErrors.EDGE_NOT_FOUND,
    get: (id) => deps.graph.getEdge(id), list: () => deps.graph.edges(),
  });
}
