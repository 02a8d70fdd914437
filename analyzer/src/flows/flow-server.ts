// The flow server: agents send FlowBatch messages on FLOW_WS_PATH (same handshake as /ws/agent/topology). Each
// message is validated (a bad one is refused, counted and logged; the connection stays open), its flows are
// enhanced with the nodes owning their ends, become live flows and are queued for the flow store (ingest()).
import { performance } from 'node:perf_hooks';
import { type Clock, type ComponentReporter, isAppError } from '@topoflow/common';
import { type CaptureStats, FLOW_WS_PATH, type Flow } from '@topoflow/flow';
import type { Graph, GraphView } from '@topoflow/graph';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import type { ConnectionStatus } from '../ws/connection.js';
import type { Handshake } from '../ws/handshake.js';
import { RateLimitedLog } from '@topoflow/common';
import { SerialQueue } from '../ws/serial-queue.js';
import type { WsServer } from '../ws/ws-server.js';
import { type BatchValidators, decodeFlowBatch } from './batch.js';
import type { FlowServerConfig } from './config.js';
import { FlowEnhancer } from './enhancer.js';
import { FlowHistory, type FlowHistoryDeps } from './flow-history.js';
import { LiveFlows } from './live-flows.js';
import { AnalyzerFlowSource } from './query-source.js';
import { CAPTURE_STATS_SCHEMA, FLOW_BATCH_SCHEMA, FLOW_SCHEMA } from './schema.js';

/** What the flow server needs. */
export interface FlowServerDeps {
  /** The live graph whose indexes resolve flow ends (its events tell when cached answers go stale). */
  graph: GraphView & Pick<Graph, 'onAny'>;
  clock: Clock;
  ws: WsServer;
  reporter: ComponentReporter;
  /** Builds the flow store (default: from the configuration). */
  createStore?: FlowHistoryDeps['createStore'];
}

/** The flow part of GET /api/status. */
export interface FlowServerStatus {
  /** Live flows held. */
  Live: number;
  /** Captures that reported stats within the live TTL. */
  Captures: number;
  /** Agents connected to the flow endpoint, with the live flows each one sent. */
  Agents: Record<string, ConnectionStatus & { Flows: number }>;
}

const ENDPOINT = 'flow';

/** The flow server. */
export class FlowServer {
  readonly #config: FlowServerConfig;
  readonly #deps: FlowServerDeps;
  readonly #live: LiveFlows;
  readonly #history: FlowHistory;
  readonly #enhancer: FlowEnhancer;
  readonly #source: AnalyzerFlowSource;
  readonly #accepted = new WeakMap<FastifyRequest, Handshake>();
  readonly #queues = new Set<SerialQueue>();
  readonly #log: RateLimitedLog;
  #sweeper: NodeJS.Timeout | undefined;
  #unwatch: (() => void) | undefined;
  #lastSweep = 0;
  readonly #m;

  constructor(config: FlowServerConfig, deps: FlowServerDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#live = new LiveFlows(config);
    this.#history = new FlowHistory(config, { clock: deps.clock, reporter: deps.reporter, ...(deps.createStore ? { createStore: deps.createStore } : {}) });
    this.#enhancer = new FlowEnhancer(deps.graph);
    this.#source = new AnalyzerFlowSource(this.#live, this.#history, deps.clock);
    this.#log = new RateLimitedLog(deps.reporter.logger, config.errorLogIntervalMs);
    const r = deps.reporter;
    this.#m = {
      received: r.counter('received_total', 'Flow reports accepted (from agents and pcap uploads)'),
      batches: r.counter('batches_total', 'Flow batches accepted (agent messages, pcap upload deliveries)'),
      invalidMessages: r.counter('invalid_messages_total', 'Flow messages refused as a whole, by error code', ['code']),
      invalidFlows: r.counter('invalid_flows_total', 'Flows and stats entries refused inside accepted messages'),
      stale: r.counter('stale_total', 'Flow reports older than the live flow already held (not made live, still stored)'),
      ends: r.counter('ends_total', 'Flow ends resolved by the enhancer, by result (found, broadcast, ambiguous, unknown)', ['result']),
      live: r.gauge('live', 'Live flows held'),
      evicted: r.counter('live_evicted_total', 'Live flows evicted because maxLiveFlows was reached'),
      expired: r.counter('live_expired_total', 'Live flows removed, by reason (finished: hold timeout, idle: live TTL)', ['reason']),
    };
    r.health('sweeper', () => {
      if (this.#sweeper === undefined) return { ok: true, detail: 'not started' };
      const age = performance.now() - this.#lastSweep;
      const ok = age < Math.max(5 * config.sweepIntervalMs, 5000);
      return ok ? { ok } : { ok, detail: `last live-flow expiry ${Math.round(age)}ms ago` };
    });
  }

  /** What the flow Gremlin steps read (a FlowQuerySource): live flows and flow history. */
  get source(): AnalyzerFlowSource {
    return this.#source;
  }

  /** The flow history (store, recorder). */
  get history(): FlowHistory {
    return this.#history;
  }

  /** Live flows held. */
  get liveCount(): number {
    return this.#live.size;
  }

  /** The newest stats of each capture reported within the live TTL. */
  captureStats(): CaptureStats[] {
    return this.#live.captureStats();
  }

  /** The flow entry of GET /api/status. */
  status(): FlowServerStatus {
    const perHost = this.#live.countByHost();
    const agents: FlowServerStatus['Agents'] = {};
    for (const [host, s] of Object.entries(this.#deps.ws.status(ENDPOINT))) agents[host] = { ...s, Flows: perHost[host] ?? 0 };
    return { Live: this.#live.size, Captures: this.#live.captureCount, Agents: agents };
  }

  /** Opens the flow store (in the background when it fails) and starts the expiry loop. */
  async start(): Promise<void> {
    if (this.#sweeper !== undefined) return;
    await this.#history.start();
    this.#unwatch = this.#enhancer.watch(this.#deps.graph);
    this.#lastSweep = performance.now();
    this.#sweeper = setInterval(() => this.sweep(), this.#config.sweepIntervalMs);
    this.#sweeper.unref();
  }

  /** Stops the expiry loop, lets read messages finish, then writes what waits for the store and closes it. */
  async stop(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#unwatch?.();
    this.#unwatch = undefined;
    await Promise.all([...this.#queues].map((q) => q.idle()));
    await this.#history.stop();
  }

  /** Removes finished and silent live flows as of the clock's time (the expiry loop runs it every second). */
  sweep(): void {
    this.#lastSweep = performance.now();
    const r = this.#live.expire(this.#deps.clock.now());
    if (r.finished > 0) this.#m.expired.inc({ reason: 'finished' }, r.finished);
    if (r.idle > 0) this.#m.expired.inc({ reason: 'idle' }, r.idle);
    this.#m.live.set(this.#live.size);
  }

  /** Registers GET FLOW_WS_PATH. */
  register(app: FastifyInstance): void {
    const ws = this.#deps.ws;
    app.get(FLOW_WS_PATH, {
      websocket: true,
      preValidation: async (request) => {
        if (!request.ws) return;
        this.#accepted.set(request, (await ws.admit(ENDPOINT, request)).handshake);
      },
    }, (socket, request) => this.#open(socket, request, {
      batch: request.compileValidationSchema(FLOW_BATCH_SCHEMA),
      flow: request.compileValidationSchema(FLOW_SCHEMA),
      stats: request.compileValidationSchema(CAPTURE_STATS_SCHEMA),
    }));
  }

  #open(socket: WebSocket, request: FastifyRequest, validators: BatchValidators): void {
    const handshake = this.#accepted.get(request);
    if (handshake === undefined) {
      socket.close(1011, 'handshake state lost');
      return;
    }
    const ws = this.#deps.ws;
    const host = handshake.hostId;
    const queue = new SerialQueue(socket, this.#config.maxPending, (err) => this.#refuse(host, err));
    this.#queues.add(queue);
    ws.accept(ENDPOINT, socket, handshake, () => {
      void queue.idle().then(() => this.#queues.delete(queue));
      this.#deps.reporter.logger.info({ hostId: host, liveFlows: this.#live.countByHost()[host] ?? 0 }, 'flow agent disconnected, its live flows age out');
    });
    socket.on('message', (data: RawData, isBinary: boolean) => {
      ws.countReceived(ENDPOINT);
      queue.push(() => {
        if (isBinary) throw analyzerError(AnalyzerErrors.WS_INVALID_MESSAGE, 'flow messages are JSON text frames, not binary');
        const batch = decodeFlowBatch(buffer(data), validators, this.#config);
        if (batch.invalid > 0) {
          this.#m.invalidFlows.inc(batch.invalid);
          this.#log.warn({ endpoint: ENDPOINT, hostId: host, invalid: batch.invalid, first: batch.problem }, 'flow entries refused');
        }
        this.ingest(host, batch.flows, batch.stats);
      });
    });
  }

  #refuse(host: string, err: unknown): void {
    const code = isAppError(err) ? err.code : 'unknown';
    this.#deps.ws.countRejected(ENDPOINT, code);
    this.#m.invalidMessages.inc({ code });
    this.#log.warn({ endpoint: ENDPOINT, hostId: host, code, err: isAppError(err) ? { message: err.message, details: err.details } : err },
      'flow message refused');
  }

  /**
   * Enhances the flows of one batch, makes them live and queues them for the store: the path of every flow report,
   * from an agent (`host` is its host ID) or from a pcap upload.
   */
  ingest(host: string, flows: Flow[], stats: CaptureStats[]): void {
    const now = this.#deps.clock.now();
    const ends = this.#enhancer.enhance(flows);
    for (const [result, n] of Object.entries(ends)) if (n > 0) this.#m.ends.inc({ result }, n);
    const u = this.#live.update(host, flows, now);
    if (u.evicted > 0) this.#m.evicted.inc(u.evicted);
    if (u.stale > 0) this.#m.stale.inc(u.stale);
    this.#live.updateStats(host, stats, now);
    this.#history.record(flows);
    this.#m.received.inc(flows.length);
    this.#m.batches.inc();
    this.#m.live.set(this.#live.size);
  }
}

function buffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
