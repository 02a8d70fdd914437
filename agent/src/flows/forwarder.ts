// The agent→analyzer flow link: a WebSocket to FLOW_WS_PATH carrying FlowBatch JSON messages (flows and capture
// stats), behind a bounded queue kept across disconnections; batches a write fails to deliver are queued again.
import type { Component, ComponentReporter } from '@topoflow/common';
import { type CaptureStats, FLOW_WS_PATH, type Flow, type FlowBatch, type FlowSender } from '@topoflow/flow';
import type { WebSocket } from 'ws';
import { type ResolvedAgentConfig, defaultAgentConfig, resolveAgentConfig } from '../config.js';
import { AnalyzerConnector } from '../forwarder/connector.js';
import { FlowQueue } from './flow-queue.js';

/** Settings of the flow forwarder. */
export interface FlowForwarderConfig {
  analyzers: string[];
  connectTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Bytes buffered in the socket before batches wait in the queue. */
  writeBufferSize: number;
  /** Flows per message at most (agent.flow.batchSize). */
  batchSize: number;
  /** Longest wait of a flow for its batch to fill (agent.flow.flushInterval). */
  flushIntervalMs: number;
  /** Flows waiting at most; the oldest are dropped beyond it (agent.flow.queueSize). */
  queueSize: number;
}

/** The flow forwarder settings of a resolved agent configuration. */
export function flowForwarderConfig(c: ResolvedAgentConfig): FlowForwarderConfig {
  return {
    analyzers: c.analyzers, connectTimeoutMs: c.connectTimeoutMs, reconnectMinMs: c.reconnectMinMs, reconnectMaxMs: c.reconnectMaxMs,
    writeBufferSize: c.writeBufferSize, batchSize: c.flow.batchSize, flushIntervalMs: c.flow.flushIntervalMs, queueSize: c.flow.queueSize,
  };
}

/** Defaults of the flow forwarder (those of the agent configuration). */
export function defaultFlowForwarderConfig(): FlowForwarderConfig {
  return flowForwarderConfig(resolveAgentConfig(defaultAgentConfig()));
}

/** What the flow forwarder needs. */
export interface FlowForwarderDeps {
  hostId: string;
  reporter: ComponentReporter;
  /** Source of reconnection jitter. */
  random?: () => number;
  /** Minimum time between two logs of dropped flows (default 10 s). */
  dropLogIntervalMs?: number;
}

/** A message handed to the socket and not yet confirmed written. */
interface InFlight {
  flows: Flow[];
  stats: CaptureStats[];
  settled: boolean;
}

/** Sends the flows and stats of every capture to an analyzer. */
export class FlowForwarder implements Component, FlowSender {
  readonly config: FlowForwarderConfig;
  readonly #deps: FlowForwarderDeps;
  readonly #connector: AnalyzerConnector;
  readonly #queue: FlowQueue;
  readonly #stats = new Map<string, CaptureStats>();
  readonly #inFlight = new Set<InFlight>();
  readonly #m;
  #socket: WebSocket | undefined;
  #timer: NodeJS.Timeout | undefined;
  #unloggedDrops = 0;
  #lastDropLog = -Infinity;

  constructor(config: FlowForwarderConfig, deps: FlowForwarderDeps) {
    this.config = config;
    this.#deps = deps;
    this.#queue = new FlowQueue(config.queueSize);
    this.#connector = new AnalyzerConnector(config, {
      hostId: deps.hostId, path: FLOW_WS_PATH, reporter: deps.reporter, ...(deps.random ? { random: deps.random } : {}),
      hooks: { opened: (socket) => this.#opened(socket), closed: () => this.#closed() },
    });
    const r = deps.reporter;
    this.#m = {
      sent: r.counter('sent_total', 'Flows written to the analyzer socket'),
      statsSent: r.counter('stats_sent_total', 'Capture stats written to the analyzer socket'),
      batches: r.counter('batches_sent_total', 'Flow messages written to the analyzer socket'),
      bytes: r.counter('bytes_sent_total', 'Bytes of flow messages written'),
      requeued: r.counter('requeued_total', 'Flows queued again because their message could not be written'),
      dropped: r.counter('dropped_total', 'Flows dropped: the oldest when the queue is full, and those left unsent at stop'),
      queued: r.gauge('queue_length', 'Flows waiting for the analyzer'),
    };
  }

  /** True while the flow link is open. */
  get connected(): boolean {
    return this.#socket !== undefined;
  }

  /** Flows waiting to be sent. */
  get queueLength(): number {
    return this.#queue.length;
  }

  /** Starts connecting; resolves at once (flows queue until an analyzer answers). */
  async start(): Promise<void> {
    this.#connector.start();
  }

  /** Sends everything queued if connected, then closes the link; flows still unsent are counted as dropped. */
  async stop(): Promise<void> {
    this.#flush(true);
    await this.#connector.stop();
    this.#clearTimer();
    const left = this.#queue.clear();
    if (left > 0) this.#drop(left, 'flows left unsent at stop');
    this.#stats.clear();
    this.#m.queued.set(0);
  }

  /** Queues flows; a full batch is sent at once, a partial one after flushInterval. */
  sendFlows(flows: Flow[]): void {
    if (flows.length === 0) return;
    const dropped = this.#queue.push(flows);
    if (dropped > 0) this.#drop(dropped, 'flow queue full, oldest flows dropped');
    this.#m.queued.set(this.#queue.length);
    if (this.#queue.length >= this.config.batchSize) this.#flush(false);
    else this.#schedule();
  }

  /** Keeps the latest stats of a capture for the next message. */
  sendStats(stats: CaptureStats): void {
    this.#stats.set(stats.CaptureID, stats);
    this.#schedule();
  }

  #opened(socket: WebSocket): void {
    this.#socket = socket;
    this.#deps.reporter.logger.info({ analyzer: this.#connector.analyzer, queued: this.#queue.length }, 'flow link connected');
    this.#flush(false);
  }

  /** The link ended: whatever was handed to the socket without confirmation goes back in front of the queue. */
  #closed(): void {
    this.#socket = undefined;
    this.#clearTimer();
    const back = [...this.#inFlight].filter((b) => !b.settled);
    this.#inFlight.clear();
    this.#requeue(back);
  }

  #flush(all: boolean): void {
    this.#clearTimer();
    const socket = this.#socket;
    if (socket === undefined || socket.readyState !== 1) return;
    while ((this.#queue.length > 0 || this.#stats.size > 0) && (all || socket.bufferedAmount < this.config.writeBufferSize)) {
      const entry: InFlight = { flows: this.#queue.take(this.config.batchSize), stats: [...this.#stats.values()], settled: false };
      this.#stats.clear();
      const batch: FlowBatch = entry.stats.length > 0 ? { Flows: entry.flows, Stats: entry.stats } : { Flows: entry.flows };
      const text = JSON.stringify(batch);
      this.#inFlight.add(entry);
      socket.send(text, (err) => this.#written(entry, err, Buffer.byteLength(text)));
    }
    this.#m.queued.set(this.#queue.length);
    // The socket is full: try again later (the queue bound catches an analyzer that never catches up).
    if (this.#queue.length > 0) this.#schedule();
  }

  #written(entry: InFlight, err: Error | undefined, bytes: number): void {
    if (entry.settled) return;
    if (err !== undefined && err !== null) {
      // Writes complete in order: this one and every later one are lost with the connection; requeue them together
      // so they keep their order.
      const back = [...this.#inFlight].filter((b) => !b.settled);
      this.#inFlight.clear();
      this.#requeue(back);
      return;
    }
    entry.settled = true;
    this.#inFlight.delete(entry);
    this.#m.batches.inc();
    this.#m.bytes.inc(bytes);
    this.#m.sent.inc(entry.flows.length);
    this.#m.statsSent.inc(entry.stats.length);
  }

  /** Puts unsent messages back: their flows in front (oldest first), their stats unless newer ones wait. */
  #requeue(entries: InFlight[]): void {
    if (entries.length === 0) return;
    for (const e of entries) e.settled = true;
    const flows = entries.flatMap((e) => e.flows);
    for (const s of entries.flatMap((e) => e.stats)) if (!this.#stats.has(s.CaptureID)) this.#stats.set(s.CaptureID, s);
    this.#m.requeued.inc(flows.length);
    const dropped = this.#queue.unshift(flows);
    if (dropped > 0) this.#drop(dropped, 'flow queue full, oldest flows dropped');
    this.#m.queued.set(this.#queue.length);
    this.#schedule();
  }

  #drop(n: number, msg: string): void {
    this.#m.dropped.inc(n);
    this.#unloggedDrops += n;
    const now = performance.now();
    if (now - this.#lastDropLog < (this.#deps.dropLogIntervalMs ?? 10_000)) return;
    this.#lastDropLog = now;
    this.#deps.reporter.logger.warn({ dropped: this.#unloggedDrops, queueSize: this.config.queueSize }, msg);
    this.#unloggedDrops = 0;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#socket === undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flush(false);
    }, this.config.flushIntervalMs);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
