// The agent's own small HTTP API: identity, Skydive-shaped status, health, readiness, Prometheus metrics and
// the agent's graph (GET /api/topology), so operators and tests can compare it with the analyzer's copy.
import { type Address, type Reporter, isAppError, parseAddress } from '@topoflow/common';
import type { MemoryGraph } from '@topoflow/graph';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { AgentErrors } from '../errors.js';
import type { AnalyzerLinkStatus } from '../forwarder/forwarder.js';

/** Settings of the agent API. */
export interface AgentApiConfig {
  /** "host:port"; port 0 picks a free one. */
  listen: string;
}

/** Defaults of the agent API. */
export function defaultAgentApiConfig(): AgentApiConfig {
  return { listen: '127.0.0.1:8081' };
}

/** What the agent API needs. */
export interface AgentApiDeps {
  hostId: string;
  version: string;
  graph: MemoryGraph;
  reporter: Reporter;
  isReady(): boolean;
  analyzers(): Record<string, AnalyzerLinkStatus>;
  /** Status of each topology probe, by name. */
  topologyProbes(): Record<string, unknown>;
  /** Refreshes sampled gauges before a scrape. */
  beforeScrape(): void;
}

/** The HTTP server of the agent. */
export class AgentApi {
  readonly config: AgentApiConfig;
  readonly #deps: AgentApiDeps;
  #app: FastifyInstance | undefined;
  #address: Address | undefined;

  constructor(config: AgentApiConfig, deps: AgentApiDeps) {
    parseAddress(config.listen);
    this.config = config;
    this.#deps = deps;
  }

  /** The bound address (once started). */
  get address(): Address | undefined {
    return this.#address;
  }

  /** Builds the routes and listens. */
  async start(): Promise<void> {
    if (this.#app !== undefined) return;
    const app = Fastify({
      loggerInstance: this.#deps.reporter.logger.child({ component: 'http' }) as FastifyBaseLogger,
      logController: new LogController({ disableRequestLogging: true }),
      forceCloseConnections: true,
    });
    this.#app = app;
    try {
      this.#routes(app);
      const { host, port } = parseAddress(this.config.listen);
      await app.listen({ host, port });
      const bound = app.server.address();
      this.#address = typeof bound === 'object' && bound !== null ? { host: bound.address, port: bound.port } : { host, port };
    } catch (err) {
      this.#app = undefined;
      await app.close().catch(() => undefined);
      throw err;
    }
  }

  /** Closes the server. Idempotent. */
  async stop(): Promise<void> {
    const app = this.#app;
    this.#app = undefined;
    this.#address = undefined;
    if (app !== undefined) await app.close();
  }

  #routes(app: FastifyInstance): void {
    const d = this.#deps;
    app.setNotFoundHandler(async (request, reply) => reply.code(404).send({
      statusCode: 404, error: 'Not Found', code: AgentErrors.ROUTE_NOT_FOUND, message: `no route ${request.method} ${request.url}`,
    }));
    app.setErrorHandler(async (err, _request, reply) => {
      const status = isAppError(err) ? err.statusCode : ((err as { statusCode?: number }).statusCode ?? 500);
      if (status >= 500) d.reporter.logger.error({ err }, 'request failed');
      const known = isAppError(err) || status < 500;
      return reply.code(status).send({
        statusCode: status, error: status >= 500 ? 'Internal Server Error' : 'Bad Request',
        code: isAppError(err) ? err.code : (known ? AgentErrors.BAD_REQUEST : AgentErrors.INTERNAL_ERROR),
        message: known ? (err as Error).message : 'internal error',
      });
    });
    app.get('/api', async () => ({ Host: d.hostId, Version: d.version, Service: 'agent' }));
    app.get('/api/status', async () => ({ Clients: {}, Analyzers: d.analyzers(), TopologyProbes: d.topologyProbes(), FlowProbes: [] }));
    app.get('/api/topology', async () => d.graph.toJSON());
    app.get('/metrics', async (_request, reply) => {
      d.beforeScrape();
      const text = await d.reporter.registry.metrics();
      return reply.type(d.reporter.registry.contentType).send(text);
    });
    app.get('/healthz', async (_request, reply) => {
      const { ok, checks } = d.reporter.checkHealth();
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'failing', checks });
    });
    app.get('/readyz', async (_request, reply) => {
      const ready = d.isReady();
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
    });
  }
}
