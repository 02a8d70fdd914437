// RFC 7047 JSON-RPC client for ovsdb-server over a unix socket or TCP: request/reply with timeouts, answers the
// server's echo requests, keeps monitors alive across reconnects (re-issued, so callers resync from a new dump).
import { type Socket, createConnection } from 'node:net';
import { type Clock, type ComponentReporter, type Component, parseSize, systemClock, toMs } from '@topoflow/common';
import type { MonitorHandler, OvsdbClientConfig, OvsdbClientDeps, OvsdbClientStatus } from './client-config.js';
import { connectOptions, parseOvsdbAddress, type OvsdbEndpoint } from './endpoint.js';
import { OvsdbErrors, ovsdbError } from './errors.js';
import { JsonStreamSplitter } from './json-stream.js';
import type { MonitorRequests, TableUpdates } from './values.js';

type Counter = ReturnType<ComponentReporter['counter']>;
type Gauge = ReturnType<ComponentReporter['gauge']>;
interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  onResult: ((r: unknown) => void) | undefined;
}
interface Monitor { db: string; requests: MonitorRequestsSource; handler: MonitorHandler }

/** Monitor requests, or a function computing them on each connect (e.g. from the schema). */
export type MonitorRequestsSource = MonitorRequests | ((client: OvsdbClient) => Promise<MonitorRequests>);

/** A JSON-RPC connection to ovsdb-server that reconnects by itself. */
export class OvsdbClient implements Component {
  readonly #endpoint: OvsdbEndpoint;
  readonly #address: string;
  readonly #reconnectMs: number;
  readonly #maxReconnectMs: number;
  readonly #timeoutMs: number;
  readonly #splitter: JsonStreamSplitter;
  readonly #reporter: ComponentReporter;
  readonly #clock: Clock;
  readonly #metrics: { malformed: Counter; connects: Counter; connected: Gauge; handlerErrors: Counter };
  readonly #pending = new Map<number, Pending>();
  readonly #monitors = new Map<string, Monitor>();
  #socket: Socket | null = null;
  #connected = false;
  #running = false;
  #nextId = 1;
  #failures = 0;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #lastError: string | null = null;
  #connectedAt: number | null = null;
  #reconnects = 0;
  #listeners = new Set<(connected: boolean) => void>();

  constructor(config: OvsdbClientConfig, deps: OvsdbClientDeps) {
    this.#address = config.address;
    this.#endpoint = parseOvsdbAddress(config.address);
    this.#reconnectMs = toMs(config.reconnectInterval);
    this.#maxReconnectMs = Math.max(this.#reconnectMs, toMs(config.maxReconnectInterval));
    this.#timeoutMs = toMs(config.requestTimeout);
    this.#splitter = new JsonStreamSplitter(parseSize(config.maxMessageSize));
    this.#reporter = deps.reporter;
    this.#clock = deps.clock ?? systemClock;
    if (!(this.#reconnectMs > 0 && this.#timeoutMs > 0)) {
      throw ovsdbError(OvsdbErrors.CONFIG_INVALID, 'reconnectInterval and requestTimeout must be positive', { statusCode: 400 });
    }
    const r = deps.reporter;
    this.#metrics = {
      malformed: r.counter('malformed_messages_total', 'Messages from ovsdb-server that could not be used'),
      connects: r.counter('connects_total', 'Successful connections to ovsdb-server'),
      connected: r.gauge('connected', '1 while connected to ovsdb-server'),
      handlerErrors: r.counter('handler_errors_total', 'Monitor updates whose handler failed'),
    };
  }

  /** Starts connecting; resolves after the first attempt, whether it succeeded or a retry is scheduled. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#connect();
  }

  /** Closes the connection, rejects pending requests and clears every timer. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    if (this.#reconnectTimer !== null) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    const socket = this.#socket;
    if (socket !== null) {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.destroy();
      await closed;
    }
    this.#failPending(ovsdbError(OvsdbErrors.NOT_CONNECTED, 'OVSDB client stopped'));
  }

  /** True while a connection is up. */
  get connected(): boolean { return this.#connected; }

  /** Connection state. */
  status(): OvsdbClientStatus {
    return { connected: this.#connected, address: this.#address, lastError: this.#lastError, connectedAt: this.#connectedAt, reconnects: this.#reconnects };
  }

  /** Calls `listener(connected)` on every connection change; returns the unsubscribe function. */
  onConnectionChanged(listener: (connected: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends one request and resolves with its result; rejects on an error reply, a timeout or a disconnect. */
  request(method: string, params: unknown[]): Promise<unknown> {
    return this.#send(method, params);
  }

  /** `onResult` runs synchronously on the reply, before any later message of the same chunk is handled. */
  #send(method: string, params: unknown[], onResult?: (result: unknown) => void): Promise<unknown> {
    const socket = this.#socket;
    if (!this.#connected || socket === null) {
      return Promise.reject(ovsdbError(OvsdbErrors.NOT_CONNECTED, 'not connected to ovsdb-server', { details: { method } }));
    }
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(ovsdbError(OvsdbErrors.REQUEST_TIMEOUT, 'ovsdb-server did not answer in time', { details: { method } }));
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, reject, timer, onResult });
      socket.write(JSON.stringify({ method, params, id }));
    });
  }

  /** The databases the server holds. */
  async listDbs(): Promise<string[]> {
    return (await this.request('list_dbs', [])) as string[];
  }

  /** The schema of a database. */
  async getSchema(db: string): Promise<Record<string, unknown>> {
    return (await this.request('get_schema', [db])) as Record<string, unknown>;
  }

  /** Runs a transaction; rejects with PROBES_OVSDB_TRANSACT_FAILED when an operation reports an error. */
  async transact(db: string, operations: readonly Record<string, unknown>[]): Promise<unknown[]> {
    const result = (await this.request('transact', [db, ...operations])) as unknown[];
    const failed = result.find((r) => r !== null && typeof r === 'object' && 'error' in r);
    if (failed !== undefined) throw ovsdbError(OvsdbErrors.TRANSACT_FAILED, 'OVSDB transaction failed', { details: { result } });
    return result;
  }

  /**
   * Registers a monitor, kept across reconnects: the handler gets the initial dump on every (re)connect, then the
   * server's updates. Resolves once the first dump was delivered, or at once when not connected yet.
   */
  async monitor(db: string, monitorId: string, requests: MonitorRequestsSource, handler: MonitorHandler): Promise<void> {
    const m: Monitor = { db, requests, handler };
    this.#monitors.set(monitorId, m);
    if (this.#connected) await this.#issueMonitor(monitorId, m);
  }

  async #issueMonitor(monitorId: string, m: Monitor): Promise<void> {
    const requests = typeof m.requests === 'function' ? await m.requests(this) : m.requests;
    await this.#send('monitor', [m.db, monitorId, requests], (initial) => this.#deliver(m, initial as TableUpdates, true));
  }

  #deliver(m: Monitor, updates: TableUpdates, initial: boolean): void {
    try {
      m.handler(updates, initial);
    } catch (err) {
      this.#metrics.handlerErrors.inc();
      this.#reporter.logger.error({ err, initial }, 'ovsdb monitor handler failed');
    }
  }

  async #connect(): Promise<void> {
    this.#reconnectTimer = null;
    if (!this.#running) return;
    const socket = createConnection(connectOptions(this.#endpoint));
    this.#socket = socket;
    this.#splitter.reset();
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => {
      this.#lastError = err.message;
    });
    socket.on('close', () => this.#onClose(socket));
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy(new Error('connect timeout'));
        resolve(false);
      }, this.#timeoutMs);
      socket.once('connect', () => { clearTimeout(timer); resolve(true); });
      socket.once('close', () => { clearTimeout(timer); resolve(false); });
    });
    if (!ok || !this.#running) return;
    this.#connected = true;
    this.#connectedAt = this.#clock.now();
    this.#metrics.connects.inc();
    this.#metrics.connected.set(1);
    this.#reporter.logger.info({ address: this.#address }, 'connected to ovsdb-server');
    for (const l of this.#listeners) l(true);
    try {
      for (const [id, m] of this.#monitors) await this.#issueMonitor(id, m);
      this.#failures = 0;
    } catch (err) {
      this.#lastError = (err as Error).message;
      this.#reporter.logger.warn({ err }, 'ovsdb monitor failed, reconnecting');
      socket.destroy();
    }
  }

  #onClose(socket: Socket): void {
    if (this.#socket !== socket) return;
    this.#socket = null;
    const wasConnected = this.#connected;
    this.#connected = false;
    this.#metrics.connected.set(0);
    this.#failPending(ovsdbError(OvsdbErrors.DISCONNECTED, 'connection to ovsdb-server lost'));
    if (wasConnected) {
      this.#reporter.logger.warn({ address: this.#address, lastError: this.#lastError }, 'disconnected from ovsdb-server');
      for (const l of this.#listeners) l(false);
    }
    if (!this.#running) return;
    const delay = Math.min(this.#maxReconnectMs, this.#reconnectMs * 2 ** Math.min(this.#failures, 16));
    this.#failures++;
    this.#reconnects++;
    this.#reconnectTimer = setTimeout(() => void this.#connect(), delay);
  }

  #failPending(err: Error): void {
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.#pending.clear();
  }

  #onData(chunk: Buffer): void {
    for (const item of this.#splitter.push(chunk)) {
      if (item.ok) this.#onMessage(item.value);
      else this.#badMessage(item.error.code, item.error);
    }
  }

  #badMessage(reason: string, detail?: unknown): void {
    this.#metrics.malformed.inc();
    this.#reporter.logger.warn({ reason, detail }, 'malformed message from ovsdb-server');
  }

  #onMessage(msg: unknown): void {
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return this.#badMessage('not an object');
    const m = msg as { method?: unknown; params?: unknown; id?: unknown; result?: unknown; error?: unknown };
    if (typeof m.method === 'string') return this.#onRequest(m.method, m.params, m.id);
    if (typeof m.id !== 'number') return this.#badMessage('reply without a known id', { id: m.id });
    const p = this.#pending.get(m.id);
    if (p === undefined) return this.#badMessage('reply to no pending request', { id: m.id });
    this.#pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.error !== null && m.error !== undefined) {
      p.reject(ovsdbError(OvsdbErrors.REQUEST_FAILED, 'ovsdb-server answered with an error', { details: { error: m.error } }));
    } else {
      p.onResult?.(m.result);
      p.resolve(m.result);
    }
  }

  #onRequest(method: string, params: unknown, id: unknown): void {
    if (method === 'echo') {
      this.#socket?.write(JSON.stringify({ result: params ?? [], error: null, id: id ?? null }));
      return;
    }
    if (method === 'update') {
      const [monitorId, updates] = Array.isArray(params) ? params : [];
      const mon = typeof monitorId === 'string' ? this.#monitors.get(monitorId) : undefined;
      if (mon === undefined || updates === null || typeof updates !== 'object') return this.#badMessage('bad update notification');
      return this.#deliver(mon, updates as TableUpdates, false);
    }
    if (id !== null && id !== undefined) {
      this.#socket?.write(JSON.stringify({ result: null, error: 'unknown method', id }));
    }
  }
}
