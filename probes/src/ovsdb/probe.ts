// The OVSDB topology probe: monitors Open_vSwitch, Bridge, Port and Interface on ovsdb-server and keeps the
// bridges, ports and interfaces in the agent's graph, resyncing after every reconnect.
import { type Clock, type ComponentReporter, systemClock } from '@topoflow/common';
import type { Graph } from '@topoflow/graph';
import type { TopologyProbe } from '../topology/probe.js';
import { OvsdbClient } from './client.js';
import { type OvsdbClientConfig, defaultOvsdbClientConfig } from './client-config.js';
import { OvsdbTopology, monitorRequests } from './topology.js';

/** Settings of the OVSDB probe: the connection settings plus the database name. */
export interface OvsdbProbeConfig extends OvsdbClientConfig {
  /** Database holding the switch configuration. */
  database: string;
}

/** The defaults: the local Open_vSwitch database, reconnecting every 4 s at first. */
export function defaultOvsdbProbeConfig(): OvsdbProbeConfig {
  return { ...defaultOvsdbClientConfig(), database: 'Open_vSwitch' };
}

/** What the probe needs from outside. */
export interface OvsdbProbeDeps {
  graph: Graph;
  hostId: string;
  /** The host node bridges hang off (it must exist for the ownership edge). */
  hostNodeId: string;
  reporter: ComponentReporter;
  clock?: Clock;
}

const MONITOR_ID = 'topoflow-ovsdb-probe';

/** Keeps OVS bridges, ports and interfaces in the graph. */
export class OvsdbProbe implements TopologyProbe {
  readonly name = 'ovsdb';
  readonly #config: OvsdbProbeConfig;
  readonly #client: OvsdbClient;
  readonly #topology: OvsdbTopology;
  readonly #reporter: ComponentReporter;
  #running = false;
  #lastUpdateAt: number | null = null;
  readonly #clock: Clock;

  constructor(config: OvsdbProbeConfig, deps: OvsdbProbeDeps) {
    this.#config = config;
    this.#reporter = deps.reporter;
    this.#clock = deps.clock ?? systemClock;
    this.#client = new OvsdbClient(config, { reporter: deps.reporter, clock: this.#clock });
    const rowErrors = deps.reporter.counter('row_errors_total', 'OVSDB rows that could not be applied to the graph');
    this.#topology = new OvsdbTopology({
      graph: deps.graph, hostId: deps.hostId, hostNodeId: deps.hostNodeId,
      onRowError: (err, table, uuid) => {
        rowErrors.inc();
        deps.reporter.logger.error({ err, table, uuid }, 'ovsdb row not applied');
      },
    });
  }

  /** The JSON-RPC client, shared with the flow probes that configure OVS (sFlow, mirrors). */
  get client(): OvsdbClient {
    return this.#client;
  }

  /** Starts monitoring; resolves after the first connection attempt (retries continue in the background). */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#reporter.health('connection', () => {
      const s = this.#client.status();
      if (s.connected) return { ok: true };
      // A host without Open vSwitch is healthy; losing a server we were connected to is not.
      if (s.connectedAt === null) return { ok: true, detail: `ovsdb-server not reachable at ${s.address} (no Open vSwitch here?)` };
      return { ok: false, detail: `not connected to ${s.address}: ${s.lastError ?? 'connecting'}` };
    });
    await this.#client.monitor(
      this.#config.database, MONITOR_ID,
      async (client) => monitorRequests(await client.getSchema(this.#config.database)),
      (updates, initial) => {
        this.#lastUpdateAt = this.#clock.now();
        this.#topology.apply(updates, initial);
      },
    );
    await this.#client.start();
  }

  /** Stops monitoring; the nodes stay in the graph (the devices still exist). */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    await this.#client.stop();
  }

  /** Connection state, last error and row counts. */
  status(): Record<string, unknown> {
    return { ...this.#client.status(), lastUpdateAt: this.#lastUpdateAt, rows: this.#topology.counts() };
  }
}
