// Graph events as posted to the history writer thread. Copying whole elements between threads costs more than
// the rest of an append, so an update whose previous revision was posted travels as its ops alone; the writer
// rebuilds the element on its copy of that revision (sharing the unchanged values, as the live graph does).
import type { GraphEvent } from '../../events.js';
import { applyOps } from '../../metadata/ops.js';
import type { Edge, MetadataOp, Node } from '../../model.js';
import { EDGE, type Kind, NODE } from '../rows.js';

/** An update as its ops: kind, ID, UpdatedAt, Revision (the posted revision plus one), ops. */
export type WireUpdate = readonly [Kind, string, number, number, readonly MetadataOp[]];

/** An event as posted: whole, or an update as its ops. */
export type WireEvent = GraphEvent | WireUpdate;

/** Thrown by the decoder when an update's previous revision is not the one it holds: the batch must come whole. */
export class WireResyncNeeded extends Error {}

type Element = Node | Edge;
const isEdge = (ev: GraphEvent): boolean => ev.type.startsWith('edge');
const elementOf = (ev: GraphEvent): Element => ('node' in ev ? ev.node : ev.edge);

/** The posting side: remembers the last element revision posted per ID. */
export class WireEncoder {
  readonly #sent: [Map<string, Element>, Map<string, Element>] = [new Map(), new Map()];

  /** `events` as posted; call reset() when the writer did not store them. */
  encode(events: readonly GraphEvent[]): WireEvent[] {
    const out = new Array<WireEvent>(events.length);
    for (let i = 0; i < events.length; i++) {
      const ev = events[i] as GraphEvent;
      const kind: Kind = isEdge(ev) ? EDGE : NODE;
      const el = elementOf(ev);
      const sent = this.#sent[kind];
      if (ev.type === 'nodeDeleted' || ev.type === 'edgeDeleted') {
        sent.delete(el.ID);
        out[i] = ev;
        continue;
      }
      const prev = sent.get(el.ID);
      sent.set(el.ID, el);
      out[i] = (ev.type === 'nodeUpdated' || ev.type === 'edgeUpdated') && prev !== undefined && follows(prev, el)
        ? [kind, el.ID, el.UpdatedAt, el.Revision, ev.ops]
        : ev;
    }
    return out;
  }

  /** Forgets what was posted (the writer lost or dropped its copies). */
  reset(): void {
    this.#sent[NODE].clear();
    this.#sent[EDGE].clear();
  }
}

/** True when `next` is the revision right after `prev` of the same incarnation, with only its metadata changed. */
function follows(prev: Element, next: Element): boolean {
  return prev.Revision === next.Revision - 1 && prev.CreatedAt === next.CreatedAt && prev.Host === next.Host
    && prev.Origin === next.Origin && prev.DeletedAt === null && next.DeletedAt === null
    && (prev as Edge).Parent === (next as Edge).Parent && (prev as Edge).Child === (next as Edge).Child;
}

/** The writer side: holds the newest revision of every live element posted, to rebuild updates sent as ops. */
export class WireDecoder {
  readonly #known: [Map<string, Element>, Map<string, Element>] = [new Map(), new Map()];

  /** Elements held. */
  get size(): number {
    return this.#known[NODE].size + this.#known[EDGE].size;
  }

  /** Whole events; throws WireResyncNeeded (holding nothing any more) when an update cannot be rebuilt. */
  decode(wire: readonly WireEvent[]): GraphEvent[] {
    const out = new Array<GraphEvent>(wire.length);
    for (let i = 0; i < wire.length; i++) {
      const w = wire[i] as WireEvent;
      if (Array.isArray(w)) {
        out[i] = this.#rebuild(w as WireUpdate);
        continue;
      }
      const ev = w as GraphEvent;
      const el = elementOf(ev);
      const known = this.#known[isEdge(ev) ? EDGE : NODE];
      if (ev.type === 'nodeDeleted' || ev.type === 'edgeDeleted') known.delete(el.ID);
      else known.set(el.ID, el);
      out[i] = ev;
    }
    return out;
  }

  /** Forgets every element. */
  reset(): void {
    this.#known[NODE].clear();
    this.#known[EDGE].clear();
  }

  #rebuild([kind, id, updatedAt, revision, ops]: WireUpdate): GraphEvent {
    const known = this.#known[kind];
    const prev = known.get(id);
    if (prev === undefined || prev.Revision !== revision - 1) {
      this.reset();
      throw new WireResyncNeeded(`update of ${id} to revision ${revision} does not follow the revision held`);
    }
    const Metadata = applyOps(prev.Metadata, ops).metadata;
    if (kind === EDGE) {
      const e = prev as Edge;
      const edge: Edge = {
        ID: id, Metadata, Host: e.Host, Origin: e.Origin, CreatedAt: e.CreatedAt, UpdatedAt: updatedAt, DeletedAt: null, Revision: revision,
        Parent: e.Parent, Child: e.Child,
      };
      known.set(id, edge);
      return { type: 'edgeUpdated', edge, ops };
    }
    const node: Node = { ID: id, Metadata, Host: prev.Host, Origin: prev.Origin, CreatedAt: prev.CreatedAt, UpdatedAt: updatedAt, DeletedAt: null, Revision: revision };
    known.set(id, node);
    return { type: 'nodeUpdated', node, ops };
  }
}
