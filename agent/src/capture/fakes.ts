// Fakes of a flow table and a capture source, factories that record what they built, and a small agent graph, so the
// capture manager, the agent API and the wiring can be tested without libpcap or a real flow table.
import type {
  CaptureSource, CaptureStats, Flow, FlowSender, FlowTableApi, FlowTableOptions, PacketSink, SourceStats,
} from '@topoflow/flow';
import { MemoryGraph } from '@topoflow/graph';
import type { SourceFactory, SourceParams, TableFactory } from './factories.js';
import type { SourceKind } from './spec.js';

/** A flow table that holds the flows it is given and sends them on stop, counting frames fed to it. */
export class FakeFlowTable implements FlowTableApi {
  readonly options: FlowTableOptions;
  readonly sender: FlowSender;
  started = false;
  stopped = false;
  packets = 0;
  flowDropped = 0;
  #held: Flow[] = [];

  constructor(options: FlowTableOptions, sender: FlowSender) {
    this.options = options;
    this.sender = sender;
  }

  get size(): number {
    return this.#held.length;
  }

  start(): void {
    this.started = true;
  }

  /** Sends every held flow as TIMEOUT, as a real table does. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const flows = this.#held.splice(0).map((f) => ({ ...f, FinishType: 1 as const }));
    if (flows.length > 0) this.sender.sendFlows(flows);
  }

  packet(): void {
    this.packets++;
  }

  updateAt(): void {
    if (this.#held.length > 0) this.sender.sendFlows(this.#held.map((f) => ({ ...f })));
  }

  expireAt(): void {
    this.stop();
  }

  flows(filter?: (flow: Flow) => boolean): Flow[] {
    return this.#held.filter((f) => filter?.(f) ?? true);
  }

  stats(): CaptureStats {
    return {
      CaptureID: this.options.captureID, FlowCount: this.#held.length, FlowDropped: this.flowDropped, KernelFlowDropped: 0,
      PacketsDropped: 0, PacketsReceived: this.packets,
    };
  }

  /** Holds flows (stamped with this table's NodeTID and CaptureID) until an update or stop sends them. */
  hold(...flows: Flow[]): void {
    for (const f of flows) this.#held.push({ ...f, NodeTID: this.options.nodeTID, CaptureID: this.options.captureID });
  }
}

/** A capture source whose counters, start outcome and failures the test controls. */
export class FakeCaptureSource implements CaptureSource {
  readonly kind: SourceKind;
  readonly params: SourceParams;
  readonly sink: PacketSink;
  readonly counters: SourceStats = { PacketsReceived: 0, PacketsDropped: 0, PacketsIfDropped: 0 };
  /** start() rejects with this when set. */
  startError: Error | undefined;
  /** start() waits for this when set. */
  gate: Promise<void> | undefined;
  started = false;
  stops = 0;

  constructor(kind: SourceKind, params: SourceParams, sink: PacketSink) {
    this.kind = kind;
    this.params = params;
    this.sink = sink;
  }

  get description(): string {
    return `fake ${this.kind} for ${this.params.nodeId}`;
  }

  async start(): Promise<void> {
    if (this.gate !== undefined) await this.gate;
    if (this.startError !== undefined) throw this.startError;
    this.started = true;
  }

  async stop(): Promise<void> {
    this.stops++;
  }

  stats(): SourceStats {
    return { ...this.counters };
  }

  /** Feeds `n` empty frames to the sink and counts them as received. */
  feed(n: number): void {
    const frame = new Uint8Array(60);
    for (let i = 0; i < n; i++) this.sink.packet(frame, 0, frame.length, frame.length, Date.now(), 1);
    this.counters.PacketsReceived += n;
  }

  /** Reports a failure after start, as a real source does when its interface vanishes. */
  fail(err: Error): void {
    this.params.onError(err);
  }
}

/** Table and source factories that build fakes and keep them, in build order. */
export class FakeCaptureFactories {
  readonly tables: FakeFlowTable[] = [];
  readonly sources: FakeCaptureSource[] = [];
  /** Applied to each source before it is returned (e.g. to make its start fail). */
  prepare: ((source: FakeCaptureSource) => void) | undefined;

  readonly tableFactory: TableFactory = (options, sender) => {
    const t = new FakeFlowTable(options, sender);
    this.tables.push(t);
    return t;
  };

  readonly sourceFactory: SourceFactory = (kind, params, sink) => {
    const s = new FakeCaptureSource(kind, params, sink);
    this.prepare?.(s);
    this.sources.push(s);
    return s;
  };
}

/** A minimal valid flow (Ethernet only), for tests that only move flows around. */
export function fakeFlow(uuid: string, at = 1_700_000_000_000): Flow {
  return {
    UUID: uuid, LayersPath: 'Ethernet', Application: 'Ethernet', ParentUUID: '', Start: at, Last: at,
    RawPacketsCaptured: 0, TrackingID: `t-${uuid}`, L3TrackingID: '',
    Link: { Protocol: 'ETHERNET', A: '02:00:00:00:00:01', B: '02:00:00:00:00:02', ID: 0 },
    Metric: { ABPackets: 1, ABBytes: 60, BAPackets: 0, BABytes: 0, Start: at, Last: at },
  };
}

/** A FlowSender that keeps what it is given. */
export class RecordingFlowSender implements FlowSender {
  readonly flows: Flow[] = [];
  readonly stats: CaptureStats[] = [];

  sendFlows(flows: Flow[]): void {
    this.flows.push(...flows);
  }

  sendStats(stats: CaptureStats): void {
    this.stats.push(stats);
  }
}

/**
 * A small agent graph for capture tests: host ─ ns1 (netns) ─ eth0 (veth, UP, one IPv4); host ─ br0 (ovsbridge),
 * tap0 (tuntap), down0 (veth, down), notid0 (veth without TID). Node IDs: host, ns, eth, br, tap, down, notid.
 */
export function captureTestGraph(): MemoryGraph {
  const g = new MemoryGraph({ host: 'h1', origin: 'agent.h1' });
  const own = (p: string, c: string) => g.addEdge({ ID: `${p}-${c}`, Parent: p, Child: c, Metadata: { RelationType: 'ownership' } });
  g.addNode({ ID: 'host', Metadata: { Name: 'h1', Type: 'host', TID: 'tid-host' } });
  g.addNode({ ID: 'ns', Metadata: { Name: 'ns1', Type: 'netns', Path: '/var/run/netns/ns1', TID: 'tid-ns' } });
  g.addNode({
    ID: 'eth', Metadata: { Name: 'eth0', Type: 'veth', TID: 'tid-eth', LinkFlags: ['BROADCAST', 'UP'], EncapType: 'ether', IPV4: ['10.9.0.1/24'] },
  });
  g.addNode({ ID: 'br', Metadata: { Name: 'br0', Type: 'ovsbridge', TID: 'tid-br', UUID: 'b-uuid' } });
  g.addNode({ ID: 'tap', Metadata: { Name: 'tap0', Type: 'tuntap', TID: 'tid-tap', LinkFlags: ['UP'] } });
  g.addNode({ ID: 'down', Metadata: { Name: 'down0', Type: 'veth', TID: 'tid-down', LinkFlags: ['BROADCAST'] } });
  g.addNode({ ID: 'notid', Metadata: { Name: 'notid0', Type: 'veth', LinkFlags: ['UP'] } });
  own('host', 'ns');
  own('ns', 'eth');
  for (const id of ['br', 'tap', 'down', 'notid']) own('host', id);
  return g;
}
