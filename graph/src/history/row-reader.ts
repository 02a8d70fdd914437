// The read half of a row store: an instant or a window read as rows and rebuilt into elements, with parsed
// keyframes cached across reads.
import { GraphErrors, graphError } from '../errors.js';
import type { Edge, Metadata, Node } from '../model.js';
import { applyDelta, parseDelta, parseMetadata } from './encoding.js';
import { historyError } from './row-writer.js';
import { EDGE, type RowSource, type StoredRow } from './rows.js';
import type { HistorySnapshot, ReadLimits, TimeSlice } from './store.js';

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

/** Reads a RowSource as history snapshots. */
export class RowReader {
  readonly #source: RowSource;
  readonly #config: RowHistoryStoreConfig;
  readonly #keyframes = new Map<number, Metadata>();

  constructor(source: RowSource, config: RowHistoryStoreConfig) {
    this.#source = source;
    this.#config = config;
  }

  /** The graph at an instant or during a window (HistoryStore.read). */
  async read(slice: TimeSlice, limits: ReadLimits = {}): Promise<HistorySnapshot> {
    const max = limits.maxRevisions ?? this.#config.maxRevisions;
    let rows: StoredRow[];
    try {
      if (slice.point) {
        rows = await this.#source.latestRows(slice.end, true, max + 1);
      } else {
        const before = await this.#source.latestRows(slice.start, false, max + 1);
        before.sort((a, b) => a.updatedAt - b.updatedAt || a.seq - b.seq);
        const within = before.length > max ? [] : await this.#source.rowsBetween(slice.start, slice.end, max + 1 - before.length);
        rows = before.concat(within);
      }
    } catch (err) {
      throw historyError(err, GraphErrors.HISTORY_READ_FAILED, 'reading graph history failed');
    }
    if (rows.length > max) {
      throw graphError(GraphErrors.HISTORY_WINDOW_TOO_LARGE,
        `the time window holds more than ${max} revisions; narrow it`, { maxRevisions: max });
    }
    return this.#decode(rows, await this.#loadKeyframes(rows));
  }

  /** The newest revision of every live element (HistoryStore.live). */
  async live(): Promise<HistorySnapshot> {
    let rows: StoredRow[];
    try {
      rows = await this.#source.latestRows(END_OF_TIME, true, END_OF_TIME, true);
    } catch (err) {
      throw historyError(err, GraphErrors.HISTORY_READ_FAILED, 'reading live elements from history failed');
    }
    return this.#decode(rows, await this.#loadKeyframes(rows));
  }

  /** Drops the parsed keyframes (after a prune removed rows). */
  forget(): void {
    this.#keyframes.clear();
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
    const fetch = this.#source.keyframes?.bind(this.#source);
    if (missing.size === 0 || fetch === undefined) return needed;
    try {
      for (const [seq, text] of await fetch([...missing])) needed.set(seq, text);
    } catch (err) {
      throw historyError(err, GraphErrors.HISTORY_READ_FAILED, 'reading graph history failed');
    }
    return needed;
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
