// The agent service as one component: puts the host node in its graph, serves its HTTP API, forwards the graph and
// the flows of its captures to an analyzer; stops in reverse order (captures first) within a bounded time.
import { type Address, type Component, type Reporter, stopInOrder, within } from '@topoflow/common';
import type { MemoryGraph, NodeInput } from '@topoflow/graph';
import type { CaptureManager } from './capture/manager.js';
import type { AgentServiceConfig } from './config.js';
import type { FlowForwarder } from './flows/forwarder.js';
import type { Forwarder } from './forwarder/forwarder.js';
import type { AgentApi } from './http/api-server.js';
import { type TopologyProbe, prepareNamespaces } from '@topoflow/probes';

/** Lifecycle state of the agent. */
export type AgentState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/** The parts the agent runs, built by createAgent (wiring.ts). */
export interface AgentParts {
  hostId: string;
  graph: MemoryGraph;
  hostNode: NodeInput;
  reporter: Reporter;
  forwarder: Forwarder;
  /** The flow link; started before the capture manager, stopped after it so the last flows are sent. */
  flowForwarder: FlowForwarder;
  captures: CaptureManager;
  api: AgentApi;
  /** Keeps TID metadata up to date; started before the probes so it sees every node they add. */
  tid: Component;
  /** Topology probes, started in order after the host node exists, stopped in reverse. */
  probes: TopologyProbe[];
  shutdownTimeoutMs: number;
}

/** The agent service. */
export class Agent implements Component {
  readonly config: AgentServiceConfig;
  readonly #parts: AgentParts;
  #state: AgentState = 'idle';
  #stopping: Promise<void> | undefined;
  readonly #started: TopologyProbe[] = [];

  constructor(config: AgentServiceConfig, parts: AgentParts) {
    this.config = config;
    this.#parts = parts;
  }

  /** The host ID this agent runs as. */
  get hostId(): string {
    return this.#parts.hostId;
  }

  /** The agent's graph (host = hostId, origin = agent.<hostId>). */
  get graph(): MemoryGraph {
    return this.#parts.graph;
  }

  /** The link to the analyzers. */
  get forwarder(): Forwarder {
    return this.#parts.forwarder;
  }

  /** The flow link to the analyzers. */
  get flowForwarder(): FlowForwarder {
    return this.#parts.flowForwarder;
  }

  /** The capture manager (the agent API and analyzer orders start and stop captures through it). */
  get captures(): CaptureManager {
    return this.#parts.captures;
  }

  /** Logger, metrics registry and health checks of the agent. */
  get reporter(): Reporter {
    return this.#parts.reporter;
  }

  /** Where the HTTP API listens (once started). */
  get address(): Address | undefined {
    return this.#parts.api.address;
  }

  /** The running topology probes. */
  get probes(): readonly TopologyProbe[] {
    return this.#parts.probes;
  }

  /** Lifecycle state. */
  get state(): AgentState {
    return this.#state;
  }

  /** True while running (GET /readyz). */
  get ready(): boolean {
    return this.#state === 'running';
  }

  /** Adds the host node, listens, starts the probes, forwarding (without waiting for an analyzer) and captures. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') return;
    this.#state = 'starting';
    const p = this.#parts;
    try {
      const id = p.hostNode.ID as string;
      if (p.graph.getNode(id) === undefined) p.graph.addNode(p.hostNode);
      await p.api.start();
      await p.tid.start();
      // The thread pool must start in this namespace before a probe enters another one (DESIGN.md §6).
      if (p.probes.length > 0) await prepareNamespaces();
      for (const probe of p.probes) {
        await probe.start();
        this.#started.push(probe);
      }
      await p.forwarder.start();
      await p.flowForwarder.start();
      await p.captures.start();
    } catch (err) {
      await this.#release();
      this.#state = 'stopped';
      throw err;
    }
    this.#state = 'running';
    p.reporter.logger.info({ address: this.address, hostId: p.hostId }, 'agent started');
  }

  /** Stops the captures (their last flows are sent), forwarding, the probes and the API, within shutdownTimeout. Idempotent. */
  async stop(): Promise<void> {
    if (this.#state === 'idle') {
      this.#state = 'stopped';
      return;
    }
    this.#stopping ??= (async () => {
      this.#state = 'stopping';
      const p = this.#parts;
      await within(this.#release(), p.shutdownTimeoutMs, () => p.reporter.logger.warn({ timeoutMs: p.shutdownTimeoutMs }, 'agent stop timed out'));
      this.#state = 'stopped';
      this.#parts.reporter.logger.info('agent stopped');
    })();
    return this.#stopping;
  }

  async #release(): Promise<void> {
    const p = this.#parts;
    const probes = this.#started.splice(0).reverse().map((probe) => () => probe.stop());
    await stopInOrder([
      () => p.captures.stop(), () => p.flowForwarder.stop(), () => p.forwarder.stop(), ...probes, () => p.tid.stop(), () => p.api.stop(),
    ], p.reporter.logger, 'agent part failed to stop');
  }

}
