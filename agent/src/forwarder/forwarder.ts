// The agent→analyzer link: a WebSocket client to /ws/agent/topology that sends a full Sync on every connect,
// then the graph's events in batches; reconnects with backoff and jitter, failing over along the analyzer list.
import { performance } from 'node:perf_hooks';
import { type Clock, type ComponentReporter, formatAddress, parseAddress } from '@topoflow/common';
import type { MemoryGraph } from '@topoflow/graph';
import { WebSocket } from 'ws';
import { type ResolvedAgentConfig, defaultAgentConfig, resolveAgentConfig } from '../config.js';
import { AgentErrors } from '../errors.js';
import { Backoff } from './backoff.js';
import { Link } from './link.js';

/** Path of the analyzer endpoint agents publish to. */
export const AGENT_TOPOLOGY_PATH = '/ws/agent/topology';

/** Settings of the forwarder. */
export type ForwarderConfig = Pick<ResolvedAgentConfig,
  'analyzers' | 'batchSize' | 'flushIntervalMs' | 'queueSize' | 'writeBufferSize' | 'connectTimeoutMs' | 'reconnectMinMs' | 'reconnectMaxMs'>;

/** Defaults of the forwarder (those of the agent configuration). */
export function defaultForwarderConfig(): ForwarderConfig {
  return resolveAgentConfig(defaultAgentConfig());
}

/** What the forwarder needs. */
export interface ForwarderDeps {
  hostId: string;
  graph: MemoryGraph;
  clock: Clock;
  reporter: ComponentReporter;
  /** Source of jitter (tests pin it). */
  random?: () => number;
}

/** One analyzer as the agent's GET /api/status lists it (Skydive's ConnStatus plus IsMaster). */
export interface AnalyzerLinkStatus {
  ServiceType: 'analyzer';
  ClientProtocol: 'json';
  Addr: string;
  Port: number;
  IsConnected: boolean;
  ConnectTime: string | null;
  RemoteHost: string;
  IsMaster: boolean;
  QueueLength: number;
}

const CLOSE_GRACE_MS = 1000;

/** Forwards the agent's graph to one analyzer at a time. */
export class Forwarder {
  readonly config: ForwarderConfig;
  readonly #deps: ForwarderDeps;
  readonly #backoff: Backoff;
  readonly #m;
  #index = 0;
  #socket: WebSocket | undefined;
  #link: Link | undefined;
  #connectTime = 0;
  #remoteHost = '';
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #lastAttempt = 0;

  constructor(config: ForwarderConfig, deps: ForwarderDeps) {
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
      syncs: r.counter('syncs_total', 'Full Sync messages sent'),
      syncElements: r.counter('sync_elements_total', 'Nodes and edges sent in Sync messages'),
      events: r.counter('events_forwarded_total', 'Graph events sent to an analyzer'),
      batches: r.counter('batches_sent_total', 'WebSocket messages sent (Sync included)'),
      bytes: r.counter('bytes_sent_total', 'Bytes of WebSocket messages sent'),
      dropped: r.counter('events_dropped_total', 'Events discarded because the send queue overflowed (a resync follows)', ['reason']),
      overflows: r.counter('queue_overflows_total', 'Connections dropped because the send queue overflowed'),
      connected: r.gauge('connected', '1 while connected to an analyzer'),
    };
    r.health('link', () => {
      if (!this.#running || this.connected) return { ok: true };
      const age = performance.now() - this.#lastAttempt;
      const limit = 2 * (this.config.reconnectMaxMs + this.config.connectTimeoutMs) + 1000;
      return age < limit ? { ok: true, detail: 'reconnecting' } : { ok: false, detail: `no connection attempt for ${Math.round(age)}ms` };
    });
  }

  /** True while a connection is open and forwarding. */
  get connected(): boolean {
    return this.#link !== undefined;
  }

  /** The analyzer currently (or next) used. */
  get analyzer(): string {
    return this.config.analyzers[this.#index] as string;
  }

  /** Starts connecting; resolves at once (the agent runs while no analyzer is reachable). */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#connect();
  }

  /** Sends what is queued, closes the connection and clears every timer. Idempotent, bounded. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const socket = this.#socket;
    this.#link?.flush();
    this.#link?.close();
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

  /** Every configured analyzer with the state of its link, keyed by address. */
  status(): Record<string, AnalyzerLinkStatus> {
    const out: Record<string, AnalyzerLinkStatus> = {};
    this.config.analyzers.forEach((a, i) => {
      const { host, port } = parseAddress(a);
      const current = i === this.#index && this.connected;
      out[a] = {
        ServiceType: 'analyzer', ClientProtocol: 'json', Addr: host, Port: port, IsConnected: current,
        ConnectTime: current ? new Date(this.#connectTime).toISOString() : null, RemoteHost: current ? this.#remoteHost : '',
        IsMaster: current, QueueLength: current ? (this.#link?.queueLength ?? 0) : 0,
      };
    });
    return out;
  }

  #connect(): void {
    this.#timer = undefined;
    if (!this.#running) return;
    this.#lastAttempt = performance.now();
    const address = this.analyzer;
    const url = `ws://${formatAddress(parseAddress(address))}${AGENT_TOPOLOGY_PATH}`;
    const log = this.#deps.reporter.logger;
    const socket = new WebSocket(url, {
      headers: { 'X-Host-ID': this.#deps.hostId, 'X-Client-Type': 'agent', 'X-Persistence-Policy': 'DeleteOnDisconnect' },
      handshakeTimeout: this.config.connectTimeoutMs,
      perMessageDeflate: false,
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
      this.#opened(socket, address);
    });
    socket.on('close', (code, reason) => {
      if (this.#socket === socket) this.#socket = undefined;
      if (opened) this.#closed(address, code, reason.toString());
      else this.#failed(failure);
    });
  }

  #opened(socket: WebSocket, address: string): void {
    if (!this.#running) {
      socket.close(1000, 'agent stopping');
      return;
    }
    this.#backoff.reset();
    this.#connectTime = this.#deps.clock.now();
    const m = this.#m;
    const link = new Link(socket, this.config, {
      onBatch: (events, bytes) => {
        m.batches.inc();
        m.bytes.inc(bytes);
        if (events > 0) m.events.inc(events);
      },
      onOverflow: (dropped) => {
        m.dropped.inc({ reason: 'queue_full' }, dropped);
        m.overflows.inc();
        this.#deps.reporter.logger.error({ analyzer: address, dropped, code: AgentErrors.FORWARDER_OVERFLOW }, 'send queue overflow, resyncing');
        socket.terminate();
      },
    });
    this.#link = link;
    const elements = link.open(this.#deps.graph);
    m.connects.inc();
    m.syncs.inc();
    m.syncElements.inc(elements);
    m.connected.set(1);
    this.#deps.reporter.logger.info({ analyzer: address, remoteHost: this.#remoteHost, elements }, 'connected to analyzer, graph synced');
  }

  #closed(address: string, code: number, reason: string): void {
    this.#link?.close();
    this.#link = undefined;
    this.#m.disconnects.inc();
    this.#m.connected.set(0);
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
