// The history store: every revision of every element with its validity, read back as the graph at an instant
// or during a window (reference §2.7). Backends (SQLite, PostgreSQL) implement it and pass one conformance suite.
import type { GraphEvent } from '../events.js';
import type { Edge, Node } from '../model.js';

/** A time window in epoch ms; `point` for `At(t)` (start = end = t), false for `At(t, d)` (every revision). */
export interface TimeSlice {
  readonly start: number;
  readonly end: number;
  readonly point: boolean;
}

/** Revisions read from the store: one per element for a point, every visible one (by UpdatedAt) for a range. */
export interface HistorySnapshot {
  readonly nodes: Node[];
  readonly edges: Edge[];
}

/** Bounds of one read. */
export interface ReadLimits {
  /** Revisions a read may return at most; above, it fails with HISTORY_WINDOW_TOO_LARGE. */
  readonly maxRevisions?: number;
}

/** What a retention pass should remove: revisions no longer visible at `before`, then the oldest until `maxBytes`. */
export interface PrunePolicy {
  /** Epoch ms: drop what nothing at or after this instant can see. */
  readonly before?: number;
  /** Target size in bytes; older history is dropped until the store is below it. */
  readonly maxBytes?: number;
}

/** What a retention pass did. */
export interface PruneResult {
  /** Revisions removed. */
  readonly revisions: number;
  /** The instant before which history is no longer exact (0 when nothing was removed). */
  readonly horizon: number;
  /** Bytes of the store after compaction. */
  readonly bytes: number;
}

/** Size and content of the store. */
export interface StoreStats {
  readonly bytes: number;
  readonly nodeRevisions: number;
  readonly edgeRevisions: number;
  /** Distinct element IDs ever stored (and not pruned). */
  readonly elements: number;
}

/** A persistent history of graph revisions. */
export interface HistoryStore {
  /** Backend name ('sqlite', 'postgres'). */
  readonly backend: string;
  /** Opens (and creates or migrates) the store. */
  open(): Promise<void>;
  /** Closes it; idempotent. */
  close(): Promise<void>;
  /**
   * Stores graph events in order; resolves once they are durable (written and synced). An add or update that
   * repeats the newest stored revision stores nothing; an add of a revision the store had closed reopens it.
   */
  append(events: readonly GraphEvent[]): Promise<void>;
  /** The graph at `slice.start` (point) or every revision visible during [start, end] (range). */
  read(slice: TimeSlice, limits?: ReadLimits): Promise<HistorySnapshot>;
  /** The newest revision of every element not deleted, for restoring the live graph at start. */
  live(): Promise<HistorySnapshot>;
  /** Removes old history per the policy, then compacts. */
  prune(policy: PrunePolicy): Promise<PruneResult>;
  /** Size and row counts. */
  stats(): Promise<StoreStats>;
}
