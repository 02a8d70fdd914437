// The agent→analyzer graph link: a WebSocket to /ws/agent/topology (kept open by the connector) that sends a full
// Sync on every connect, then the graph's events in batches.
import { type Clock, type ComponentReporter, parseAddress } from '@topoflow/common';
import type { MemoryGraph } from '@topoflow/graph';
import { WebSocket } from 'ws';
import { type ResolvedAgentConfig, defaultAgentConfig, resolveAgentConfig } from '../config.js';
import { AgentErrors } from '../errors.js';
import { AnalyzerConnector } from './connector.js';
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
  /** Messages the analyzer sends on the link (capture orders), with a way to answer on the same connection. */
  onMessage?: (text: string, reply: (message: unknown) => void) => void;
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

/** Forwards the agent's graph to one analyzer at a time. */
export class Forwarder {
  readonly config: ForwarderConfig;
  readonly #deps: ForwarderDeps;
  readonly #connector: AnalyzerConnector;
  readonly #m;
  #link: Link | undefined;
  #connectTime = 0;

  constructor(config: ForwarderConfig, deps: ForwarderDeps) {
    this.config = config;
    this.#deps = deps;
    this.#connector = new AnalyzerConnector(config, {
      hostId: deps.hostId, path: AGENT_TOPOLOGY_PATH, reporter: deps.reporter, ...(deps.random ? { random: deps.random } : {}),
      hooks: { opened: (socket, address) => this.#opened(socket, address), closed: () => this.#closed() },
    });
    const r = deps.reporter;
    this.#m = {
      syncs: r.counter('syncs_total', 'Full Sync messages sent'),
      syncElements: r.counter('sync_elements_total', 'Nodes and edges sent in Sync messages'),
      events: r.counter('events_forwarded_total', 'Graph events sent to an analyzer'),
      batches: r.counter('batches_sent_total', 'WebSocket messages sent (Sync included)'),
      bytes: r.counter('bytes_sent_total', 'Bytes of WebSocket messages sent'),
      dropped: r.counter('events_dropped_total', 'Events discarded because the send queue overflowed (a resync follows)', ['reason']),
      overflows: r.counter('queue_overflows_total', 'Connections dropped because the send queue overflowed'),
    };
  }

  /** True while a connection is open and forwarding. */
  get connected(): boolean {
    return this.#link !== undefined;
  }

  /** The analyzer currently (or next) used. */
  get analyzer(): string {
    return this.#connector.analyzer;
  }

  /** Starts connecting; resolves at once (the agent runs while no analyzer is reachable). */
  async start(): Promise<void> {
    this.#connector.start();
  }

  /** Sends what is queued, closes the connection and clears every timer. Idempotent, bounded. */
  async stop(): Promise<void> {
    this.#link?.flush();
    this.#link?.close();
    await this.#connector.stop();
  }

  /** Every configured analyzer with the state of its link, keyed by address. */
  status(): Record<string, AnalyzerLinkStatus> {
    const out: Record<string, AnalyzerLinkStatus> = {};
    this.config.analyzers.forEach((a, i) => {
      const { host, port } = parseAddress(a);
      const current = i === this.#connector.index && this.connected;
      out[a] = {
        ServiceType: 'analyzer', ClientProtocol: 'json', Addr: host, Port: port, IsConnected: current,
        ConnectTime: current ? new Date(this.#connectTime).toISOString() : null, RemoteHost: current ? this.#connector.remoteHost : '',
        IsMaster: current, QueueLength: current ? (this.#link?.queueLength ?? 0) : 0,
      };
    });
    return out;
  }

  #opened(socket: WebSocket, address: string): void {
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
    const onMessage = this.#deps.onMessage;
    if (onMessage !== undefined) {
      const reply = (message: unknown): void => {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
      };
      socket.on('message', (data: Buffer) => onMessage(data.toString(), reply));
    }
    const elements = link.open(this.#deps.graph);
    m.syncs.inc();
    m.syncElements.inc(elements);
    this.#deps.reporter.logger.info({ analyzer: address, remoteHost: this.#connector.remoteHost, elements }, 'connected to analyzer, graph synced');
  }

  #closed(): void {
    this.#link?.close();
    this.#link = undefined;
  }
}
