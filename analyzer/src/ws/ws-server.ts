// The WebSocket side of the analyzer: one host ID per endpoint, accepted connections, keep-alive pings,
// upgrade response headers, per-endpoint metrics, and an orderly close of every socket on stop.
import { performance } from 'node:perf_hooks';
import { type Clock, type ComponentReporter, isAppError } from '@topoflow/common';
import type { WebsocketPluginOptions } from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import { type CloseCause, type ConnectionStatus, type Endpoint, WsConnection } from './connection.js';
import { type Handshake, parseHandshake } from './handshake.js';
import { RateLimitedLog } from '@topoflow/common';
import { defaultAnalyzerConfig, resolveAnalyzerConfig } from '../config.js';

/** Settings of the WebSocket server. */
export interface WsServerConfig {
  pingIntervalMs: number;
  pongTimeoutMs: number;
  queueSize: number;
  writeBufferSize: number;
  maxPayload: number;
  compression: boolean;
  closeGraceMs: number;
}

/** Defaults of the WebSocket server (those of the analyzer configuration). */
export function defaultWsServerConfig(): WsServerConfig {
  return resolveAnalyzerConfig(defaultAnalyzerConfig()).ws;
}

/** What the WebSocket server needs. */
export interface WsServerDeps {
  hostId: string;
  clock: Clock;
  reporter: ComponentReporter;
}

const ENDPOINTS: readonly Endpoint[] = ['subscriber', 'publisher', 'agent', 'flow'];

/** Accepted connections and keep-alive for every endpoint. */
export class WsServer {
  readonly config: WsServerConfig;
  readonly #deps: WsServerDeps;
  readonly #hosts = new Map<Endpoint, Set<string>>(ENDPOINTS.map((e) => [e, new Set<string>()]));
  readonly #connections = new Map<Endpoint, Set<WsConnection>>(ENDPOINTS.map((e) => [e, new Set<WsConnection>()]));
  readonly #metrics;
  readonly #errorLog: RateLimitedLog;
  #ticker: NodeJS.Timeout | undefined;
  #lastTick = 0;

  constructor(config: WsServerConfig, deps: WsServerDeps) {
    this.config = config;
    this.#deps = deps;
    const r = deps.reporter;
    this.#metrics = {
      accepted: r.counter('connections_total', 'WebSocket connections accepted', ['endpoint']),
      refused: r.counter('connections_refused_total', 'WebSocket upgrades refused, by error code', ['endpoint', 'code']),
      open: r.gauge('connections', 'Open WebSocket connections', ['endpoint']),
      closed: r.counter('disconnects_total', 'WebSocket connections ended, by cause', ['endpoint', 'cause']),
      sent: r.counter('messages_sent_total', 'Messages handed to WebSocket clients', ['endpoint']),
      dropped: r.counter('messages_dropped_total', 'Messages discarded because a client could not keep up', ['endpoint', 'reason']),
      received: r.counter('messages_received_total', 'Messages received from WebSocket clients', ['endpoint']),
      rejected: r.counter('messages_rejected_total', 'Messages answered with an error, by error code', ['endpoint', 'code']),
      errors: r.counter('socket_errors_total', 'WebSocket protocol or socket errors (e.g. message too large), by code', ['code']),
    };
    this.#errorLog = new RateLimitedLog(r.logger, 10_000);
    r.health('keepalive', () => {
      if (this.#ticker === undefined) return { ok: true, detail: 'not started' };
      const age = performance.now() - this.#lastTick;
      const ok = age < Math.max(3 * config.pingIntervalMs, 1000);
      return ok ? { ok } : { ok, detail: `last keep-alive tick ${Math.round(age)}ms ago` };
    });
  }

  /** Options for @fastify/websocket: limits, and socket errors (resets, oversized messages) logged quietly. */
  pluginOptions(): WebsocketPluginOptions {
    return {
      options: { maxPayload: this.config.maxPayload, perMessageDeflate: this.config.compression },
      errorHandler: (err: Error, socket: WebSocket) => {
        this.#metrics.errors.inc({ code: (err as { code?: string }).code ?? 'unknown' });
        this.#errorLog.warn({ err }, 'websocket error');
        socket.terminate();
      },
    };
  }

  /** Adds the X-Host-ID and X-Service-Type headers to every upgrade response (Go clients require them). */
  decorateUpgrades(app: FastifyInstance): void {
    app.websocketServer.on('headers', (headers: string[]) => {
      headers.push(`X-Host-ID: ${this.#deps.hostId.replace(/[\r\n]/g, '')}`, 'X-Service-Type: analyzer');
    });
  }

  /** Holds a host ID on an endpoint until `socket` closes; throws ANALYZER_WS_HOST_CONFLICT (409) when taken. */
  reserve(endpoint: Endpoint, hostId: string, socket: NodeJS.EventEmitter): void {
    const hosts = this.#hosts.get(endpoint) as Set<string>;
    if (hosts.has(hostId)) {
      throw analyzerError(AnalyzerErrors.WS_HOST_CONFLICT, `host ${hostId} is already connected to /ws/${endpoint}`, { hostId, endpoint });
    }
    hosts.add(hostId);
    socket.once('close', () => hosts.delete(hostId));
  }

  /**
   * Admits an upgrade request: parses the handshake, reserves the host ID on the endpoint, then runs `prepare`
   * (e.g. a subscriber's filter). A refusal is counted by its code and rethrown, so fastify answers it.
   */
  async admit<T = undefined>(endpoint: Endpoint, request: FastifyRequest, prepare?: (h: Handshake) => Promise<T> | T): Promise<{ handshake: Handshake; prepared: T }> {
    try {
      const handshake = parseHandshake(request);
      this.reserve(endpoint, handshake.hostId, request.raw.socket);
      const prepared = (prepare === undefined ? undefined : await prepare(handshake)) as T;
      return { handshake, prepared };
    } catch (err) {
      this.countRefused(endpoint, isAppError(err) ? err.code : 'unknown');
      throw err;
    }
  }

  /** Counts a refused upgrade. */
  countRefused(endpoint: Endpoint, code: string): void {
    this.#metrics.refused.inc({ endpoint, code });
  }

  /** Counts a received message. */
  countReceived(endpoint: Endpoint): void {
    this.#metrics.received.inc({ endpoint });
  }

  /** Counts a message answered with an error. */
  countRejected(endpoint: Endpoint, code: string): void {
    this.#metrics.rejected.inc({ endpoint, code });
  }

  /** Registers an upgraded socket; `onClose` runs once when it ends. */
  accept(endpoint: Endpoint, socket: WebSocket, handshake: Handshake, onClose: (conn: WsConnection, cause: CloseCause) => void): WsConnection {
    const set = this.#connections.get(endpoint) as Set<WsConnection>;
    const log = this.#deps.reporter.logger;
    const m = this.#metrics;
    const conn: WsConnection = new WsConnection(endpoint, socket, handshake, this.config, {
      onSent: (n) => m.sent.inc({ endpoint }, n),
      onOverflow: (dropped) => {
        m.dropped.inc({ endpoint, reason: 'queue_full' }, dropped);
        log.warn({ endpoint, hostId: handshake.hostId, dropped }, 'client too slow, disconnecting');
      },
      onClose: (cause, code) => {
        set.delete(conn);
        m.open.dec({ endpoint });
        m.closed.inc({ endpoint, cause });
        log.info({ endpoint, hostId: handshake.hostId, cause, code }, 'websocket closed');
        onClose(conn, cause);
      },
    }, this.#deps.clock.now());
    set.add(conn);
    m.accepted.inc({ endpoint });
    m.open.inc({ endpoint });
    log.info({ endpoint, hostId: handshake.hostId, clientType: handshake.clientType }, 'websocket accepted');
    conn.ping();
    return conn;
  }

  /** Open connections of an endpoint. */
  connections(endpoint: Endpoint): WsConnection[] {
    return [...(this.#connections.get(endpoint) as Set<WsConnection>)];
  }

  /** Status entries of an endpoint's connections, by host ID. */
  status(endpoint: Endpoint): Record<string, ConnectionStatus> {
    const out: Record<string, ConnectionStatus> = {};
    for (const c of this.#connections.get(endpoint) as Set<WsConnection>) out[c.handshake.hostId] = c.status();
    return out;
  }

  /** Starts the keep-alive loop. */
  async start(): Promise<void> {
    if (this.#ticker !== undefined) return;
    this.#lastTick = performance.now();
    this.#ticker = setInterval(() => this.#tick(), this.config.pingIntervalMs);
    this.#ticker.unref();
  }

  /** Closes every connection (cut after the grace time) and stops the keep-alive loop. Idempotent. */
  async stop(): Promise<void> {
    if (this.#ticker !== undefined) clearInterval(this.#ticker);
    this.#ticker = undefined;
    const all = ENDPOINTS.flatMap((e) => this.connections(e));
    for (const c of all) c.close(1001, 'analyzer shutting down', 'shutdown');
    await Promise.all(all.map((c) => c.whenClosed()));
  }

  #tick(): void {
    const now = performance.now();
    this.#lastTick = now;
    const limit = this.config.pingIntervalMs + this.config.pongTimeoutMs;
    for (const e of ENDPOINTS) {
      for (const c of this.connections(e)) {
        if (now - c.lastSeen > limit) {
          this.#deps.reporter.logger.warn({ endpoint: e, hostId: c.handshake.hostId }, 'no pong, dropping client');
          c.terminate('pong_timeout');
        } else {
          c.ping();
        }
      }
    }
  }
}
