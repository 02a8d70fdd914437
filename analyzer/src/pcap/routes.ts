// POST /api/pcap: the body is a pcap or pcapng stream, read as it arrives (never held whole), in a scope of its
// own whose content-type parser hands the request stream over instead of parsing JSON. An answer sent before the
// body was read to its end closes the connection, so a refused upload is not read to its end anyway.
import type { FastifyInstance } from 'fastify';
import { PCAP_QUERY_SCHEMA, type PcapQuery, pcapTableOptions } from './options.js';
import type { PcapIngest } from './pcap-ingest.js';

/** Path of the pcap upload route. */
export const PCAP_PATH = '/api/pcap';

/** Registers POST /api/pcap. */
export function registerPcapRoutes(app: FastifyInstance, deps: { ingest: PcapIngest }): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.addHook('onSend', async (request, reply, payload) => {
      if (!request.raw.complete) reply.header('connection', 'close');
      return payload;
    });
    scope.post(PCAP_PATH, { schema: { querystring: PCAP_QUERY_SCHEMA } }, async (request, reply) => {
      deps.ingest.admit(request.headers['content-type'], request.headers['content-length']);
      const summary = await deps.ingest.ingest(request.raw, pcapTableOptions(request.query as PcapQuery));
      return reply.code(202).send(summary);
    });
  });
}
