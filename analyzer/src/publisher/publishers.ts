// The /ws/publisher endpoint: external writers whose elements are validated and owned by their origin.
import type { Clock, ComponentReporter } from '@topoflow/common';
import type { MemoryGraph } from '@topoflow/graph';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import {
  DELETED_SCHEMA, EDGE_SCHEMA, ENVELOPE_SCHEMA, NODE_SCHEMA, PARTIAL_UPDATE_SCHEMA, SYNC_SCHEMA,
} from '../elements/schemas.js';
import { dispatchMessages } from '../ws/dispatch.js';
import type { Handshake } from '../ws/handshake.js';
import { RateLimitedLog } from '@topoflow/common';
import type { WsServer } from '../ws/ws-server.js';
import { PublisherSession } from './session.js';
import { defaultAnalyzerConfig, resolveAnalyzerConfig } from '../config.js';

/** Publisher settings. */
export interface PublishersConfig {
  syncBatch: number;
  maxPending: number;
  errorLogIntervalMs: number;
}

/** Defaults of the publisher endpoint. */
export function defaultPublishersConfig(): PublishersConfig {
  return resolveAnalyzerConfig(defaultAnalyzerConfig()).publishers;
}

/** What the publisher endpoint needs. */
export interface PublishersDeps {
  graph: MemoryGraph;
  clock: Clock;
  ws: WsServer;
  reporter: ComponentReporter;
}

/** Path of the publisher endpoint. */
export const PUBLISHER_PATH = '/ws/publisher';

const ENDPOINT = 'publisher';

/** The publisher endpoint and its sessions. */
export class Publishers {
  readonly #config: PublishersConfig;
  readonly #deps: PublishersDeps;
  readonly #sessions = new Set<PublisherSession>();
  readonly #accepted = new WeakMap<FastifyRequest, Handshake>();
  readonly #log: RateLimitedLog;
  readonly #originsDeleted;

  constructor(config: PublishersConfig, deps: PublishersDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#log = new RateLimitedLog(deps.reporter.logger, config.errorLogIntervalMs);
    this.#originsDeleted = deps.reporter.counter('origins_deleted_total', 'Publisher origins deleted on disconnect (DeleteOnDisconnect)');
  }

  /** Open sessions. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Nothing to acquire: sessions come with connections. */
  async start(): Promise<void> {}

  /** Marks every session closed (their sockets are closed by the WebSocket server). Idempotent. */
  async stop(): Promise<void> {
    for (const s of this.#sessions) s.close();
    this.#sessions.clear();
  }

  /** Registers GET /ws/publisher. */
  register(app: FastifyInstance): void {
    const ws = this.#deps.ws;
    app.get(PUBLISHER_PATH, {
      websocket: true,
      preValidation: async (request) => {
        if (!request.ws) return;
        this.#accepted.set(request, (await ws.admit(ENDPOINT, request)).handshake);
      },
    }, (socket, request) => this.#open(socket, request));
  }

  #open(socket: WebSocket, request: FastifyRequest): void {
    const handshake = this.#accepted.get(request);
    if (handshake === undefined) {
      socket.close(1011, 'handshake state lost');
      return;
    }
    const ws = this.#deps.ws;
    const compile = (schema: object) => request.compileValidationSchema(schema);
    let onClosed = (): void => undefined;
    const conn = ws.accept(ENDPOINT, socket, handshake, () => onClosed());
    const session = new PublisherSession(conn, {
      graph: this.#deps.graph, clock: this.#deps.clock, syncBatch: this.#config.syncBatch,
      validators: {
        node: compile(NODE_SCHEMA), edge: compile(EDGE_SCHEMA), deleted: compile(DELETED_SCHEMA),
        partial: compile(PARTIAL_UPDATE_SCHEMA), sync: compile(SYNC_SCHEMA),
      },
    });
    this.#sessions.add(session);
    const queue = dispatchMessages({
      endpoint: ENDPOINT, conn, ws, validateEnvelope: compile(ENVELOPE_SCHEMA),
      maxPending: this.#config.maxPending, log: this.#log, handle: (env) => session.onMessage(env),
    });
    onClosed = () => {
      this.#sessions.delete(session);
      // A persistent publisher's messages already read are still applied; a volatile one's are moot.
      if (handshake.persistencePolicy !== 'DeleteOnDisconnect') return;
      session.close();
      void queue.idle().then(() => {
        if (!session.author) return;
        const { nodes, edges } = this.#deps.graph.deleteOrigin(session.origin);
        this.#originsDeleted.inc();
        this.#deps.reporter.logger.info({ origin: session.origin, nodes, edges }, 'publisher origin deleted');
      });
    };
  }
}
