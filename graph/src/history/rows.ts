// The row model shared by the SQL backends: one row per stored revision, keyed by an integer element id, with
// metadata stored whole (a keyframe) or as the top-level keys that differ from an earlier keyframe (a delta).

/** Element kinds as stored. */
export const NODE = 0;
export const EDGE = 1;
/** 0 for nodes, 1 for edges. */
export type Kind = typeof NODE | typeof EDGE;

/** The newest stored revision of an element, as the writer needs it. */
export interface LastRevision {
  readonly seq: number;
  readonly revision: number;
  readonly updatedAt: number;
  readonly deletedAt: number | null;
}

/** An element row (its integer id) and its newest revision, if any. */
export interface ResolvedElement {
  readonly eid: number;
  readonly last: LastRevision | undefined;
  /** True when the element is marked deleted (gone_at set). */
  readonly gone: boolean;
}

/** An element to find or create. */
export interface ElementKey {
  readonly kind: Kind;
  readonly id: string;
  /** Creation time of the revision that made the writer ask (first_at of a new element). */
  readonly createdAt: number;
}

/** A (host, origin) pair, stored once and referenced by rows. */
export interface SourceKey {
  readonly host: string;
  readonly origin: string;
}

/** One revision row to insert. */
export interface RevisionRow {
  readonly seq: number;
  readonly kind: Kind;
  readonly eid: number;
  readonly sid: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  deletedAt: number | null;
  readonly revision: number;
  readonly parent: string | null;
  readonly child: string | null;
  /** Metadata JSON (keyframe) or delta JSON `[sets, deletes?]` against the row `base`. */
  readonly meta: string;
  readonly base: number | null;
}

/** Everything one append writes, in one transaction. */
export interface WritePlan {
  readonly inserts: RevisionRow[];
  /** deleted_at of rows stored by earlier appends: a number closes the row, null reopens it. */
  readonly rowDeletions: Map<number, number | null>;
  /** gone_at of elements: the deletion time, or null when the element lives again. */
  readonly elementGone: Map<number, number | null>;
}

/** A revision row read back, with what is needed to rebuild the element. */
export interface StoredRow {
  readonly seq: number;
  readonly kind: Kind;
  readonly id: string;
  readonly host: string;
  readonly origin: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly deletedAt: number | null;
  readonly revision: number;
  readonly parent: string | null;
  readonly child: string | null;
  readonly meta: string;
  readonly base: number | null;
  /** Metadata JSON of the keyframe `base`, when the backend joins it (null for keyframes). */
  readonly baseMeta?: string | null;
}

/** The writes of one append, made inside one transaction by a backend. */
export interface WriteTransaction {
  /** Finds or creates the elements (in the order given). */
  resolveElements(keys: readonly ElementKey[]): Promise<ResolvedElement[]>;
  /** Finds or creates the sources (in the order given). */
  resolveSources(keys: readonly SourceKey[]): Promise<number[]>;
  /** `n` new, increasing row sequence numbers. */
  allocateSeqs(n: number): Promise<number[]>;
  /** Writes the plan. */
  write(plan: WritePlan): Promise<void>;
}

/** Size figures of a backend. */
export interface BackendStats {
  readonly bytes: number;
  readonly nodeRevisions: number;
  readonly edgeRevisions: number;
  readonly elements: number;
}

/** The reads of a SQL backend. */
export interface RowSource {
  /**
   * Per element, the newest row with updated_at <= t (< t when not `inclusive`), kept when it was not deleted
   * before t; `liveOnly` keeps only elements not deleted at all. At most `limit` rows.
   */
  latestRows(t: number, inclusive: boolean, limit: number, liveOnly?: boolean): Promise<StoredRow[]>;
  /**
   * Metadata JSON of the given keyframe rows. A backend offering it returns rows without `baseMeta`, so a read
   * moves each keyframe once instead of once per delta.
   */
  keyframes?(seqs: readonly number[]): Promise<Map<number, string>>;
  /** Rows with start <= updated_at <= end, by updated_at then seq. At most `limit` rows. */
  rowsBetween(start: number, end: number, limit: number): Promise<StoredRow[]>;
  /** The updated_at below which about `rows` rows lie (undefined when the store holds fewer). */
  updatedAtAtOffset(rows: number): Promise<number | undefined>;
}

/** The writes of a SQL backend. */
export interface RowSink {
  /** Runs `fn` in one durable transaction (committed and synced when the promise resolves), rolled back if it throws. */
  transaction(fn: (tx: WriteTransaction) => Promise<void>): Promise<void>;
  /**
   * Deletes rows no read at or after `before` can see, returns the count: rows older than `before` that were
   * replaced before it, or deleted before it. The newest row before `before` stays (a window starting at
   * `before` sees it), and so do keyframes that kept rows need.
   */
  pruneBefore(before: number): Promise<number>;
  /** Returns freed space to the system where the backend can. */
  compact(): Promise<void>;
}

/** What a SQL backend implements; RowHistoryStore builds the history semantics on top. */
export interface RowBackend extends RowSource, RowSink {
  readonly name: string;
  open(): Promise<void>;
  close(): Promise<void>;
  stats(): Promise<BackendStats>;
}
