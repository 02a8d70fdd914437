// Turns graph events into the rows of one append: which revisions to insert (keyframe or delta), which stored
// rows to close or reopen, which elements are gone. Keeps per live element what the next append needs.
import type { GraphEvent } from '../events.js';
import type { Edge, Metadata, Node } from '../model.js';
import { deepEqual } from '../metadata/deep-equal.js';
import { KEYFRAME_INTERVAL, diffMetadata } from './encoding.js';
import {
  EDGE, type ElementKey, type Kind, type LastRevision, NODE, type ResolvedElement, type RevisionRow, type SourceKey,
  type WritePlan,
} from './rows.js';

interface Keyframe {
  readonly seq: number;
  readonly metadata: Readonly<Metadata>;
  readonly size: number;
  deltas: number;
}

interface ElementState {
  readonly eid: number;
  last: LastRevision | undefined;
  /** Metadata of `last` when this process wrote it (unknown after a restart). */
  lastMetadata: Readonly<Metadata> | undefined;
  gone: boolean;
  keyframe: Keyframe | undefined;
}

/** The keys of one batch the planner does not know yet. */
export interface Unknowns {
  readonly elements: ElementKey[];
  readonly sources: SourceKey[];
}

const kindOf = (ev: GraphEvent): Kind => (ev.type.startsWith('node') ? NODE : EDGE);
const elementOf = (ev: GraphEvent): Node | Edge => ('node' in ev ? ev.node : ev.edge);
const sourceKey = (host: string, origin: string) => `${host}\u0000${origin}`;

/** Plans appends; its cache must be dropped (reset) when a planned append fails to commit. */
export class RevisionPlanner {
  readonly #states: [Map<string, ElementState>, Map<string, ElementState>] = [new Map(), new Map()];
  /** sid by host, then origin: two lookups cost less than building a joined key for every event. */
  readonly #sources = new Map<string, Map<string, number>>();
  #evict: Array<[Kind, string]> = [];

  /** Elements and sources of `events` that must be resolved before planning. */
  unknowns(events: readonly GraphEvent[]): Unknowns {
    const elements: ElementKey[] = [];
    const sources: SourceKey[] = [];
    const seen: [Set<string>, Set<string>] = [new Set(), new Set()];
    const seenSources = new Set<string>();
    for (const ev of events) {
      const kind = kindOf(ev);
      const el = elementOf(ev);
      if (!this.#states[kind].has(el.ID) && !seen[kind].has(el.ID)) {
        seen[kind].add(el.ID);
        elements.push({ kind, id: el.ID, createdAt: el.CreatedAt });
      }
      if (this.#sid(el.Host, el.Origin) !== undefined) continue;
      const sk = sourceKey(el.Host, el.Origin);
      if (!seenSources.has(sk)) {
        seenSources.add(sk);
        sources.push({ host: el.Host, origin: el.Origin });
      }
    }
    return { elements, sources };
  }

  /** Records what the backend resolved for `unknowns`. */
  learn(unknowns: Unknowns, elements: readonly ResolvedElement[], sids: readonly number[]): void {
    unknowns.elements.forEach((k, i) => {
      const r = elements[i] as ResolvedElement;
      this.#states[k.kind].set(k.id, { eid: r.eid, last: r.last, lastMetadata: undefined, gone: r.gone, keyframe: undefined });
    });
    unknowns.sources.forEach((s, i) => {
      let origins = this.#sources.get(s.host);
      if (origins === undefined) this.#sources.set(s.host, (origins = new Map()));
      origins.set(s.origin, sids[i] as number);
    });
  }

  /** The writes for `events`, using `seqs` (one per event at most) for new rows. */
  plan(events: readonly GraphEvent[], seqs: readonly number[]): WritePlan {
    const plan: WritePlan = { inserts: [], rowDeletions: new Map(), elementGone: new Map() };
    const pending = new Map<number, RevisionRow>();
    let next = 0;
    for (const ev of events) {
      const kind = kindOf(ev);
      const el = elementOf(ev);
      const st = this.#states[kind].get(el.ID);
      if (st === undefined) throw new Error(`history planner: element ${el.ID} was not resolved`);
      const last = st.last;
      // The same revision again (a resync, a restore) stores nothing; when this process wrote that revision, its
      // metadata must match too, since an element re-created within the same millisecond restarts at revision 1.
      const same = last !== undefined && last.revision === el.Revision && last.updatedAt === el.UpdatedAt
        && (st.lastMetadata === undefined || st.lastMetadata === el.Metadata || deepEqual(st.lastMetadata, el.Metadata));
      if (ev.type === 'nodeDeleted' || ev.type === 'edgeDeleted') {
        const at = el.DeletedAt ?? el.UpdatedAt;
        if (same && last.deletedAt !== null) continue;
        if (same) this.#setRowDeleted(plan, pending, st, at);
        else this.#insert(plan, pending, st, el, kind, seqs[next++] as number, at);
        this.#setGone(plan, st, at);
        // A later incarnation starts from a keyframe of its own, so pruning this one never strands it.
        st.keyframe = undefined;
        this.#evict.push([kind, el.ID]);
        continue;
      }
      if (same) {
        if (last.deletedAt !== null) this.#setRowDeleted(plan, pending, st, null);
      } else {
        this.#insert(plan, pending, st, el, kind, seqs[next++] as number, el.DeletedAt);
      }
      if (st.gone) this.#setGone(plan, st, null);
    }
    return plan;
  }

  /** Called once the planned append is durable: forgets deleted elements. */
  committed(): void {
    for (const [kind, id] of this.#evict) {
      const st = this.#states[kind].get(id);
      if (st !== undefined && st.gone) this.#states[kind].delete(id);
    }
    this.#evict = [];
  }

  /** Forgets everything (after a failed append, the store is the only truth). */
  reset(): void {
    this.#states[NODE].clear();
    this.#states[EDGE].clear();
    this.#sources.clear();
    this.#evict = [];
  }

  /** Elements the planner holds state for. */
  get size(): number {
    return this.#states[NODE].size + this.#states[EDGE].size;
  }

  #sid(host: string, origin: string): number | undefined {
    return this.#sources.get(host)?.get(origin);
  }

  #insert(plan: WritePlan, pending: Map<number, RevisionRow>, st: ElementState, el: Node | Edge, kind: Kind, seq: number, deletedAt: number | null): void {
    let meta: string | undefined;
    let base: number | null = null;
    const kf = st.keyframe;
    if (kf !== undefined && kf.deltas < KEYFRAME_INTERVAL) {
      const text = JSON.stringify(diffMetadata(kf.metadata, el.Metadata));
      if (text.length * 2 < kf.size) {
        meta = text;
        base = kf.seq;
        kf.deltas++;
      }
    }
    if (meta === undefined) {
      meta = JSON.stringify(el.Metadata);
      st.keyframe = { seq, metadata: el.Metadata, size: meta.length, deltas: 0 };
    }
    const row: RevisionRow = {
      seq, kind, eid: st.eid, sid: this.#sid(el.Host, el.Origin) as number,
      createdAt: el.CreatedAt, updatedAt: el.UpdatedAt, deletedAt, revision: el.Revision,
      parent: kind === EDGE ? (el as Edge).Parent : null, child: kind === EDGE ? (el as Edge).Child : null, meta, base,
    };
    plan.inserts.push(row);
    pending.set(seq, row);
    st.last = { seq, revision: el.Revision, updatedAt: el.UpdatedAt, deletedAt };
    st.lastMetadata = el.Metadata;
  }

  #setRowDeleted(plan: WritePlan, pending: Map<number, RevisionRow>, st: ElementState, at: number | null): void {
    const last = st.last as LastRevision;
    const row = pending.get(last.seq);
    if (row !== undefined) row.deletedAt = at;
    else plan.rowDeletions.set(last.seq, at);
    st.last = { ...last, deletedAt: at };
  }

  #setGone(plan: WritePlan, st: ElementState, at: number | null): void {
    st.gone = at !== null;
    plan.elementGone.set(st.eid, at);
  }
}
