// One WebSocket at a time from the agent to an analyzer endpoint, with the agent's handshake headers: reconnects with
// backoff and jitter, fails over along the analyzer list, and counts connections; the owner uses the open socket.
import { performance } from 'node:perf_hooks';
import { type ComponentReporter, formatAddress, parseAddress } from '@topoflow/common';
import { WebSocket } from 'ws';
import { AgentErrors } from '../errors.js';
import { Backoff } from './backoff.js';

/** Where and how the connector connects. */
export interface ConnectorConfig {
  analyzers: string[];
  connectTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

/** What the connector tells its owner. */
export interface ConnectorHooks {
  /** A connection opened (the connector is running). */
  opened(socket: WebSocket, analyzer: string): void;
  /** The open connection ended; a reconnection is scheduled unless stopping. */
  closed(analyzer: string): void;
}

/** What the connector needs. */
export interface ConnectorDeps {
  hostId: string;
  /** Endpoint path on the analyzer, e.g. /ws/agent/topology. */
  path: string;
  reporter: ComponentReporter;
  hooks: ConnectorHooks;
  random?: () => number;
}

/** The handshake headers every agent link sends (the analyzer reads them in its handshake). */
export function agentHandshakeHeaders(hostId: string): Record<string, string> {
  return { 'X-Host-ID': hostId, 'X-Client-Type': 'agent', 'X-Persistence-Policy': 'DeleteOnDisconnect' };
}

const CLOSE_GRACE_MS = 1000;

/** Keeps one connection to an analyzer endpoint open. */
export class AnalyzerConnector {
  readonly config: ConnectorConfig;
  readonly #deps: ConnectorDeps;
  readonly #backoff: Backoff;
  readonly #m;
  #index = 0;
  #socket: WebSocket | undefined;
  #open = false;
  #remoteHost = '';
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #lastAttempt = 0;

  constructor(config: ConnectorConfig, deps: ConnectorDeps) {
    if (config.analyzers.length === 0) throw new Error('the forwarder needs at least one analyzer');
    for (const a of config.analyzers) parseAddress(a);
    this.config = config;
    this.#deps = deps;
    this.#backoff = new Backoff(config.reconnectMinMs, config.reconnectMaxMs, deps.random);
    const r = deps.reporter;
    this.#m = {
      connects: r.counter('connects_total', 'Connections to an analyzer that opened'),
      failures: r.counter('connect_failures_total', 'Connection attempts that failed, by reason', ['reason']),
      disconnects: r.counter('disconnects_total', 'Open connections that ended'),
      connected: r.gauge('connected', '1 while connected to an analyzer'),
    };
    r.health('link', () => {
      if (!this.#running || this.#open) return { ok: true };
      const age = performance.now() - this.#lastAttempt;
      const limit = 2 * (this.config.reconnectMaxMs + this.config.connectTimeoutMs) + 1000;
      return age < limit ? { ok: true, detail: 'reconnecting' } : { ok: false, detail: `no connection attempt for ${Math.round(age)}ms` };
    });
  }

  /** The analyzer currently (or next) used. */
  get analyzer(): string {
    return this.config.analyzers[this.#index] as string;
  }

  /** Index of that analyzer in the list. */
  get index(): number {
    return this.#index;
  }

  /** The X-Host-ID the connected analyzer answered with. */
  get remoteHost(): string {
    return this.#remoteHost;
  }

  /** Starts connecting (without waiting for a connection). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#connect();
  }

  /** Closes the connection (1000, then cut after a grace period) and clears the timer. Idempotent. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const socket = this.#socket;
    if (socket === undefined || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const cut = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
      socket.once('close', () => {
        clearTimeout(cut);
        resolve();
      });
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000, 'agent stopping');
    });
  }

  #connect(): void {
    this.#timer = undefined;
    if (!this.#running) return;
    this.#lastAttempt = performance.now();
    const address = this.analyzer;
    const url = `ws://${formatAddress(parseAddress(address))}${this.#deps.path}`;
    const log = this.#deps.reporter.logger;
    const socket = new WebSocket(url, {
      headers: agentHandshakeHeaders(this.#deps.hostId), handshakeTimeout: this.config.connectTimeoutMs, perMessageDeflate: false,
    });
    this.#socket = socket;
    let opened = false;
    let failure = 'error';
    socket.on('upgrade', (res) => {
      const h = res.headers['x-host-id'];
      this.#remoteHost = Array.isArray(h) ? (h[0] ?? '') : (h ?? '');
    });
    socket.on('error', (err) => {
      const status = /Unexpected server response: (\d+)/.exec(err.message)?.[1];
      failure = status !== undefined ? `http_${status}` : ((err as { code?: string }).code ?? 'error');
      if (!opened) log.warn({ analyzer: address, reason: failure, code: AgentErrors.ANALYZER_REFUSED }, 'analyzer connection failed');
      else log.warn({ analyzer: address, err }, 'analyzer connection error');
    });
    socket.on('open', () => {
      opened = true;
      if (!this.#running) {
        socket.close(1000, 'agent stopping');
        return;
      }
      this.#open = true;
      this.#backoff.reset();
      this.#m.connects.inc();
      this.#m.connected.set(1);
      this.#deps.hooks.opened(socket, address);
    });
    socket.on('close', (code, reason) => {
      if (this.#socket === socket) this.#socket = undefined;
      if (opened) this.#closed(address, code, reason.toString());
      else this.#failed(failure);
    });
  }

  #closed(address: string, code: number, reason: string): void {
    const wasOpen = this.#open;
    this.#open = false;
    this.#m.disconnects.inc();
    this.#m.connected.set(0);
    if (wasOpen) this.#deps.hooks.closed(address);
    if (!this.#running) return;
    this.#deps.reporter.logger.warn({ analyzer: address, code, reason }, 'analyzer connection lost');
    // The analyzer that worked gets the first retry; failures then move along the list.
    this.#schedule();
  }

  #failed(reason: string): void {
    this.#m.failures.inc({ reason });
    if (!this.#running) return;
    this.#index = (this.#index + 1) % this.config.analyzers.length;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const delay = this.#backoff.next();
    this.#timer = setTimeout(() => this.#connect(), delay);
  }
}
