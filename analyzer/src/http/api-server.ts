// The HTTP server: fastify with lenient JSON parsing (any content type), one error shape, optional CORS,
// the WebSocket plugin and every route; start() listens, stop() closes.
import { type Address, type Reporter, parseAddress } from '@topoflow/common';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { WsServer } from '../ws/ws-server.js';
import { type ErrorBody, installErrorHandling } from './errors.js';
import { defaultAnalyzerConfig, resolveAnalyzerConfig } from '../config.js';

/** Settings of the HTTP server. */
export interface ApiServerConfig {
  listen: string;
  bodyLimit: number;
  cors: boolean;
}

/** Defaults of the HTTP server. */
export function defaultApiServerConfig(): ApiServerConfig {
  return resolveAnalyzerConfig(defaultAnalyzerConfig()).api;
}

/** What the HTTP server needs. */
export interface ApiServerDeps {
  logger: Reporter['logger'];
  ws: WsServer;
  /** Route registrations, run in order once the WebSocket plugin is in place. */
  routes: ((app: FastifyInstance) => void)[];
  /** Sees every error response (metrics, logs). */
  onError(err: unknown, body: ErrorBody): void;
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'X-Requested-With, Content-Type, Authorization, X-Auth-Token',
  'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
};

/** The fastify server. */
export class ApiServer {
  readonly config: ApiServerConfig;
  readonly #deps: ApiServerDeps;
  #app: FastifyInstance | undefined;
  #address: Address | undefined;

  constructor(config: ApiServerConfig, deps: ApiServerDeps) {
    parseAddress(config.listen);
    this.config = config;
    this.#deps = deps;
  }

  /** The fastify instance (once started). */
  get app(): FastifyInstance | undefined {
    return this.#app;
  }

  /** The bound address (once started). */
  get address(): Address | undefined {
    return this.#address;
  }

  /** Builds the app and listens. */
  async start(): Promise<void> {
    if (this.#app !== undefined) return;
    const app = Fastify({
      bodyLimit: this.config.bodyLimit,
      loggerInstance: this.#deps.logger as FastifyBaseLogger,
      logController: new LogController({ disableRequestLogging: true }),
      forceCloseConnections: true,
      ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allowUnionTypes: true } },
    });
    this.#app = app;
    try {
      await this.#build(app);
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

  /** Closes the server and every connection. Idempotent. */
  async stop(): Promise<void> {
    const app = this.#app;
    this.#app = undefined;
    this.#address = undefined;
    if (app !== undefined) await app.close();
  }

  async #build(app: FastifyInstance): Promise<void> {
    app.removeAllContentTypeParsers();
    const json = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
      if ((body as string).trim() === '') {
        done(null, undefined);
        return;
      }
      json(request, body as string, done);
    });
    installErrorHandling(app, this.#deps.onError);
    if (this.config.cors) {
      app.addHook('onRequest', async (request, reply) => {
        reply.headers(CORS_HEADERS);
        if (request.method === 'OPTIONS') return reply.code(204).send();
      });
    }
    await app.register(fastifyWebsocket, this.#deps.ws.pluginOptions());
    this.#deps.ws.decorateUpgrades(app);
    for (const register of this.#deps.routes) register(app);
  }
}
