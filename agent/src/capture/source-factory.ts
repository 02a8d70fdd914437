// The capture sources the agent builds for the capture manager: libpcap live capture, an sFlow collector, and an
// Open vSwitch bridge exporting sFlow to a collector of the agent. sFlow counter samples land on the captured
// node's `SFlow` metadata (Skydive's shape), refreshed at most once per statsInterval.
import type { Clock, ComponentReporter } from '@topoflow/common';
import type { CaptureSource, PacketSink, SflowCounterSample, SourceStats } from '@topoflow/flow';
import { BpfSink, SflowMetrics } from '@topoflow/flow';
import type { Graph } from '@topoflow/graph';
import type { OvsdbClient } from '@topoflow/probes';
import { AgentErrors, agentError } from '../errors.js';
import type { OvsSflowSourceParams, SflowSourceParams, SourceFactory } from './factories.js';
import { OvsSflowExport } from './sources/ovs-sflow.js';
import { PcapLiveSource, defaultPcapLiveSourceConfig } from './sources/pcap-live.js';
import { SflowSource, defaultSflowSourceConfig } from './sources/sflow.js';

/** What the real sources need. */
export interface SourceFactoryDeps {
  graph: Graph;
  reporter: ComponentReporter;
  clock: Clock;
  /** The OVSDB client of the agent's ovsdb probe, when that probe runs. */
  ovsdb: () => OvsdbClient | undefined;
  /** sFlow port range (agent.capture.sflow). */
  sflowPortMin: number;
  sflowPortMax: number;
  /** Shortest time between two writes of a node's SFlow metadata (ms). */
  statsIntervalMs: number;
}

/** Builds the source factory of a running agent. */
export function agentSourceFactory(deps: SourceFactoryDeps): SourceFactory {
  return (_kind, params, sink) => {
    const onError = (err: Error): void => params.onError(err);
    switch (params.kind) {
      case 'pcap':
        return new PcapLiveSource({
          ...defaultPcapLiveSourceConfig(), interface: params.interfaceName, netnsPath: params.netnsPath,
          headerSize: params.snapLength, bpfFilter: params.bpfFilter,
        }, { sink, reporter: deps.reporter, onError });
      case 'sflow':
        return sflowSource(deps, params, sink);
      case 'ovssflow':
        return new OvsSflowSource(deps, params, sink);
    }
  };
}

function sflowSource(deps: SourceFactoryDeps, p: SflowSourceParams | OvsSflowSourceParams, sink: PacketSink): SflowSource {
  const counters = new NodeSflowMetadata(deps, p.nodeId);
  return new SflowSource({
    ...defaultSflowSourceConfig(), address: p.bindAddress, port: p.port, portMin: deps.sflowPortMin, portMax: deps.sflowPortMax,
  }, { sink: bpfChecked(p.bpfFilter, sink), reporter: deps.reporter, clock: deps.clock, onCounters: (s) => counters.add(s) });
}

/** sFlow frames are filtered in userspace (a bad expression fails here, when the capture starts). */
function bpfChecked(filter: string, sink: PacketSink): PacketSink {
  return filter === '' ? sink : new BpfSink(filter, sink);
}

/** A collector plus the OVSDB sFlow export of a bridge pointing at it. */
class OvsSflowSource implements CaptureSource {
  readonly description: string;
  readonly #collector: SflowSource;
  readonly #deps: SourceFactoryDeps;
  readonly #params: OvsSflowSourceParams;
  #export: OvsSflowExport | undefined;

  constructor(deps: SourceFactoryDeps, params: OvsSflowSourceParams, sink: PacketSink) {
    this.#deps = deps;
    this.#params = params;
    this.#collector = sflowSource(deps, params, sink);
    this.description = `sFlow of OVS bridge ${params.bridgeName} to ${params.bindAddress}:${params.port}`;
  }

  async start(): Promise<void> {
    const client = this.#deps.ovsdb();
    if (client === undefined) {
      throw agentError(AgentErrors.CAPTURE_UNAVAILABLE, 'an ovssflow capture needs the ovsdb topology probe', { bridge: this.#params.bridgeName });
    }
    await this.#collector.start();
    const p = this.#params;
    this.#export = new OvsSflowExport({
      bridge: p.bridgeName, target: `${p.bindAddress}:${this.#collector.port}`, agent: 'lo', headerSize: p.snapLength,
      samplingRate: p.samplingRate, pollingInterval: p.pollingInterval, probeId: p.bridgeUUID.replaceAll('-', '_'),
    }, { client, reporter: this.#deps.reporter });
    try {
      await this.#export.start();
    } catch (err) {
      await this.#collector.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    try {
      await this.#export?.stop();
    } finally {
      await this.#collector.stop();
    }
  }

  stats(): SourceStats {
    return this.#collector.stats();
  }
}

/** Keeps a node's `SFlow` metadata from the counter samples of its collector. */
class NodeSflowMetadata {
  readonly #deps: SourceFactoryDeps;
  readonly #nodeId: string;
  readonly #metrics = new SflowMetrics();
  #lastWrite = 0;

  constructor(deps: SourceFactoryDeps, nodeId: string) {
    this.#deps = deps;
    this.#nodeId = nodeId;
  }

  add(samples: readonly SflowCounterSample[]): void {
    for (const s of samples) this.#metrics.add(s);
    const now = this.#deps.clock.now();
    if (now - this.#lastWrite < this.#deps.statsIntervalMs) return;
    const snapshot = this.#metrics.snapshot(now);
    if (snapshot === null || this.#deps.graph.getNode(this.#nodeId) === undefined) return;
    this.#lastWrite = now;
    this.#deps.graph.updateNode(this.#nodeId, { set: { SFlow: snapshot } });
  }
}
