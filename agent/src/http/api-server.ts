// The agent's own small HTTP API: identity, Skydive-shaped status, health, readiness, Prometheus metrics, the
// agent's graph (GET /api/topology, to compare with the analyzer's copy) and the direct capture API.
import { type Address, type Reporter, parseAddress } from '@topoflow/common';
import type { MemoryGraph } from '@topoflow/graph';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { AnalyzerLinkStatus } from '../forwarder/forwarder.js';
import { type CaptureControl, registerCaptureRoutes } from './capture-routes.js';
import { installAgentErrorHandling } from './errors.js';

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
  /** The capture manager (POST/GET/DELETE /api/capture). */
  captures: CaptureControl;
}

/** Builds the agent's HTTP application with every route (not listening; tests use inject()). */
export function agentApp(deps: AgentApiDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.reporter.logger.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: true } },
  });
  installAgentErrorHandling(app, deps.reporter.logger.child({ component: 'http' }));
  app.get('/api', async () => ({ Host: deps.hostId, Version: deps.version, Service: 'agent' }));
  app.get('/api/status', async () => ({ Clients: {}, Analyzers: deps.analyzers(), TopologyProbes: deps.topologyProbes(), FlowProbes: [] }));
  app.get('/api/topology', async () => deps.graph.toJSON());
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
  registerCaptureRoutes(app, { graph: deps.graph, captures: deps.captures });
  return app;
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
    const app = agentApp(this.#deps);
    this.#app = app;
    try {
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
}
