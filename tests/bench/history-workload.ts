// The history benchmark's workload: hosts of Linux interfaces (veth pairs and uplinks) and a seeded timeline of
// metrics ticks, produced through a MemoryGraph as batches of graph events, so a million revisions never sit in
// memory at once.
import { ManualClock } from '@topoflow/common/testing';
import { genId, linkId, MemoryGraph, type GraphEvent } from '@topoflow/graph';
import {
  driverFeatures, interfaceMetadata, interfaceState, metricsChange, type InterfaceSlot, type InterfaceState,
} from './history-interfaces.js';
import { Prng } from './prng.js';
import type { SyntheticSize } from './synthetic.js';

/** Shape and timeline of a run. */
export interface HistorySpec {
  /** Interface nodes (a multiple of `perHost`). */
  nodes: number;
  /** Interfaces per host: 2 uplink devices and veth pairs. */
  perHost: number;
  /** Revisions per node on average: its creation, then its updates. */
  revisionsPerNode: number;
  /** Period of the agents' metrics refresh (Skydive's default 30 s). */
  tickMs: number;
  /** Ticks between two updates of an interface on average: a tick updates nodes / ticksPerUpdate of them. */
  ticksPerUpdate: number;
  /** Traffic weights of the interfaces are uniform in [1 - spread, 1 + spread]: busy and quiet interfaces. */
  weightSpread: number;
  /** Share of updates that also flip State, and that flip MTU between 1500 and 9000. */
  stateShare: number;
  mtuShare: number;
}

/** The spec of a named size: 10,000 interfaces (small: 1,000) with 100 revisions each. */
export function historySpec(size: SyntheticSize): HistorySpec {
  return {
    nodes: size === 'full' ? 10_000 : 1_000, perHost: 50, revisionsPerNode: 100, tickMs: 30_000, ticksPerUpdate: 5,
    weightSpread: 0.75, stateShare: 0.01, mtuShare: 0.005,
  };
}

/** Start of every run's history (2026-01-01T00:00:00Z): the same instants on every run. */
export const HISTORY_T0 = 1_767_225_600_000;
const SEED = 0x4157;

/** Instants of a spec's history. */
export interface Timeline {
  /** When every node and edge is added. */
  start: number;
  /** Time of the last update. */
  end: number;
  ticks: number;
  updatesPerTick: number;
  /** Node revisions and edge revisions the run produces. */
  nodeRevisions: number;
  edgeRevisions: number;
}

/** The timeline of a spec. */
export function timelineOf(spec: HistorySpec): Timeline {
  const ticks = (spec.revisionsPerNode - 1) * spec.ticksPerUpdate;
  const updatesPerTick = spec.nodes / spec.ticksPerUpdate;
  const hosts = spec.nodes / spec.perHost;
  return {
    start: HISTORY_T0, end: HISTORY_T0 + ticks * spec.tickMs + Math.floor(((updatesPerTick - 1) * 1000) / updatesPerTick),
    ticks, updatesPerTick, nodeRevisions: spec.nodes * spec.revisionsPerNode, edgeRevisions: hosts * ((spec.perHost - 2) / 2 + 1),
  };
}

/** Generates the run's graph events in order; `graph` holds the final state once every batch was taken. */
export class HistoryWorkload {
  readonly spec: HistorySpec;
  readonly timeline: Timeline;
  readonly clock = new ManualClock(HISTORY_T0);
  readonly graph = new MemoryGraph({}, { clock: this.clock });
  readonly #rng = new Prng(SEED);
  readonly #states: InterfaceState[] = [];
  readonly #weights: number[] = [];
  #pending: GraphEvent[] = [];

  constructor(spec: HistorySpec) {
    if (spec.nodes % spec.perHost !== 0 || spec.perHost % 2 !== 0 || (spec.nodes / spec.ticksPerUpdate) % 1 !== 0) {
      throw new Error('history workload: nodes must be a multiple of perHost and ticksPerUpdate, perHost even');
    }
    this.spec = spec;
    this.timeline = timelineOf(spec);
    this.graph.onAny((e) => this.#pending.push(e));
  }

  /** The events in batches of `size` (the last may be shorter), made as they are taken. */
  *batches(size: number): Generator<GraphEvent[]> {
    for (const _ of this.#mutations()) {
      if (this.#pending.length >= size) yield this.#take(size);
    }
    while (this.#pending.length > 0) yield this.#take(size);
  }

  #take(size: number): GraphEvent[] {
    if (this.#pending.length <= size) {
      const out = this.#pending;
      this.#pending = [];
      return out;
    }
    return this.#pending.splice(0, size);
  }

  /**
   * Makes one change per step: the topology at HISTORY_T0, then the metrics ticks. Interfaces are updated at
   * different rates, so their keyframes (renewed every so many revisions) do not all fall in the same window.
   */
  *#mutations(): Generator<void> {
    yield* this.#topology();
    const perTick = this.timeline.updatesPerTick;
    for (let tick = 1; tick <= this.timeline.ticks; tick++) {
      const tickAt = HISTORY_T0 + tick * this.spec.tickMs;
      const chosen = this.#pickWeighted(perTick);
      for (let j = 0; j < perTick; j++) {
        // A probe's link dumps spread one tick's updates over about a second.
        this.clock.set(tickAt + Math.floor((j * 1000) / perTick));
        this.#update(this.#states[chosen[j] as number] as InterfaceState);
        yield;
      }
    }
  }

  /** `count` distinct interfaces, each drawn with a chance proportional to its weight (by rejection). */
  #pickWeighted(count: number): number[] {
    const max = 1 + this.spec.weightSpread;
    const taken = new Set<number>();
    const out: number[] = [];
    while (out.length < count) {
      const i = this.#rng.int(this.#states.length);
      if (taken.has(i) || this.#rng.next() * max >= (this.#weights[i] as number)) continue;
      taken.add(i);
      out.push(i);
    }
    return out;
  }

  *#topology(): Generator<void> {
    const { nodes, perHost } = this.spec;
    const features = driverFeatures(this.#rng);
    for (let host = 0; host < nodes / perHost; host++) {
      const hostName = `host-${String(host).padStart(4, '0')}`;
      const ids: string[] = [];
      for (let i = 1; i <= perHost; i++) {
        const veth = i > 2;
        const slot: InterfaceSlot = { id: genId('bench-history', hostName, String(i)), ifIndex: i, host, type: veth ? 'veth' : 'device', peerIfIndex: veth ? (i % 2 === 1 ? i + 1 : i - 1) : undefined };
        const md = interfaceMetadata(slot, veth ? features.veth : features.device, this.#rng, HISTORY_T0);
        if (!veth) md.Name = `eth${i - 1}`;
        this.graph.addNode({ ID: slot.id, Metadata: md, Host: hostName, Origin: `agent.${hostName}` });
        this.#states.push(interfaceState(slot.id, HISTORY_T0));
        this.#weights.push(1 - this.spec.weightSpread + 2 * this.spec.weightSpread * this.#rng.next());
        ids.push(slot.id);
        yield;
      }
      for (let i = 2; i < perHost; i += 2) this.#link(ids[i] as string, ids[i + 1] as string, hostName);
      if (host > 0) this.#link(this.#states[(host - 1) * perHost]?.id as string, ids[0] as string, hostName);
      else this.#link(ids[0] as string, ids[1] as string, hostName);
      yield;
    }
  }

  #link(parent: string, child: string, hostName: string): void {
    this.graph.addEdge({ ID: linkId(parent, child, 'layer2'), Parent: parent, Child: child, Metadata: { RelationType: 'layer2' }, Host: hostName, Origin: `agent.${hostName}` });
  }

  #update(s: InterfaceState): void {
    const rng = this.#rng;
    const now = this.clock.now();
    const set = metricsChange(s, HISTORY_T0, now, rng);
    if (rng.next() < this.spec.stateShare) {
      s.up = !s.up;
      set.State = s.up ? 'UP' : 'DOWN';
    }
    if (rng.next() < this.spec.mtuShare) {
      s.mtu = s.mtu === 1500 ? 9000 : 1500;
      set.MTU = s.mtu;
    }
    this.graph.updateNode(s.id, { set });
  }
}
