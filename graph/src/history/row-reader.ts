// The read half of a row store: an instant or a window read as rows and rebuilt into elements, with parsed
// keyframes cached across reads.
import type { AppError } from '@topoflow/common';
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
  /** Keyframes by seq: parsed, or their text until a read needs their metadata. */
  readonly #keyframes = new Map<number, Metadata | string>();

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
    return this.#decode(rows, await this.#loadKeyframes(rows), true);
  }

  /** The newest revision of every live element (HistoryStore.live), decoded at once (it fills the live graph). */
  async live(): Promise<HistorySnapshot> {
    let rows: StoredRow[];
    try {
      rows = await this.#source.latestRows(END_OF_TIME, true, END_OF_TIME, true);
    } catch (err) {
      throw historyError(err, GraphErrors.HISTORY_READ_FAILED, 'reading live elements from history failed');
    }
    return this.#decode(rows, await this.#loadKeyframes(rows), false);
  }

  /** Drops the parsed keyframes (after a prune removed rows). */
  forget(): void {
    this.#keyframes.clear();
  }

  /**
   * The keyframes `rows` need, by seq: cached ones taken now, so that keyframes parsed meanwhile cannot evict one
   * before its rows are decoded; the texts of the others, joined to the rows or fetched.
   */
  async #loadKeyframes(rows: readonly StoredRow[]): Promise<Map<number, Keyframe>> {
    const needed = new Map<number, Keyframe>();
    const missing: number[] = [];
    for (const r of rows) {
      if (r.base === null || needed.has(r.base)) continue;
      const known = this.#keyframes.get(r.base) ?? r.baseMeta ?? undefined;
      if (known !== undefined) needed.set(r.base, new Keyframe(this, r.base, known));
      else missing.push(r.base);
    }
    const fetch = this.#source.keyframes?.bind(this.#source);
    if (missing.length === 0 || fetch === undefined) return needed;
    try {
      for (const [seq, text] of await fetch(missing)) {
        needed.set(seq, new Keyframe(this, seq, text));
        this.remember(seq, text);
      }
    } catch (err) {
      throw historyError(err, GraphErrors.HISTORY_READ_FAILED, 'reading graph history failed');
    }
    return needed;
  }

  /**
   * Elements of `rows`. Metadata is rebuilt when first read (`lazy`), so a query that only counts or follows edges
   * parses nothing; every row keeps the keyframe it needs, whatever the cache evicts meanwhile.
   */
  #decode(rows: readonly StoredRow[], keyframes: Map<number, Keyframe>, lazy: boolean): HistorySnapshot {
    const nodes: Node[] = [];
    const edges: Edge[] = [];
    for (const r of rows) {
      let kf: Keyframe;
      if (r.base === null) kf = new Keyframe(this, r.seq, this.#keyframes.get(r.seq) ?? r.meta);
      else {
        const found = keyframes.get(r.base);
        if (found === undefined) throw corrupt(r, `keyframe ${r.base} is missing`);
        kf = found;
      }
      const el = lazy ? lazyElement(r, kf) : elementOf(r, metadataOf(r, kf));
      if (r.kind === EDGE) edges.push(el as Edge);
      else nodes.push(el);
    }
    return { nodes, edges };
  }

  /** Caches a keyframe, parsed or as text (the oldest goes first when full). */
  remember(seq: number, value: Metadata | string): void {
    const known = this.#keyframes.get(seq);
    if (known !== undefined) {
      if (typeof known === 'string' && typeof value !== 'string') this.#keyframes.set(seq, value);
      return;
    }
    if (this.#keyframes.size >= this.#config.keyframeCache) {
      const oldest = this.#keyframes.keys().next().value;
      if (oldest !== undefined) this.#keyframes.delete(oldest);
    }
    this.#keyframes.set(seq, value);
  }
}

/** A keyframe one read needs: parsed once, on first use, then cached by the reader. */
class Keyframe {
  readonly #reader: RowReader;
  readonly #seq: number;
  #value: Metadata | string;

  constructor(reader: RowReader, seq: number, value: Metadata | string) {
    this.#reader = reader;
    this.#seq = seq;
    this.#value = value;
  }

  get metadata(): Metadata {
    if (typeof this.#value !== 'string') return this.#value;
    const md = parseMetadata(this.#value);
    this.#value = md;
    this.#reader.remember(this.#seq, md);
    return md;
  }
}

function corrupt(r: StoredRow, reason: string): AppError {
  return graphError(GraphErrors.HISTORY_CORRUPT, `stored revision ${r.revision} of ${r.id} cannot be read`, { id: r.id, seq: r.seq, reason });
}

/** The metadata of row `r`: its keyframe copied (the cached object stays private), or the keyframe with its delta. */
function metadataOf(r: StoredRow, kf: Keyframe): Metadata {
  try {
    return r.base === null ? { ...kf.metadata } : applyDelta(kf.metadata, parseDelta(r.meta));
  } catch (err) {
    throw corrupt(r, (err as Error).message);
  }
}

/** The element of `r` with its metadata. */
function elementOf(r: StoredRow, Metadata: Metadata): Node | Edge {
  const common = { ID: r.id, Metadata, Host: r.host, Origin: r.origin, CreatedAt: r.createdAt, UpdatedAt: r.updatedAt, DeletedAt: r.deletedAt, Revision: r.revision };
  return r.kind === EDGE ? { ...common, Parent: r.parent ?? '', Child: r.child ?? '' } : common;
}

/** The element of `r` with Metadata as an own enumerable getter that rebuilds it once and keeps it. */
function lazyElement(r: StoredRow, kf: Keyframe): Node | Edge {
  const el = {
    ID: r.id,
    get Metadata(): Metadata {
      const md = metadataOf(r, kf);
      Object.defineProperty(el, 'Metadata', { value: md, enumerable: true, writable: true, configurable: true });
      return md;
    },
    Host: r.host, Origin: r.origin, CreatedAt: r.createdAt, UpdatedAt: r.updatedAt, DeletedAt: r.deletedAt, Revision: r.revision,
  };
  if (r.kind !== EDGE) return el;
  return Object.assign(el, { Parent: r.parent ?? '', Child: r.child ?? '' });
}
