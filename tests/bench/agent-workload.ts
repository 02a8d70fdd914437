// The pipeline benchmark's workload on one agent: its graph (network namespaces with a veth pair and lo each,
// behind a bridge) and a seeded plan of changes as a netlink probe makes them, executed through the graph's commands.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { genId, linkId, type EdgeInput, type MemoryGraph, type Metadata, type NodeInput } from '@topoflow/graph';
import { Prng } from './prng.js';
import type { SyntheticSize } from './synthetic.js';

/** Changes executed between two turns of the event loop, as a probe handles one netlink read. */
export const CHANGE_CHUNK = 1000;
/** One update in this many carries its send time (`BenchSentNs`), for the delivery latency. */
export const SAMPLE_EVERY = 100;
const MAX_TRANSIENTS = 500;
const SEED = 0x91fe;

/** The shape of the agent's graph and the number of changes of a run. */
export interface WorkloadSpec {
  namespaces: number;
  changes: number;
}

/** The spec of a named size. */
export function workloadSpec(size: SyntheticSize): WorkloadSpec {
  return size === 'full' ? { namespaces: 1000, changes: 500_000 } : { namespaces: 200, changes: 100_000 };
}

/** One change: a metadata update, a transient veth (node and ownership edge) added, or a node deleted. */
export type Change =
  | { k: 'update'; id: string; set: Record<string, unknown> }
  | { k: 'add'; node: NodeInput; edge: EdgeInput }
  | { k: 'delete'; id: string };

interface IfaceState {
  id: string;
  mtu: number;
  state: string;
  metric: Record<string, number> | undefined;
}

const mac = (n: number): string => `02:00:${[n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

/** What the topology builder made: the interfaces and namespaces the plan changes. */
export interface AgentTopology {
  interfaces: IfaceState[];
  namespaces: string[];
  nodes: number;
  edges: number;
}

/**
 * Adds the agent's topology under its host node: a bridge, and per namespace a `netns` node owning `lo` and
 * `eth0` (a veth), whose host-side peer is owned by the host and is a port of the bridge (layer2 edges).
 */
export function buildAgentTopology(graph: MemoryGraph, hostId: string, spec: WorkloadSpec): AgentTopology {
  const t: AgentTopology = { interfaces: [], namespaces: [], nodes: 0, edges: 0 };
  let seq = 0;
  const node = (name: string, type: string, extra: Metadata = {}): string => {
    const id = genId('bench-agent', name, String(seq++));
    graph.addNode({ ID: id, Metadata: { Name: name, Type: type, ...extra } });
    t.nodes++;
    return id;
  };
  const iface = (name: string, type: string, ifIndex: number, extra: Metadata = {}): string => {
    const id = node(name, type, { MAC: mac(seq), MTU: 1500, State: 'UP', IfIndex: ifIndex, Driver: type === 'veth' ? 'veth' : '', ...extra });
    t.interfaces.push({ id, mtu: 1500, state: 'UP', metric: undefined });
    return id;
  };
  const edge = (parent: string, child: string, relation: 'ownership' | 'layer2'): void => {
    graph.addEdge({ ID: linkId(parent, child, relation), Parent: parent, Child: child, Metadata: { RelationType: relation } });
    t.edges++;
  };
  const bridge = iface('br0', 'bridge', 3);
  edge(hostId, bridge, 'ownership');
  for (let i = 0; i < spec.namespaces; i++) {
    const ns = node(`ns-${i}`, 'netns', { Path: `/var/run/netns/ns-${i}`, Inode: 4026532000 + i });
    t.namespaces.push(ns);
    edge(hostId, ns, 'ownership');
    edge(ns, iface('lo', 'device', 1, { IPV4: ['127.0.0.1/8'] }), 'ownership');
    const inner = iface('eth0', 'veth', 2, { IPV4: [`10.${(i >> 8) & 0xff}.${i & 0xff}.2/24`] });
    edge(ns, inner, 'ownership');
    const outer = iface(`veth${i.toString(16).padStart(6, '0')}`, 'veth', 10 + i);
    edge(hostId, outer, 'ownership');
    edge(inner, outer, 'layer2');
    edge(bridge, outer, 'layer2');
  }
  return t;
}

/**
 * The seeded plan of a run: 98 % interface updates (80 % of them metric counters, 12 % MTU, 8 % state), 1 %
 * transient veths added under a namespace, 1 % deleted; the last change sets `BenchMarker` on the bridge.
 */
export function planChanges(topo: AgentTopology, count: number): Change[] {
  const rng = new Prng(SEED);
  const ifaces = topo.interfaces.map((s) => ({ ...s }));
  const transients: string[] = [];
  const plan = new Array<Change>(count);
  let clock = 1_767_225_600_000;
  for (let i = 0; i < count - 1; i++) {
    clock++;
    const r = rng.next();
    if (r < 0.01 && transients.length < MAX_TRANSIENTS) {
      const ns = rng.pick(topo.namespaces);
      const id = genId('bench-agent', 'transient', String(i));
      transients.push(id);
      plan[i] = {
        k: 'add',
        node: { ID: id, Metadata: { Name: `tmp${i}`, Type: 'veth', MAC: mac(i), MTU: 1500, State: 'UP', IfIndex: 100_000 + i, Driver: 'veth' } },
        edge: { ID: linkId(ns, id, 'ownership'), Parent: ns, Child: id, Metadata: { RelationType: 'ownership' } },
      };
    } else if (r < 0.02 && transients.length > 0) {
      plan[i] = { k: 'delete', id: transients.shift() as string };
    } else {
      const s = rng.pick(ifaces);
      const u = rng.next();
      let set: Record<string, unknown>;
      if (u < 0.8) {
        const rx = 1 + rng.int(200);
        const tx = 1 + rng.int(200);
        const p = s.metric;
        s.metric = {
          RxBytes: (p?.['RxBytes'] ?? 0) + rx * 700, TxBytes: (p?.['TxBytes'] ?? 0) + tx * 700,
          RxPackets: (p?.['RxPackets'] ?? 0) + rx, TxPackets: (p?.['TxPackets'] ?? 0) + tx, Start: p?.['Start'] ?? clock - 30_000, Last: clock,
        };
        set = { Metric: s.metric };
      } else if (u < 0.92) {
        s.mtu = s.mtu === 1500 ? 9000 : 1500;
        set = { MTU: s.mtu };
      } else {
        s.state = s.state === 'UP' ? 'DOWN' : 'UP';
        set = { State: s.state };
      }
      plan[i] = { k: 'update', id: s.id, set };
    }
  }
  plan[count - 1] = { k: 'update', id: (topo.interfaces[0] as IfaceState).id, set: { BenchMarker: `end-${clock}` } };
  return plan;
}

/** CLOCK_MONOTONIC in nanoseconds, as a number: the same clock in every process of the machine. */
export function monotonicNs(): number {
  return Number(process.hrtime.bigint());
}

/** Executes one change; sampled updates (and the last) also set `BenchSentNs` to the time of the mutation. */
export function execute(graph: MemoryGraph, c: Change, sampled: boolean): void {
  if (c.k === 'update') {
    graph.updateNode(c.id, sampled ? { set: { ...c.set, BenchSentNs: monotonicNs() } } : { set: c.set });
  } else if (c.k === 'add') {
    graph.addNode(c.node);
    graph.addEdge(c.edge);
  } else {
    graph.deleteNode(c.id);
  }
}

/** How a plan's execution went. */
export interface PumpOutcome {
  startNs: number;
  endNs: number;
  /** Graph events the execution made (the graph's revision delta, cascaded deletes and TID updates included). */
  events: number;
  /** Time spent waiting for the forwarder's queue to drain (0 for the bare graph). */
  stalledMs: number;
}

/**
 * Executes the plan in chunks with an event-loop turn between them; before a chunk, waits while `busy()` says
 * the consumer is behind (the agent "accepting" no more), so the queue never overflows into a resync.
 */
export async function pumpChanges(graph: MemoryGraph, plan: Change[], busy: () => boolean = () => false): Promise<PumpOutcome> {
  let stalledMs = 0;
  const rev0 = graph.revision;
  const startNs = monotonicNs();
  for (let done = 0; done < plan.length;) {
    if (busy()) {
      const s = performance.now();
      while (busy()) await new Promise((r) => setTimeout(r, 1));
      stalledMs += performance.now() - s;
    }
    const end = Math.min(done + CHANGE_CHUNK, plan.length);
    for (; done < end; done++) execute(graph, plan[done] as Change, done % SAMPLE_EVERY === 0 || done === plan.length - 1);
    await yieldToLoop();
  }
  return { startNs, endNs: monotonicNs(), events: graph.revision - rev0, stalledMs };
}
