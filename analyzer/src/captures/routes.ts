// The capture API (Skydive's /api/capture): create, list, get and delete captures stored in etcd; Count is
// computed from the live graph. With etcd turned off every route answers 503 ANALYZER_CAPTURES_DISABLED.
import { randomUUID } from 'node:crypto';
import type { ComponentReporter } from '@topoflow/common';
import type { GraphView } from '@topoflow/graph';
import type { QueryEngine } from '@topoflow/gremlin';
import type { FastifyInstance } from 'fastify';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import { captureJSON } from './capture.js';
import { activeCaptureCounts } from './count.js';
import type { CaptureStore } from './store.js';
import { checkDuplicate, validateCapture } from './validate.js';

/** What the capture routes need. */
export interface CaptureRoutesDeps {
  /** The store; undefined when etcd is turned off. */
  store: CaptureStore | undefined;
  engine: Pick<QueryEngine, 'parse'>;
  graph: Pick<GraphView, 'nodes'>;
  reporter: ComponentReporter;
}

const ID_PARAMS = {
  type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 256 } },
} as const;

/** Registers /api/capture and /api/capture/:id. */
export function registerCaptureRoutes(app: FastifyInstance, deps: CaptureRoutesDeps): void {
  const created = deps.reporter.counter('created_total', 'Captures created through the API');
  const deleted = deps.reporter.counter('deleted_total', 'Captures deleted through the API');
  const store = () => {
    if (deps.store === undefined) {
      throw analyzerError(AnalyzerErrors.CAPTURES_DISABLED, 'captures are disabled on this analyzer (etcd.enabled is false in its configuration)');
    }
    return deps.store;
  };
  const notFound = (id: string) => analyzerError(AnalyzerErrors.CAPTURE_NOT_FOUND, `capture '${id}' not found`, { id });

  app.get('/api/capture', async () => {
    const captures = await store().list();
    const counts = activeCaptureCounts(deps.graph.nodes());
    return Object.fromEntries(captures.map((c) => [c.UUID, captureJSON(c, counts.get(c.UUID) ?? 0)]));
  });

  app.get('/api/capture/:id', { schema: { params: ID_PARAMS } }, async (request) => {
    const { id } = request.params as { id: string };
    const capture = await store().get(id);
    if (capture === undefined) throw notFound(id);
    return captureJSON(capture, activeCaptureCounts(deps.graph.nodes()).get(id) ?? 0);
  });

  app.post('/api/capture', async (request, reply) => {
    const s = store();
    const capture = validateCapture(request.body, randomUUID(), deps.engine);
    checkDuplicate(capture, await s.list());
    await s.put(capture);
    created.inc();
    deps.reporter.logger.info({ id: capture.UUID, gremlin: capture.GremlinQuery, type: capture.Type }, 'capture created');
    return reply.code(201).send(captureJSON(capture, 0));
  });

  app.delete('/api/capture/:id', { schema: { params: ID_PARAMS } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!(await store().delete(id))) throw notFound(id);
    deleted.inc();
    deps.reporter.logger.info({ id }, 'capture deleted');
    return reply.code(200).type('text/plain; charset=utf-8').send('');
  });

  app.patch('/api/capture/:id', { schema: { params: ID_PARAMS } }, async () => {
    store();
    throw analyzerError(AnalyzerErrors.CAPTURE_NOT_UPDATABLE, 'captures cannot be updated: delete the capture and create a new one');
  });
}
