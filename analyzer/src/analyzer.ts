// The analyzer service as one component: starts its parts in dependency order, reports readiness, and stops
// them in reverse within a bounded time.
import { type Address, type Component, type Reporter, stopInOrder, within } from '@topoflow/common';
import type { MemoryGraph } from '@topoflow/graph';
import type { QueryEngine } from '@topoflow/gremlin';
import type { FastifyInstance } from 'fastify';
import type { AnalyzerServiceConfig } from './config.js';
import type { Agents } from './agents/agents.js';
import type { ApiServer } from './http/api-server.js';
import type { Publishers } from './publisher/publishers.js';
import type { Subscribers } from './subscriber/subscribers.js';
import type { WsServer } from './ws/ws-server.js';
import type { AnalyzerHistory } from './history/history.js';
import type { FlowServer } from './flows/flow-server.js';
import type { EtcdService } from './etcd/etcd-service.js';
import type { OnDemandServer } from './ondemand/ondemand-server.js';
import type { StartupCapture } from './captures/startup.js';

/** Lifecycle state of the analyzer. */
export type AnalyzerState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/** The parts the analyzer runs, built by createAnalyzer (wiring.ts). */
export interface AnalyzerParts {
  hostId: string;
  graph: MemoryGraph;
  engine: QueryEngine;
  reporter: Reporter;
  history: AnalyzerHistory;
  ws: WsServer;
  subscribers: Subscribers;
  publishers: Publishers;
  agents: Agents;
  flows: FlowServer;
  api: ApiServer;
  etcd: EtcdService;
  onDemand: OnDemandServer;
  startupCapture: StartupCapture;
  shutdownTimeoutMs: number;
}

/** The analyzer service. */
export class Analyzer implements Component {
  readonly config: AnalyzerServiceConfig;
  readonly #parts: AnalyzerParts;
  #state: AnalyzerState = 'idle';
  #stopping: Promise<void> | undefined;

  constructor(config: AnalyzerServiceConfig, parts: AnalyzerParts) {
    this.config = config;
    this.#parts = parts;
  }

  /** The host ID this analyzer runs as. */
  get hostId(): string {
    return this.#parts.hostId;
  }

  /** The live graph. */
  get graph(): MemoryGraph {
    return this.#parts.graph;
  }

  /** The agent endpoint. */
  get agents(): Agents {
    return this.#parts.agents;
  }

  /** The flow server: live flows, flow history and the FlowQuerySource (`flows.source`). */
  get flows(): FlowServer {
    return this.#parts.flows;
  }

  /** The graph history (store, recorder, time-travel views). */
  get history(): AnalyzerHistory {
    return this.#parts.history;
  }

  /** The capture store's etcd. */
  get etcd(): EtcdService {
    return this.#parts.etcd;
  }

  /** The on-demand capture server. */
  get onDemand(): OnDemandServer {
    return this.#parts.onDemand;
  }

  /** The query engine. */
  get engine(): QueryEngine {
    return this.#parts.engine;
  }

  /** Logger, metrics registry and health checks of the process. */
  get reporter(): Reporter {
    return this.#parts.reporter;
  }

  /** Where the HTTP and WebSocket server listens (once started). */
  get address(): Address | undefined {
    return this.#parts.api.address;
  }

  /** The fastify instance, for inject() in tests (once started). */
  get http(): FastifyInstance | undefined {
    return this.#parts.api.app;
  }

  /** Lifecycle state. */
  get state(): AnalyzerState {
    return this.#state;
  }

  /** True while running (GET /readyz). */
  get ready(): boolean {
    return this.#state === 'running';
  }

  /** Starts the parts and listens; stops what was started when one fails. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') return;
    this.#state = 'starting';
    const p = this.#parts;
    try {
      await p.history.start();
      await p.etcd.start();
      await p.flows.start();
      await p.ws.start();
      await p.subscribers.start();
      await p.publishers.start();
      await p.agents.start();
      await p.api.start();
      await p.onDemand.start();
      await p.startupCapture.start();
    } catch (err) {
      await this.#release();
      this.#state = 'stopped';
      throw err;
    }
    this.#state = 'running';
    p.reporter.logger.info({ address: this.address, hostId: p.hostId }, 'analyzer started');
  }

  /** Closes every socket and timer, within shutdownTimeout. Idempotent. */
  async stop(): Promise<void> {
    if (this.#state === 'idle') {
      this.#state = 'stopped';
      return;
    }
    this.#stopping ??= (async () => {
      this.#state = 'stopping';
      const p = this.#parts;
      await within(this.#release(), p.shutdownTimeoutMs, () => p.reporter.logger.warn({ timeoutMs: p.shutdownTimeoutMs }, 'analyzer stop timed out'));
      this.#state = 'stopped';
      this.#parts.reporter.logger.info('analyzer stopped');
    })();
    return this.#stopping;
  }

  async #release(): Promise<void> {
    const p = this.#parts;
    await stopInOrder(
      [() => p.startupCapture.stop(), () => p.onDemand.stop(), () => p.ws.stop(), () => p.api.stop(), () => p.agents.stop(),
        () => p.publishers.stop(), () => p.subscribers.stop(), () => p.flows.stop(), () => p.history.stop(), () => p.etcd.stop()],
      p.reporter.logger, 'analyzer part failed to stop',
    );
  }
}
