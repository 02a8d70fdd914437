// The read-only connection of the SQLite history store: it sees committed transactions only, so a read never
// meets an append in progress, whichever thread writes. Rows come back as arrays with integer element and source
// ids, resolved from caches: a window of 35,000 rows names only the 15,000 elements it holds.
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Kind, RowSource, StoredRow } from '../rows.js';
import { RAW_COLUMNS } from './schema.js';

type Db = Database.Database;
type Stmt = Database.Statement;
/** A row as RAW_COLUMNS selects it. */
type RawRow = [number, number, number, number, number, number | null, number, string | null, string | null, string, number | null];

/** Elements and sources remembered at most; beyond, the cache starts again (ids are fetched as rows need them). */
const CACHE_MAX = 1_000_000;

const LATEST = (op: '<=' | '<', liveOnly: boolean) => `SELECT ${RAW_COLUMNS} FROM elements e
  JOIN revisions r ON r.seq = (SELECT x.seq FROM revisions x WHERE x.eid = e.eid AND x.updated_at ${op} @t
    ORDER BY x.updated_at DESC, x.seq DESC LIMIT 1)
  WHERE ${liveOnly ? 'e.gone_at IS NULL AND r.deleted_at IS NULL' : `e.first_at <= @t AND (e.gone_at IS NULL OR e.gone_at >= @t)
    AND (r.deleted_at IS NULL OR r.deleted_at >= @t)`}
  LIMIT @limit`;

/** Reads the history file (which the writer must have created). */
export class SqliteReader implements RowSource {
  readonly #path: string;
  readonly #cacheKiB: number;
  #db: Db | undefined;
  /** Reads inside the shared read transaction. */
  #readers = 0;
  #stmts: Record<string, Stmt> = {};
  readonly #elements = new Map<number, readonly [Kind, string]>();
  readonly #sources = new Map<number, readonly [string, string]>();

  constructor(path: string, cacheKiB: number) {
    this.#path = path;
    this.#cacheKiB = cacheKiB;
  }

  open(): void {
    if (this.#db !== undefined) return;
    const db = new Database(this.#path, { readonly: true, timeout: 5000 });
    try {
      db.pragma(`cache_size = -${this.#cacheKiB}`);
      this.#stmts = {
        latestIncl: db.prepare(LATEST('<=', false)).raw(),
        latestExcl: db.prepare(LATEST('<', false)).raw(),
        latestLive: db.prepare(LATEST('<=', true)).raw(),
        between: db.prepare(`SELECT ${RAW_COLUMNS} FROM revisions r
          WHERE r.updated_at BETWEEN ? AND ? ORDER BY r.updated_at, r.seq LIMIT ?`).raw(),
        elements: db.prepare('SELECT eid, kind, id FROM elements WHERE eid IN (SELECT value FROM json_each(?))').raw(),
        sources: db.prepare('SELECT sid, host, origin FROM sources WHERE sid IN (SELECT value FROM json_each(?))').raw(),
        keyframes: db.prepare('SELECT seq, meta FROM revisions WHERE seq IN (SELECT value FROM json_each(?))').raw(),
        offset: db.prepare('SELECT updated_at FROM revisions ORDER BY updated_at LIMIT 1 OFFSET ?').pluck(),
      };
    } catch (err) {
      db.close();
      throw err;
    }
    this.#db = db;
  }

  close(): void {
    this.#db?.close();
    this.#db = undefined;
    this.#stmts = {};
    this.forget();
  }

  /** Drops the cached element and source ids (pruning deletes elements, and SQLite may reuse their ids). */
  forget(): void {
    this.#elements.clear();
    this.#sources.clear();
  }

  #use(): Record<string, Stmt> {
    if (this.#db === undefined) throw new Error('the SQLite history store is closed');
    return this.#stmts;
  }

  /**
   * Runs `fn`'s reads in one read transaction, so a read made of several statements sees one committed state
   * although the writer commits meanwhile (reads already inside one join it).
   */
  async snapshot<T>(fn: () => Promise<T>): Promise<T> {
    const db = this.#db;
    if (db === undefined) return fn();
    // Concurrent reads share the transaction; the last one to finish ends it, so none sees a later state midway.
    if (this.#readers === 0 && !db.inTransaction) db.exec('BEGIN');
    this.#readers++;
    try {
      return await fn();
    } finally {
      this.#readers--;
      if (this.#readers === 0 && db.open && db.inTransaction) db.exec('COMMIT');
    }
  }

  async latestRows(t: number, inclusive: boolean, limit: number, liveOnly = false): Promise<StoredRow[]> {
    const s = this.#use();
    const stmt = liveOnly ? s.latestLive : inclusive ? s.latestIncl : s.latestExcl;
    return this.#toRows(stmt!.all({ t, limit: Math.min(limit, Number.MAX_SAFE_INTEGER) }) as RawRow[]);
  }

  async keyframes(seqs: readonly number[]): Promise<Map<number, string>> {
    const rows = this.#use().keyframes!.all(JSON.stringify(seqs)) as Array<[number, string]>;
    return new Map(rows);
  }

  async rowsBetween(start: number, end: number, limit: number): Promise<StoredRow[]> {
    return this.#toRows(this.#use().between!.all(start, end, limit) as RawRow[]);
  }

  /** Rows with their element and source names, fetching the ids not cached yet. */
  #toRows(raw: readonly RawRow[]): StoredRow[] {
    this.#learn(raw);
    const out = new Array<StoredRow>(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const [seq, eid, sid, createdAt, updatedAt, deletedAt, revision, parent, child, meta, base] = raw[i] as RawRow;
      const [kind, id] = this.#elements.get(eid) as readonly [Kind, string];
      const [host, origin] = this.#sources.get(sid) as readonly [string, string];
      out[i] = { seq, kind, id, host, origin, createdAt, updatedAt, deletedAt, revision, parent, child, meta, base };
    }
    return out;
  }

  #learn(raw: readonly RawRow[]): void {
    const eids = new Set<number>();
    const sids = new Set<number>();
    for (const r of raw) {
      if (!this.#elements.has(r[1])) eids.add(r[1]);
      if (!this.#sources.has(r[2])) sids.add(r[2]);
    }
    const s = this.#use();
    if (eids.size > 0) {
      if (this.#elements.size + eids.size > CACHE_MAX) this.#elements.clear();
      for (const [eid, kind, id] of s.elements!.all(JSON.stringify([...eids])) as Array<[number, Kind, string]>) this.#elements.set(eid, [kind, id]);
    }
    if (sids.size > 0) {
      if (this.#sources.size + sids.size > CACHE_MAX) this.#sources.clear();
      for (const [sid, host, origin] of s.sources!.all(JSON.stringify([...sids])) as Array<[number, string, string]>) this.#sources.set(sid, [host, origin]);
    }
  }

  async updatedAtAtOffset(rows: number): Promise<number | undefined> {
    return this.#use().offset!.get(rows) as number | undefined;
  }

  /** Bytes in use: the database's pages less the free ones, plus the WAL. */
  bytes(): number {
    const db = this.#db;
    if (db === undefined) throw new Error('the SQLite history store is closed');
    return sqliteBytes(db, this.#path);
  }
}

/** Bytes an SQLite database in WAL mode uses: its pages in use plus its write-ahead log. */
export function sqliteBytes(db: Database.Database, path: string): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  let wal = 0;
  try {
    wal = statSync(`${path}-wal`).size;
  } catch {
    wal = 0;
  }
  return (pages - free) * pageSize + wal;
}
