// Test helpers: the hand-made fixture topology, a big generated graph, a view wrapper counting accesses, a view of
// node revisions as a history store returns them, query tables.
import { strict as assert } from 'node:assert';
import { type Edge, type GraphView, MemoryGraph, type Metadata, type Node } from '@topoflow/graph';
import type { QueryEngine } from './contract.js';

const FIXTURE_NODES: readonly [string, Metadata][] = [
  ['host', { Name: 'host1', Type: 'host', Hostname: 'host1' }],
  ['ns1', { Name: 'ns1', Type: 'netns', Path: '/var/run/netns/ns1' }],
  ['ns2', { Name: 'ns2', Type: 'netns', Path: '/var/run/netns/ns2' }],
  ['eth0', {
    Name: 'eth0', Type: 'device', MTU: 1500, MAC: '52:54:00:00:00:01', IPV4: ['192.168.1.10/24'], State: 'UP',
    TID: 'tid-eth0', Speed: 1000.7, Virtual: false,
    Captures: [{ ID: 'c1', State: 'active', PacketsCount: 10 }, { ID: 'c2', State: 'inactive', PacketsCount: 5 }],
  }],
  ['lo', { Name: 'lo', Type: 'device', MTU: 65536, IPV4: ['127.0.0.1/8'], State: 'UP' }],
  ['br0', { Name: 'br0', Type: 'bridge', MTU: 1500, State: 'UP', Labels: [] }],
  ['veth0', { Name: 'veth0', Type: 'veth', MTU: 9000, State: 'UP', Ovs: { Metric: { RxBytes: 1000, TxBytes: 2000 } } }],
  ['veth1', {
    Name: 'veth1', Type: 'veth', MTU: 9000, IPV4: ['10.0.0.1/24', '10.0.1.1/24'], State: 'DOWN',
    Ovs: { Metric: { RxBytes: 300, TxBytes: 10 } },
  }],
  ['lo1', { Name: 'lo', Type: 'device', MTU: 65536, IPV4: ['127.0.0.1/8'], State: 'UP' }],
  ['eth1', { Name: 'eth1', Type: 'device', MTU: 1450, IPV4: ['10.0.0.2/24'], State: 'UP', Virtual: true }],
];

const FIXTURE_EDGES: readonly [string, string, string, Metadata][] = [
  ['e-host-ns1', 'host', 'ns1', { RelationType: 'ownership' }],
  ['e-host-ns2', 'host', 'ns2', { RelationType: 'ownership' }],
  ['e-host-eth0', 'host', 'eth0', { RelationType: 'ownership' }],
  ['e-host-lo', 'host', 'lo', { RelationType: 'ownership' }],
  ['e-host-br0', 'host', 'br0', { RelationType: 'ownership' }],
  ['e-host-veth0', 'host', 'veth0', { RelationType: 'ownership' }],
  ['e-ns1-veth1', 'ns1', 'veth1', { RelationType: 'ownership' }],
  ['e-ns1-lo1', 'ns1', 'lo1', { RelationType: 'ownership' }],
  ['e-ns2-eth1', 'ns2', 'eth1', { RelationType: 'ownership' }],
  ['e-br0-veth0', 'br0', 'veth0', { RelationType: 'layer2' }],
  ['e-veth0-veth1', 'veth0', 'veth1', { RelationType: 'layer2', Type: 'veth' }],
  ['e-veth1-eth1', 'veth1', 'eth1', { RelationType: 'layer2', Cost: 5 }],
];

/**
 * The fixture topology: host → ns1/ns2 → interfaces, a bridge br0 with port veth0, a veth pair veth0–veth1 and a
 * layer2 link veth1–eth1. IDs are the short names; CreatedAt grows by 10 ms per element from 1000.
 */
export function fixtureGraph(): MemoryGraph {
  const g = new MemoryGraph({ host: 'host1', origin: 'agent.host1' });
  let t = 1000;
  for (const [id, md] of FIXTURE_NODES) g.addNode({ ID: id, Metadata: md, CreatedAt: (t += 10) });
  for (const [id, parent, child, md] of FIXTURE_EDGES) {
    g.addEdge({ ID: id, Parent: parent, Child: child, Metadata: md, CreatedAt: (t += 10) });
  }
  return g;
}

/** A graph of `n` nodes (`Name` 'n<i>', `Type` cycling over 4 values, `Index` i) in an ownership chain. */
export function chainGraph(n: number): MemoryGraph {
  const g = new MemoryGraph({ host: 'h', origin: 'test' });
  const types = ['host', 'netns', 'device', 'veth'];
  for (let i = 0; i < n; i++) {
    g.addNode({ ID: `n${i}`, Metadata: { Name: `n${i}`, Type: types[i % 4], Index: i }, CreatedAt: 1 });
    if (i > 0) g.addEdge({ ID: `e${i}`, Parent: `n${i - 1}`, Child: `n${i}`, Metadata: { RelationType: 'ownership' }, CreatedAt: 1 });
  }
  return g;
}

/** Access counters of a CountingView. */
export interface ViewCounts {
  /** Nodes handed out by nodes() scans. */
  nodesYielded: number;
  nodeScans: number;
  edgeScans: number;
  nodeLookups: number;
  edgeLookups: number;
}

/** Wraps a view and counts full scans and index lookups, to prove which path a query took. */
export class CountingView implements GraphView {
  readonly counts: ViewCounts = { nodesYielded: 0, nodeScans: 0, edgeScans: 0, nodeLookups: 0, edgeLookups: 0 };
  readonly #inner: GraphView;

  constructor(inner: GraphView) {
    this.#inner = inner;
  }

  get nodeCount(): number { return this.#inner.nodeCount; }
  get edgeCount(): number { return this.#inner.edgeCount; }
  getNode(id: string): Node | undefined { return this.#inner.getNode(id); }
  getEdge(id: string): Edge | undefined { return this.#inner.getEdge(id); }
  outEdges(id: string): Iterable<Edge> { return this.#inner.outEdges(id); }
  inEdges(id: string): Iterable<Edge> { return this.#inner.inEdges(id); }

  *nodes(): Iterable<Node> {
    this.counts.nodeScans++;
    for (const n of this.#inner.nodes()) {
      this.counts.nodesYielded++;
      yield n;
    }
  }

  edges(): Iterable<Edge> {
    this.counts.edgeScans++;
    return this.#inner.edges();
  }

  lookupNodes(field: string, value: unknown): Node[] | undefined {
    this.counts.nodeLookups++;
    return this.#inner.lookupNodes(field, value);
  }

  lookupEdges(field: string, value: unknown): Edge[] | undefined {
    this.counts.edgeLookups++;
    return this.#inner.lookupEdges(field, value);
  }
}

/** A node revision for RevisionsView: `revision` also sets UpdatedAt (CreatedAt is 1). */
export function nodeRevision(id: string, revision: number, metadata: Metadata): Node {
  return { ID: id, Metadata: metadata, Host: 'h', Origin: 'test', CreatedAt: 1, UpdatedAt: revision, DeletedAt: null, Revision: revision };
}

/**
 * A view over arrays, shaped like a history store's range view: nodes() yields every revision given (an ID may
 * repeat), getNode the last revision of an ID; no index.
 */
export class RevisionsView implements GraphView {
  readonly #nodes: readonly Node[];
  readonly #edges: readonly Edge[];

  constructor(nodes: readonly Node[], edges: readonly Edge[] = []) {
    this.#nodes = nodes;
    this.#edges = edges;
  }

  get nodeCount(): number { return this.#nodes.length; }
  get edgeCount(): number { return this.#edges.length; }
  getNode(id: string): Node | undefined { return this.#nodes.findLast((n) => n.ID === id); }
  getEdge(id: string): Edge | undefined { return this.#edges.findLast((e) => e.ID === id); }
  nodes(): Iterable<Node> { return this.#nodes; }
  edges(): Iterable<Edge> { return this.#edges; }
  outEdges(id: string): Iterable<Edge> { return this.#edges.filter((e) => e.Parent === id); }
  inEdges(id: string): Iterable<Edge> { return this.#edges.filter((e) => e.Child === id); }
  lookupNodes(): Node[] | undefined { return undefined; }
  lookupEdges(): Edge[] | undefined { return undefined; }
}

/** Replaces nodes and edges, at any depth of a result's JSON, by their IDs, so tests compare results briefly. */
export function ids(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(ids);
  if (typeof json !== 'object' || json === null) return json;
  const o = json as Record<string, unknown>;
  if (typeof o.ID === 'string') return o.ID;
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, ids(v)]));
}

/** A table of query → expected JSON (with elements replaced by IDs). */
export type QueryCases = readonly (readonly [string, unknown])[];

/** Registers one test per row: the query's result (through `run`) must deep-equal the expected value. */
export function itResults(run: (q: string) => Promise<unknown>, cases: QueryCases): void {
  for (const [q, want] of cases) {
    it(`${q} → ${JSON.stringify(want)}`, async () => assert.deepEqual(await run(q), want));
  }
}

/** Registers one test per row: executing the query must fail with the given error code. */
export function itErrors(engine: QueryEngine, graph: GraphView, errors: QueryCases): void {
  for (const [q, code] of errors) {
    it(`${q} fails with ${String(code)}`, () => assert.rejects(engine.execute(q, graph), { code }));
  }
}
