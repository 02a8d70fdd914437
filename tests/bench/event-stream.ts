// A deterministic stream of replicated graph events over the synthetic topology, as agents would send them:
// mostly interface updates (metrics, MTU, state), plus transient veths that appear and disappear.
import type { GraphEvent, GraphView, MetadataOp, Node } from '@topoflow/graph';
import { Prng } from './prng.js';
import { SYNTHETIC_EPOCH } from './synthetic.js';

/** The node Type a veth subscription filter keeps; the stream counts the events it would forward. */
export const SUBSCRIBED_TYPE = 'veth';
const INTERFACE_TYPES = new Set(['veth', 'device', 'bridge', 'vxlan']);
const MAX_TRANSIENTS = 500;

interface Metric {
  RxBytes: number;
  TxBytes: number;
  RxPackets: number;
  TxPackets: number;
  Start: number;
  Last: number;
}

/** Counters of what the stream produced. */
export interface StreamCounts {
  total: number;
  updated: number;
  added: number;
  deleted: number;
  /** Events on nodes of SUBSCRIBED_TYPE: what a `Has('Type','veth')` subscriber receives. */
  subscribed: number;
}

/**
 * Generates events against its own copy of the interfaces' current revisions (read from the graph when created),
 * so it can run ahead of the graph. Streams with different seeds make different transient IDs.
 */
export class EventStream {
  readonly counts: StreamCounts = { total: 0, updated: 0, added: 0, deleted: 0, subscribed: 0 };
  readonly #rng: Prng;
  readonly #idPrefix: string;
  readonly #current: Node[] = [];
  readonly #vethSlots: number[] = [];
  readonly #transients: Node[] = [];
  #transientSeq = 0;
  #clock = SYNTHETIC_EPOCH + 3_600_000;

  constructor(graph: GraphView, seed: number) {
    this.#rng = new Prng(seed);
    this.#idPrefix = `b3e1f0c4-7a51-5d2e-${(seed & 0xffff).toString(16).padStart(4, '0')}-`;
    for (const n of graph.nodes()) {
      if (!INTERFACE_TYPES.has(n.Metadata['Type'] as string)) continue;
      if (n.Metadata['Type'] === SUBSCRIBED_TYPE) this.#vethSlots.push(this.#current.length);
      this.#current.push(n);
    }
    if (this.#vethSlots.length === 0) throw new Error('the event stream needs a graph with veth interfaces');
  }

  /** The next event. */
  next(): GraphEvent {
    const r = this.#rng.next();
    this.#clock++;
    if (r < 0.01 && this.#transients.length < MAX_TRANSIENTS) return this.#count(this.#addTransient());
    if (r < 0.02 && this.#transients.length > 0) return this.#count(this.#deleteTransient());
    return this.#count(this.#update(this.#rng.int(this.#current.length)));
  }

  /**
   * The last event of a run: an update of a veth setting `BenchMarker` to `marker`, so a subscriber knows it
   * has received everything sent before it.
   */
  marker(marker: string): GraphEvent {
    this.#clock++;
    const slot = this.#rng.pick(this.#vethSlots);
    return this.#count(this.#replace(slot, [{ Type: 1, Key: 'BenchMarker', Value: marker }]));
  }

  #count(e: GraphEvent): GraphEvent {
    this.counts.total++;
    if (e.type === 'nodeUpdated') this.counts.updated++;
    else if (e.type === 'nodeAdded') this.counts.added++;
    else if (e.type === 'nodeDeleted') this.counts.deleted++;
    if ('node' in e && e.node.Metadata['Type'] === SUBSCRIBED_TYPE) this.counts.subscribed++;
    return e;
  }

  #update(slot: number): GraphEvent {
    const md = (this.#current[slot] as Node).Metadata;
    const r = this.#rng.next();
    if (r < 0.8) return this.#replace(slot, [{ Type: 1, Key: 'Metric', Value: this.#metric(md['Metric'] as Metric | undefined) }]);
    if (r < 0.92) return this.#replace(slot, [{ Type: 1, Key: 'MTU', Value: md['MTU'] === 1500 ? 9000 : 1500 }]);
    return this.#replace(slot, [{ Type: 1, Key: 'State', Value: md['State'] === 'UP' ? 'DOWN' : 'UP' }]);
  }

  #replace(slot: number, ops: MetadataOp[]): GraphEvent {
    const before = this.#current[slot] as Node;
    const md = { ...before.Metadata };
    for (const op of ops) md[op.Key] = op.Value;
    const node: Node = { ...before, Metadata: md, UpdatedAt: this.#clock, Revision: before.Revision + 1 };
    this.#current[slot] = node;
    return { type: 'nodeUpdated', node, ops };
  }

  #metric(prev: Metric | undefined): Metric {
    const rx = 1 + this.#rng.int(200);
    const tx = 1 + this.#rng.int(200);
    return {
      RxBytes: (prev?.RxBytes ?? 0) + rx * 700, TxBytes: (prev?.TxBytes ?? 0) + tx * 700,
      RxPackets: (prev?.RxPackets ?? 0) + rx, TxPackets: (prev?.TxPackets ?? 0) + tx,
      Start: prev?.Start ?? this.#clock - 30_000, Last: this.#clock,
    };
  }

  #addTransient(): GraphEvent {
    const seq = this.#transientSeq++;
    const host = `h${String(this.#rng.int(400)).padStart(4, '0')}`;
    const node: Node = {
      ID: `${this.#idPrefix}${seq.toString(16).padStart(12, '0')}`,
      Metadata: {
        Name: `${host}-tmpveth${seq}`, Type: SUBSCRIBED_TYPE, MAC: `06:00:${this.#rng.hex(2)}:${this.#rng.hex(2)}:${this.#rng.hex(2)}:${this.#rng.hex(2)}`,
        MTU: 1500, State: 'UP', IfIndex: 1000 + (seq % 1000), TID: this.#rng.hex(32), Alias: `t${seq.toString(36)}`,
      },
      Host: host, Origin: `agent.${host}`, CreatedAt: this.#clock, UpdatedAt: this.#clock, DeletedAt: null, Revision: 1,
    };
    this.#transients.push(node);
    return { type: 'nodeAdded', node };
  }

  #deleteTransient(): GraphEvent {
    const node = this.#transients.shift() as Node;
    return { type: 'nodeDeleted', node: { ...node, DeletedAt: this.#clock } };
  }
}
