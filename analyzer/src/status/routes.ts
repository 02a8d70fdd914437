// Service endpoints: GET /api (identity), /api/status (Skydive's status shape), /metrics, /healthz, /readyz.
import type { Reporter } from '@topoflow/common';
import type { FastifyInstance } from 'fastify';
import type { ConnectionStatus } from '../ws/connection.js';

/** What the status routes need. */
export interface StatusRoutesDeps {
  hostId: string;
  version: string;
  reporter: Reporter;
  /** True once the analyzer is started and until it starts stopping. */
  isReady(): boolean;
  agents(): Record<string, ConnectionStatus>;
  publishers(): Record<string, ConnectionStatus>;
  subscribers(): Record<string, ConnectionStatus>;
  /** The flow server's counts (a Topoflow addition to Skydive's shape). */
  flows?(): unknown;
  /** The on-demand capture server's state. */
  captures(): unknown;
  /** Refreshes gauges that are sampled rather than kept up to date. */
  beforeScrape(): void;
}

/** Registers the status routes. */
export function registerStatusRoutes(app: FastifyInstance, deps: StatusRoutesDeps): void {
  app.get('/api', async () => ({ Host: deps.hostId, Version: deps.version, Service: 'analyzer' }));

  app.get('/api/status', async () => ({
    Agents: deps.agents(),
    Peers: { Incomers: {}, Outgoers: {} },
    Publishers: deps.publishers(),
    Subscribers: deps.subscribers(),
    Alerts: {},
    Captures: deps.captures(),
    Probes: {},
    ...(deps.flows ? { Flows: deps.flows() } : {}),
  }));

  app.get('/metrics', async (_request, reply) => {
    deps.beforeScrape();
    const text = await deps.reporter.registry.metrics();
    return reply.type(deps.reporter.registry.contentType).send(text);
  });

  app.get('/healthz', async (_request, reply) => {
    const { ok, checks } = deps.reporter.checkHealth();
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'failing', checks });
  });

  app.get('/readyz', async (_request, reply) => {
    const ready = deps.isReady();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
}
