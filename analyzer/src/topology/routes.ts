// GET /api/topology (the whole live graph) and POST /api/topology (a Gremlin query, reference §5.4).
import type { ComponentReporter } from '@topoflow/common';
import { type MemoryGraph, toDot } from '@topoflow/graph';
import type { QueryEngine, QueryOptions, QueryResult } from '@topoflow/gremlin';
import { isRawPacketsResult, rawPacketsToPcap } from '@topoflow/flow';
import type { FastifyInstance } from 'fastify';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import { jsonPieces, sendJsonPieces, topologyPieces } from '../http/json-stream.js';
import { TOPOLOGY_QUERY_SCHEMA } from '../elements/schemas.js';

/** What the topology routes need. */
export interface TopologyRoutesDeps {
  graph: MemoryGraph;
  engine: QueryEngine;
  queryOptions: QueryOptions;
  reporter: ComponentReporter;
}

const DOT = 'text/vnd.graphviz';
const PCAP = 'application/vnd.tcpdump.pcap';

/** Registers the topology routes. */
export function registerTopologyRoutes(app: FastifyInstance, deps: TopologyRoutesDeps): void {
  const { graph, engine, reporter } = deps;
  const queries = reporter.counter('queries_total', 'Gremlin queries received on POST /api/topology');
  const errors = reporter.counter('query_errors_total', 'Gremlin queries that failed, by error code', ['code']);
  const duration = reporter.histogram('query_duration_seconds', 'Time to run a Gremlin query', [0.001, 0.01, 0.1, 0.5, 1, 5, 30]);

  app.get('/api/topology', (request, reply) => sendJsonPieces(request, reply, topologyPieces([...graph.nodes()], [...graph.edges()])));

  app.post('/api/topology', { schema: { body: TOPOLOGY_QUERY_SCHEMA } }, async (request, reply) => {
    const query = (request.body as { GremlinQuery?: string | null } | null | undefined)?.GremlinQuery;
    if (typeof query !== 'string' || query.trim() === '') return reply.code(204).send();
    queries.inc();
    const accept = request.headers.accept ?? '';
    const end = duration.startTimer();
    let result: QueryResult;
    try {
      result = await engine.execute(query, graph, deps.queryOptions);
    } catch (err) {
      errors.inc({ code: (err as { code?: unknown }).code === undefined ? 'unknown' : String((err as { code: unknown }).code) });
      throw err;
    } finally {
      end();
    }
    if (accept.includes(DOT)) {
      if (result.kind !== 'graph' || result.graph === undefined) {
        throw analyzerError(AnalyzerErrors.NOT_ACCEPTABLE, `a ${result.kind} result cannot be rendered as ${DOT}`, { kind: result.kind });
      }
      return reply.type(`${DOT}; charset=utf-8`).send(toDot(result.graph.nodes(), result.graph.edges()));
    }
    if (accept.includes(PCAP)) {
      if (!isRawPacketsResult(result)) {
        throw analyzerError(AnalyzerErrors.NOT_ACCEPTABLE, `a ${result.kind} result cannot be rendered as ${PCAP}`, { kind: result.kind });
      }
      return reply.type(PCAP).send(rawPacketsToPcap(result));
    }
    return sendJsonPieces(request, reply, jsonPieces(result.toJSON()));
  });
}
