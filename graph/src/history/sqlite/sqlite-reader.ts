// The read-only connection of the SQLite history store: it sees committed transactions only, so a read never
// meets an append in progress, whichever thread writes.
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { RowSource, StoredRow } from '../rows.js';
import { ROW_COLUMNS, ROW_JOINS } from './schema.js';

type Db = Database.Database;
type Stmt = Database.Statement;

const LATEST = (op: '<=' | '<', liveOnly: boolean) => `SELECT ${ROW_COLUMNS} FROM elements e
  JOIN revisions r ON r.seq = (SELECT x.seq FROM revisions x WHERE x.eid = e.eid AND x.updated_at ${op} @t
    ORDER BY x.updated_at DESC, x.seq DESC LIMIT 1)
  JOIN sources s ON s.sid = r.sid
  WHERE ${liveOnly ? 'e.gone_at IS NULL AND r.deleted_at IS NULL' : `e.first_at <= @t AND (e.gone_at IS NULL OR e.gone_at >= @t)
    AND (r.deleted_at IS NULL OR r.deleted_at >= @t)`}
  LIMIT @limit`;

/** Reads the history file (which the writer must have created). */
export class SqliteReader implements RowSource {
  readonly #path: string;
  readonly #cacheKiB: number;
  #db: Db | undefined;
  #stmts: Record<string, Stmt> = {};

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
        latestIncl: db.prepare(LATEST('<=', false)),
        latestExcl: db.prepare(LATEST('<', false)),
        latestLive: db.prepare(LATEST('<=', true)),
        between: db.prepare(`SELECT ${ROW_COLUMNS} FROM revisions r ${ROW_JOINS}
          WHERE r.updated_at BETWEEN ? AND ? ORDER BY r.updated_at, r.seq LIMIT ?`),
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
    if (db === undefined || db.inTransaction) return fn();
    db.exec('BEGIN');
    try {
      return await fn();
    } finally {
      if (db.open && db.inTransaction) db.exec('COMMIT');
    }
  }

  async latestRows(t: number, inclusive: boolean, limit: number, liveOnly = false): Promise<StoredRow[]> {
    const s = this.#use();
    const stmt = liveOnly ? s.latestLive : inclusive ? s.latestIncl : s.latestExcl;
    return stmt!.all({ t, limit: Math.min(limit, Number.MAX_SAFE_INTEGER) }) as StoredRow[];
  }

  async keyframes(seqs: readonly number[]): Promise<Map<number, string>> {
    const rows = this.#use().keyframes!.all(JSON.stringify(seqs)) as Array<[number, string]>;
    return new Map(rows);
  }

  async rowsBetween(start: number, end: number, limit: number): Promise<StoredRow[]> {
    return this.#use().between!.all(start, end, limit) as StoredRow[];
  }

  async updatedAtAtOffset(rows: number): Promise<number | undefined> {
    return this.#use().offset!.get(rows) as number | undefined;
  }

  /** Bytes in use: the database's pages less the free ones, plus the WAL. */
  bytes(): number {
    const db = this.#db;
    if (db === undefined) throw new Error('the SQLite history store is closed');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    let wal = 0;
    try {
      wal = statSync(`${this.#path}-wal`).size;
    } catch {
      wal = 0;
    }
    return (pages - free) * pageSize + wal;
  }
}
