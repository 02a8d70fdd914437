// The history semantics of reference §2.7 over a SQL row backend: appends planned into keyframe/delta rows and
// committed durably in order; reads of an instant or a window rebuilt into elements.
import { AppError } from '@topoflow/common';
import { GraphErrors, graphError } from '../errors.js';
import type { GraphEvent } from '../events.js';
import type { Edge, Metadata, Node } from '../model.js';
import { applyDelta, parseDelta, parseMetadata } from './encoding.js';
import { RevisionPlanner } from './planner.js';
import { EDGE, type RowBackend, type StoredRow } from './rows.js';
import type { HistorySnapshot, HistoryStore, PrunePolicy, PruneResult, ReadLimits, StoreStats, TimeSlice } from './store.js';

/** Settings of a row store. */
export interface RowHistoryStoreConfig {
  /** Revisions one read may return when the caller sets no limit. */
  maxRevisions: number;
  /** Parsed keyframes kept in memory for reads. */
  keyframeCache: number;
}

/** Default settings. */
export function defaultRowHistoryStoreConfig(): RowHistoryStoreConfig {
  return { maxRevisions: 1_000_000, keyframeCache: 20_000 };
}

const END_OF_TIME = Number.MAX_SAFE_INTEGER;

/** A HistoryStore over any RowBackend. */
export class RowHistoryStore implements HistoryStore {
  readonly #backend: RowBackend;
  readonly #config: RowHistoryStoreConfig;
  readonly #planner = new RevisionPlanner();
  readonly #keyframes = new Map<number, Metadata>();
  #queue: Promise<void> = Promise.resolve();
  #open = false;

  constructor(backend: RowBackend, config: Partial<RowHistoryStoreConfig> = {}) {
    this.#backend = backend;
    this.#config = { ...defaultRowHistoryStoreConfig(), ...config };
  }

  get backend(): string {
    return this.#backend.name;
  }

  async open(): Promise<void> {
    if (this.#open) return;
    await this.#backend.open();
    this.#open = true;
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.#queue;
    await this.#backend.close();
  }

  append(events: readonly GraphEvent[]): Promise<void> {
    if (!this.#open) return Promise.reject(graphError(GraphErrors.HISTORY_CLOSED, 'the history store is not open'));
    if (events.length === 0) return this.#queue;
    const run = this.#queue.then(() => this.#append(events));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #append(events: readonly GraphEvent[]): Promise<void> {
    const planner = this.#planner;
    try {
      await this.#backend.transaction(async (tx) => {
        const unknown = planner.unknowns(events);
        if (unknown.elements.length > 0 || unknown.sources.length > 0) {
          const elements = unknown.elements.length > 0 ? await tx.resolveElements(unknown.elements) : [];
          const sids = unknown.sources.length > 0 ? await tx.resolveSources(unknown.sources) : [];
          planner.learn(unknown, elements, sids);
        }
        const plan = planner.plan(events, await tx.allocateSeqs(events.length));
        await tx.write(plan);
      });
      planner.committed();
    } catch (err) {
      planner.reset();
      throw wrap(err, GraphErrors.HISTORY_WRITE_FAILED, 'storing graph revisions failed');
    }
  }

  async read(slice: TimeSlice, limits: ReadLimits = {}): Promise<HistorySnapshot> {
    this.#checkOpen();
    const max = limits.maxRevisions ?? this.#config.maxRevisions;
    let rows: StoredRow[];
    try {
      if (slice.point) {
        rows = await this.#backend.latestRows(slice.end, true, max + 1);
      } else {
        const before = await this.#backend.latestRows(slice.start, false, max + 1);
        before.sort((a, b) => a.updatedAt - b.updatedAt || a.seq - b.seq);
        const within = before.length > max ? [] : await this.#backend.rowsBetween(slice.start, slice.end, max + 1 - before.length);
        rows = before.concat(within);
      }
    } catch (err) {
      throw wrap(err, GraphErrors.HISTORY_READ_FAILED, 'reading graph history failed');
    }
    if (rows.length > max) {
      throw graphError(GraphErrors.HISTORY_WINDOW_TOO_LARGE,
        `the time window holds more than ${max} revisions; narrow it`, { maxRevisions: max });
    }
    return this.#decode(rows, await this.#loadKeyframes(rows));
  }

  /**
   * The keyframes `rows` need, by seq: cached ones taken now, so that keyframes the decoding adds to the cache cannot
   * evict one before its rows are decoded; the texts of the others, joined to the rows or fetched.
   */
  async #loadKeyframes(rows: readonly StoredRow[]): Promise<Map<number, Metadata | string>> {
    const needed = new Map<number, Metadata | string>();
    const missing = new Set<number>();
    for (const r of rows) {
      if (r.base === null || needed.has(r.base)) continue;
      const known = this.#keyframes.get(r.base) ?? r.baseMeta ?? undefined;
      if (known !== undefined) needed.set(r.base, known);
      else missing.add(r.base);
    }
    const fetch = this.#backend.keyframes?.bind(this.#backend);
    if (missing.size === 0 || fetch === undefined) return needed;
    try {
      for (const [seq, text] of await fetch([...missing])) needed.set(seq, text);
    } catch (err) {
      throw wrap(err, GraphErrors.HISTORY_READ_FAILED, 'reading graph history failed');
    }
    return needed;
  }

  async live(): Promise<HistorySnapshot> {
    this.#checkOpen();
    let rows: StoredRow[];
    try {
      rows = await this.#backend.latestRows(END_OF_TIME, true, END_OF_TIME, true);
    } catch (err) {
      throw wrap(err, GraphErrors.HISTORY_READ_FAILED, 'reading live elements from history failed');
    }
    return this.#decode(rows, await this.#loadKeyframes(rows));
  }

  async prune(policy: PrunePolicy): Promise<PruneResult> {
    this.#checkOpen();
    const b = this.#backend;
    let removed = 0;
    let horizon = 0;
    if (policy.before !== undefined) {
      removed += await b.pruneBefore(policy.before);
      horizon = policy.before;
    }
    if (policy.maxBytes !== undefined) {
      const s = await b.stats();
      if (s.bytes > policy.maxBytes) {
        const rows = s.nodeRevisions + s.edgeRevisions;
        const cut = await b.updatedAtAtOffset(Math.ceil(rows * (1 - (0.8 * policy.maxBytes) / s.bytes)));
        if (cut !== undefined) {
          removed += await b.pruneBefore(cut);
          horizon = Math.max(horizon, cut);
        }
      }
    }
    if (removed > 0) {
      this.#keyframes.clear();
      await b.compact();
    }
    return { revisions: removed, horizon: removed > 0 ? horizon : 0, bytes: (await b.stats()).bytes };
  }

  async stats(): Promise<StoreStats> {
    this.#checkOpen();
    return this.#backend.stats();
  }

  #checkOpen(): void {
    if (!this.#open) throw graphError(GraphErrors.HISTORY_CLOSED, 'the history store is not open');
  }

  #decode(rows: readonly StoredRow[], keyframes: Map<number, Metadata | string>): HistorySnapshot {
    const nodes: Node[] = [];
    const edges: Edge[] = [];
    for (const r of rows) {
      let Metadata: Metadata;
      try {
        // A keyframe row is cached as the keyframe it is for later deltas; the copy keeps the cached object private.
        Metadata = r.base === null ? { ...this.#keyframe(r.seq, r.meta) } : applyDelta(this.#baseOf(r.base, keyframes), parseDelta(r.meta));
      } catch (err) {
        throw graphError(GraphErrors.HISTORY_CORRUPT, `stored revision ${r.revision} of ${r.id} cannot be read`,
          { id: r.id, seq: r.seq, reason: (err as Error).message });
      }
      const common = { ID: r.id, Metadata, Host: r.host, Origin: r.origin, CreatedAt: r.createdAt, UpdatedAt: r.updatedAt, DeletedAt: r.deletedAt, Revision: r.revision };
      if (r.kind === EDGE) edges.push({ ...common, Parent: r.parent ?? '', Child: r.child ?? '' });
      else nodes.push(common);
    }
    return { nodes, edges };
  }

  /** The parsed keyframe `seq` from what #loadKeyframes gathered, parsed (and cached) on first use. */
  #baseOf(seq: number, keyframes: Map<number, Metadata | string>): Metadata {
    const k = keyframes.get(seq);
    if (typeof k !== 'string') return k ?? this.#keyframe(seq, null);
    const md = this.#keyframe(seq, k);
    keyframes.set(seq, md);
    return md;
  }

  #keyframe(seq: number, text: string | null): Metadata {
    // A keyframe cached before a prune may have gone with it, but then no row read after the prune needs it.
    const cached = this.#keyframes.get(seq);
    if (cached !== undefined) return cached;
    if (text === null) throw new Error(`keyframe ${seq} is missing`);
    const md = parseMetadata(text);
    if (this.#keyframes.size >= this.#config.keyframeCache) {
      const oldest = this.#keyframes.keys().next().value;
      if (oldest !== undefined) this.#keyframes.delete(oldest);
    }
    this.#keyframes.set(seq, md);
    return md;
  }
}

function wrap(err: unknown, code: (typeof GraphErrors)[keyof typeof GraphErrors], message: string): AppError {
  if (err instanceof AppError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return graphError(code, `${message}: ${reason}`, { reason }, err);
}
