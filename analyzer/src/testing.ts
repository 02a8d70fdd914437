// Fakes for tests of the analyzer and of packages that drive it: a query engine that knows a few fixed
// queries, an analyzer started on a free loopback port, a wait for the on-demand server to settle, and a sample
// flow report.
import { AppError, silentReporter } from '@topoflow/common';
import type { Flow } from '@topoflow/flow';
import { type Edge, type GraphView, MemoryGraph, type Node } from '@topoflow/graph';
import type { ElementFilter, ParsedQuery, QueryEngine, QueryResult } from '@topoflow/gremlin';
import type { Analyzer } from './analyzer.js';
import { type AnalyzerServiceConfig, defaultAnalyzerServiceConfig } from './config.js';
import { type AnalyzerDeps, createAnalyzer } from './wiring.js';

/** A query the fake engine answers: a sub-graph selected per element, or a fixed value. */
export type FakeQuery =
  | { kind: 'graph'; node: (n: Node) => boolean; edge?: (e: Edge) => boolean; incremental: boolean }
  | { kind: 'value'; value: unknown };

/** A QueryEngine over a fixed table of queries; anything else is a GREMLIN_PARSE_ERROR at position 0. */
export class FakeQueryEngine implements QueryEngine {
  readonly #queries: Map<string, FakeQuery>;
  /** Number of execute() calls, per query text. */
  readonly executions = new Map<string, number>();

  constructor(queries: Record<string, FakeQuery>) {
    this.#queries = new Map(Object.entries(queries));
  }

  parse(text: string): ParsedQuery {
    if (!this.#queries.has(text)) {
      throw new AppError('GREMLIN_PARSE_ERROR', `cannot parse "${text}"`, { statusCode: 400, details: { position: 0 } });
    }
    return { text };
  }

  async execute(query: string | ParsedQuery, view: GraphView): Promise<QueryResult> {
    const q = this.#queries.get(this.parse(typeof query === 'string' ? query : query.text).text) as FakeQuery;
    const text = typeof query === 'string' ? query : query.text;
    this.executions.set(text, (this.executions.get(text) ?? 0) + 1);
    if (q.kind === 'value') return { kind: 'value', toJSON: () => q.value };
    const sub = new MemoryGraph();
    for (const n of view.nodes()) if (q.node(n)) sub.apply({ type: 'nodeAdded', node: n });
    for (const e of view.edges()) {
      if (sub.getNode(e.Parent) && sub.getNode(e.Child) && (q.edge?.(e) ?? true)) sub.apply({ type: 'edgeAdded', edge: e });
    }
    return { kind: 'graph', graph: sub, toJSON: () => [sub.toJSON()] };
  }

  elementFilter(query: ParsedQuery): ElementFilter | undefined {
    const q = this.#queries.get(query.text);
    if (q?.kind !== 'graph' || !q.incremental) return undefined;
    return { node: q.node, edge: q.edge ?? (() => true) };
  }
}

/** The configuration tests start from: loopback port 0, host "test-host", quick keep-alive. */
export function testAnalyzerConfig(tweak: (c: AnalyzerServiceConfig) => void = () => undefined): AnalyzerServiceConfig {
  const c = defaultAnalyzerServiceConfig();
  c.hostId = 'test-host';
  c.analyzer.listen = '127.0.0.1:0';
  c.analyzer.subscriber.debounce = '20ms';
  c.analyzer.shutdownTimeout = '5s';
  c.analyzer.history.backend = 'none';
  // Captures need etcd: tests that use them turn it on (see startTestEtcd).
  c.etcd.enabled = false;
  tweak(c);
  return c;
}

/** Creates and starts an analyzer for a test; the caller stops it. */
export async function startTestAnalyzer(
  tweak: (c: AnalyzerServiceConfig) => void = () => undefined,
  deps: AnalyzerDeps = {},
): Promise<{ analyzer: Analyzer; base: string; ws: string }> {
  const analyzer = createAnalyzer(testAnalyzerConfig(tweak), { reporter: silentReporter('analyzer'), ...deps });
  await analyzer.start();
  const a = analyzer.address as { host: string; port: number };
  return { analyzer, base: `http://${a.host}:${a.port}`, ws: `ws://${a.host}:${a.port}` };
}

/** Fixed queries of sampleEngine(). */
export const SAMPLE_QUERIES = {
  /** Per-element filter: nodes whose Color is blue, edges other than RelationType "hidden". */
  blue: "G.V().Has('Color','blue').SubGraph()",
  /** Filter without a per-element form (re-run after changes): veth nodes. */
  veth: "G.V().Has('Type','veth').SubGraph()",
  /** A value result. */
  count: 'G.V().Count()',
} as const;

/** A fake engine answering SAMPLE_QUERIES. */
export function sampleEngine(): FakeQueryEngine {
  return new FakeQueryEngine({
    [SAMPLE_QUERIES.blue]: {
      kind: 'graph', incremental: true,
      node: (n) => n.Metadata.Color === 'blue', edge: (e) => e.Metadata.RelationType !== 'hidden',
    },
    [SAMPLE_QUERIES.veth]: { kind: 'graph', incremental: false, node: (n) => n.Metadata.Type === 'veth' },
    [SAMPLE_QUERIES.count]: { kind: 'value', value: 3 },
  });
}
/** A real etcd on a temp dir and free loopback ports, for tests of captures. */
export { startTestEtcd, startTcpProxy, freeLoopbackPort, type TestEtcd, type TcpProxy } from './etcd/test-etcd.js';

/** A config tweak turning captures on with the external test etcd `etcd` (then `extra`). */
export function withTestEtcd(etcd: { endpoint: string }, extra: (c: AnalyzerServiceConfig) => void = () => undefined): (c: AnalyzerServiceConfig) => void {
  return (c) => {
    c.etcd.enabled = true;
    c.etcd.embedded = false;
    c.etcd.endpoints = [etcd.endpoint];
    extra(c);
  };
}
/** A WebSocket test client speaking the Skydive envelope. */
export { TestWsClient, refusedUpgrade, type WsMessage } from './ws/test-client.js';

/** A flow report as an agent sends it: Ethernet/IPv4/UDP between two MACs and IPs, captured on node `tid-1`. */
export function sampleFlow(uuid: string, start: number, last: number, extra: Partial<Flow> = {}): Flow {
  return {
    UUID: uuid, LayersPath: 'Ethernet/IPv4/UDP', Application: 'UDP', ParentUUID: '', Start: start, Last: last,
    Link: { Protocol: 'ETHERNET', A: '02:00:00:00:00:01', B: '02:00:00:00:00:02', ID: 0 },
    Network: { Protocol: 'IPV4', A: '10.0.0.1', B: '10.0.0.2', ID: 0 },
    Transport: { Protocol: 'UDP', A: 40000, B: 53, ID: 0 },
    Metric: { ABPackets: 1, ABBytes: 100, BAPackets: 1, BABytes: 60, Start: start, Last: last },
    NodeTID: 'tid-1', CaptureID: 'cap-1', RawPacketsCaptured: 0, TrackingID: `t-${uuid}`, L3TrackingID: `l3-${uuid}`, ...extra,
  };
}

/** Resolves once the on-demand server has no evaluation running or due (polls `pending`). */
export async function onDemandSettled(server: { readonly pending: boolean }, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (server.pending) {
    if (Date.now() > deadline) throw new Error('the on-demand server did not settle in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
