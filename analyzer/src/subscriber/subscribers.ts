// The /ws/subscriber endpoint: checks the handshake (and its filter) before the upgrade, then delivers every
// graph event to each session; a session that throws is closed, the others go on.
import { type Clock, type ComponentReporter, systemClock } from '@topoflow/common';
import type { MemoryGraph } from '@topoflow/graph';
import type { HistoryProvider, QueryEngine, QueryOptions } from '@topoflow/gremlin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { ENVELOPE_SCHEMA, SYNC_REQUEST_SCHEMA } from '../elements/schemas.js';
import type { WsConnection } from '../ws/connection.js';
import { dispatchMessages } from '../ws/dispatch.js';
import type { Handshake } from '../ws/handshake.js';
import { RateLimitedLog } from '@topoflow/common';
import type { WsServer } from '../ws/ws-server.js';
import { type PreparedFilter, prepareFilter } from './filter.js';
import { EventMessages } from './messages.js';
import { SubscriberSession } from './session.js';
import { defaultAnalyzerConfig, resolveAnalyzerConfig } from '../config.js';

/** Subscriber settings. */
export interface SubscribersConfig {
  debounceMs: number;
  maxPending: number;
  errorLogIntervalMs: number;
}

/** Defaults of the subscriber endpoint. */
export function defaultSubscribersConfig(): SubscribersConfig {
  return resolveAnalyzerConfig(defaultAnalyzerConfig()).subscribers;
}

/** What the subscriber endpoint needs. */
export interface SubscribersDeps {
  graph: MemoryGraph;
  engine: QueryEngine;
  queryOptions: QueryOptions;
  ws: WsServer;
  reporter: ComponentReporter;
  /** Graph history, for SyncRequest.Time. */
  history?: HistoryProvider;
  clock?: Clock;
}

/** Path of the subscriber endpoint. */
export const SUBSCRIBER_PATH = '/ws/subscriber';

const ENDPOINT = 'subscriber';

/** The subscriber endpoint and its sessions. */
export class Subscribers {
  readonly #config: SubscribersConfig;
  readonly #deps: SubscribersDeps;
  readonly #sessions = new Set<SubscriberSession>();
  readonly #accepted = new WeakMap<FastifyRequest, { handshake: Handshake; filter: PreparedFilter }>();
  readonly #metrics;
  readonly #log: RateLimitedLog;
  #unlisten: (() => void) | undefined;

  constructor(config: SubscribersConfig, deps: SubscribersDeps) {
    this.#config = config;
    this.#deps = deps;
    const r = deps.reporter;
    this.#metrics = {
      filterRuns: r.counter('filter_runs_total', 'Re-runs of subscriber filters without a per-element form'),
      filterErrors: r.counter('filter_errors_total', 'Subscriber filter re-runs that failed, by error code', ['code']),
      sessionErrors: r.counter('session_errors_total', 'Subscriber sessions closed because event delivery failed'),
    };
    this.#log = new RateLimitedLog(r.logger, config.errorLogIntervalMs);
  }

  /** Open sessions. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Starts delivering graph events. */
  async start(): Promise<void> {
    this.#unlisten ??= this.#deps.graph.onAny((event) => {
      if (this.#sessions.size === 0) return;
      const m = new EventMessages(event);
      for (const s of this.#sessions) {
        try {
          s.onEvent(m);
        } catch (err) {
          this.#metrics.sessionErrors.inc();
          this.#log.warn({ err, hostId: s.conn.handshake.hostId }, 'subscriber event delivery failed');
          s.conn.close(1011, 'internal error', 'error');
        }
      }
    });
  }

  /** Stops delivering events and ends every session's timers. Idempotent. */
  async stop(): Promise<void> {
    this.#unlisten?.();
    this.#unlisten = undefined;
    for (const s of this.#sessions) s.close();
    this.#sessions.clear();
  }

  /** Registers GET /ws/subscriber. */
  register(app: FastifyInstance): void {
    const ws = this.#deps.ws;
    app.get(SUBSCRIBER_PATH, {
      websocket: true,
      preValidation: async (request) => {
        if (!request.ws) return;
        const { handshake, prepared } = await ws.admit(ENDPOINT, request, (h) => prepareFilter(this.#deps, h.gremlinFilter));
        this.#accepted.set(request, { handshake, filter: prepared });
      },
    }, (socket, request) => this.#open(socket, request));
  }

  #open(socket: WebSocket, request: FastifyRequest): void {
    const accepted = this.#accepted.get(request);
    if (accepted === undefined) {
      socket.close(1011, 'handshake state lost');
      return;
    }
    const ws = this.#deps.ws;
    // The close callback runs asynchronously, once `session` below exists.
    const conn: WsConnection = ws.accept(ENDPOINT, socket, accepted.handshake, () => {
      session.close();
      this.#sessions.delete(session);
    });
    const session = new SubscriberSession(conn, {
      ...this.#deps, clock: this.#deps.clock ?? systemClock, debounceMs: this.#config.debounceMs, log: this.#log,
      validateSyncRequest: request.compileValidationSchema(SYNC_REQUEST_SCHEMA),
      filterRuns: this.#metrics.filterRuns, filterErrors: this.#metrics.filterErrors,
    }, accepted.filter);
    if (!conn.closing) this.#sessions.add(session);
    dispatchMessages({
      endpoint: ENDPOINT, conn, ws, validateEnvelope: request.compileValidationSchema(ENVELOPE_SCHEMA),
      maxPending: this.#config.maxPending, log: this.#log, handle: (env) => session.onMessage(env),
    });
  }
}
