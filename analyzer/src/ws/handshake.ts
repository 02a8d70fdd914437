// Reads the Skydive handshake (X-Host-ID, X-Client-Type, X-Gremlin-Filter, X-Update-Policy, X-Persistence-Policy,
// X-Client-Protocol) from headers or their lower-case query parameters, as browsers cannot set headers.
import { formatAddress } from '@topoflow/common';
import type { FastifyRequest } from 'fastify';
import { AnalyzerErrors, analyzerError } from '../errors.js';

/** How updates reach a subscriber: whole elements, or Skydive's partial updates with ops. */
export type UpdatePolicy = 'full' | 'partial';

/** What happens to a publisher's elements when it disconnects. */
export type PersistencePolicy = 'Persistent' | 'DeleteOnDisconnect';

/** The identity and options a client declared when connecting. */
export interface Handshake {
  hostId: string;
  clientType: string;
  gremlinFilter: string;
  updatePolicy: UpdatePolicy;
  persistencePolicy: PersistencePolicy;
  remoteAddress: string;
  remotePort: number;
}

/** The client type assumed when X-Client-Type is absent (Skydive closes such sockets; Topoflow is lenient). */
export const DEFAULT_CLIENT_TYPE = 'client';

function param(request: FastifyRequest, name: string): string | undefined {
  const h = request.headers[name];
  const fromHeader = Array.isArray(h) ? h[0] : h;
  if (fromHeader !== undefined && fromHeader !== '') return fromHeader;
  const q = (request.query as Record<string, unknown> | undefined)?.[name];
  const fromQuery = Array.isArray(q) ? q[0] : q;
  return typeof fromQuery === 'string' && fromQuery !== '' ? fromQuery : undefined;
}

function bad(message: string, details: Record<string, unknown>): never {
  throw analyzerError(AnalyzerErrors.WS_BAD_HANDSHAKE, message, details);
}

/** Parses the handshake of an upgrade request; throws ANALYZER_WS_BAD_HANDSHAKE (400) on a bad value. */
export function parseHandshake(request: FastifyRequest): Handshake {
  const remoteAddress = request.socket.remoteAddress ?? 'unknown';
  const remotePort = request.socket.remotePort ?? 0;
  const update = (param(request, 'x-update-policy') ?? 'full').toLowerCase();
  if (update !== 'full' && update !== 'partial') {
    bad(`X-Update-Policy must be "full" or "partial", got "${update}"`, { header: 'X-Update-Policy' });
  }
  const persistence = (param(request, 'x-persistence-policy') ?? 'Persistent').toLowerCase();
  if (persistence !== 'persistent' && persistence !== 'deleteondisconnect') {
    bad(`X-Persistence-Policy must be "Persistent" or "DeleteOnDisconnect", got "${persistence}"`, { header: 'X-Persistence-Policy' });
  }
  const protocol = (param(request, 'x-client-protocol') ?? 'json').toLowerCase();
  if (protocol !== 'json') bad(`X-Client-Protocol "${protocol}" is not supported: use "json"`, { header: 'X-Client-Protocol' });
  return {
    hostId: param(request, 'x-host-id') ?? formatAddress({ host: remoteAddress, port: remotePort }),
    clientType: param(request, 'x-client-type') ?? DEFAULT_CLIENT_TYPE,
    gremlinFilter: (param(request, 'x-gremlin-filter') ?? '').trim(),
    updatePolicy: update,
    persistencePolicy: persistence === 'persistent' ? 'Persistent' : 'DeleteOnDisconnect',
    remoteAddress,
    remotePort,
  };
}
