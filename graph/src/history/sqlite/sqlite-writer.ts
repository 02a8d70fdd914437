// The write connection of the SQLite history store: creates or checks the schema, runs each append in one
// transaction synced on commit (WAL, synchronous=FULL), prunes and compacts, and keeps the row counts. Its steps
// are callable one by one, for a transaction driven from another thread.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type PruneRow, byElement, prunable } from '../prune.js';
import type { ElementKey, ResolvedElement, RowSink, SourceKey, WritePlan, WriteTransaction } from '../rows.js';
import { EDGE } from '../rows.js';
import { ROW_NUMS, type RowColumns } from './row-columns.js';
import { SCHEMA, SCHEMA_VERSION } from './schema.js';

/** Settings of the SQLite backend. */
export interface SqliteBackendConfig {
  /** Database file (created with its directory); ':memory:' is refused because reads use a second connection. */
  path: string;
  /** Page cache of each connection, in KiB. */
  cacheKiB: number;
  /** Rows a pruning step deletes per transaction. */
  pruneChunk: number;
}

/**
 * WAL pages after which a commit checkpoints. A batch of 10,000 revisions dirties about 1,000 pages of the
 * (element, time) index, so SQLite's default (1,000) checkpointed after every commit, writing each page twice;
 * 10,000 pages (40 MiB of WAL) checkpoints once per several batches.
 */
const WAL_AUTOCHECKPOINT = 10_000;

/** Revisions and elements stored, kept by the writer (counting rows on every stats call would scan the table). */
export interface SqliteCounts {
  node: number;
  edge: number;
  elements: number;
}

type Db = Database.Database;
type Stmt = Database.Statement;

/** Refuses a path SQLite would keep in memory (the reader needs the same database through a second connection). */
export function checkSqlitePath(path: string): void {
  if (path === '' || path === ':memory:') throw new Error('the SQLite history store needs a file path');
}

/** The one connection that writes the history file. */
export class SqliteWriter implements RowSink {
  readonly #config: SqliteBackendConfig;
  #db: Db | undefined;
  #stmts: Record<string, Stmt> = {};
  #nextSeq = 1;
  #pending: SqliteCounts = { node: 0, edge: 0, elements: 0 };
  readonly counts: SqliteCounts = { node: 0, edge: 0, elements: 0 };

  constructor(config: SqliteBackendConfig) {
    checkSqlitePath(config.path);
    this.#config = config;
  }

  /** Opens the file, creating it and its directory, and checks the schema version. */
  open(): void {
    if (this.#db !== undefined) return;
    mkdirSync(dirname(this.#config.path), { recursive: true });
    const db = new Database(this.#config.path, { timeout: 5000 });
    try {
      db.pragma('auto_vacuum = INCREMENTAL');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT}`);
      db.pragma(`cache_size = -${this.#config.cacheKiB}`);
      db.exec(SCHEMA);
      const version = db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get() as string | undefined;
      if (version === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
      else if (version !== String(SCHEMA_VERSION)) throw new Error(`history store schema ${version} is not supported (expected ${SCHEMA_VERSION})`);
      this.#nextSeq = ((db.prepare('SELECT max(seq) FROM revisions').pluck().get() as number | null) ?? 0) + 1;
      const counts = db.prepare('SELECT e.kind AS kind, count(*) AS n FROM revisions r JOIN elements e ON e.eid = r.eid GROUP BY e.kind').all() as Array<{ kind: number; n: number }>;
      for (const c of counts) this.counts[c.kind === EDGE ? 'edge' : 'node'] = c.n;
      this.counts.elements = db.prepare('SELECT count(*) FROM elements').pluck().get() as number;
      this.#prepare(db);
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

  #prepare(db: Db): void {
    this.#stmts = {
      findElement: db.prepare('SELECT eid, gone_at AS goneAt FROM elements WHERE kind = ? AND id = ?'),
      lastRevision: db.prepare(`SELECT seq, revision, updated_at AS updatedAt, deleted_at AS deletedAt FROM revisions
        WHERE eid = ? ORDER BY updated_at DESC, seq DESC LIMIT 1`),
      insertElement: db.prepare('INSERT INTO elements (kind, id, first_at) VALUES (?, ?, ?)'),
      findSource: db.prepare('SELECT sid FROM sources WHERE host = ? AND origin = ?').pluck(),
      insertSource: db.prepare('INSERT INTO sources (host, origin) VALUES (?, ?)'),
      insertRow: db.prepare(`INSERT INTO revisions (seq, eid, sid, created_at, updated_at, deleted_at, revision, parent, child, base, meta)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      setRowDeleted: db.prepare('UPDATE revisions SET deleted_at = ? WHERE seq = ?'),
      setGone: db.prepare('UPDATE elements SET gone_at = ? WHERE eid = ?'),
    };
  }

  #use(): Db {
    if (this.#db === undefined) throw new Error('the SQLite history store is closed');
    return this.#db;
  }

  async transaction(fn: (tx: WriteTransaction) => Promise<void>): Promise<void> {
    this.begin();
    try {
      await fn({
        resolveElements: async (keys) => this.resolveElements(keys),
        resolveSources: async (keys) => this.resolveSources(keys),
        allocateSeqs: async (n) => this.allocateSeqs(n),
        write: async (plan) => this.write(plan),
      });
      this.commit();
    } catch (err) {
      this.rollback();
      throw err;
    }
  }

  /** Starts a write transaction unless one is open. */
  begin(): void {
    const db = this.#use();
    if (db.inTransaction) return;
    db.exec('BEGIN IMMEDIATE');
    this.#pending = { node: 0, edge: 0, elements: 0 };
  }

  /** Commits (and syncs) the open transaction, then counts what it stored. */
  commit(): void {
    this.#use().exec('COMMIT');
    this.counts.node += this.#pending.node;
    this.counts.edge += this.#pending.edge;
    this.counts.elements += this.#pending.elements;
    this.#pending = { node: 0, edge: 0, elements: 0 };
  }

  /** Rolls the open transaction back, if any. */
  rollback(): void {
    const db = this.#db;
    if (db?.inTransaction === true) db.exec('ROLLBACK');
    this.#pending = { node: 0, edge: 0, elements: 0 };
  }

  /** The next row seq never used in the file. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Finds or creates elements, inside the open transaction. */
  resolveElements(keys: readonly ElementKey[]): ResolvedElement[] {
    this.begin();
    const s = this.#stmts as Record<string, Stmt>;
    return keys.map((k): ResolvedElement => {
      const found = s.findElement!.get(k.kind, k.id) as { eid: number; goneAt: number | null } | undefined;
      if (found === undefined) {
        this.#pending.elements++;
        return { eid: Number(s.insertElement!.run(k.kind, k.id, k.createdAt).lastInsertRowid), last: undefined, gone: false };
      }
      return { eid: found.eid, last: s.lastRevision!.get(found.eid) as ResolvedElement['last'], gone: found.goneAt !== null };
    });
  }

  /** Finds or creates sources, inside the open transaction. */
  resolveSources(keys: readonly SourceKey[]): number[] {
    this.begin();
    const s = this.#stmts as Record<string, Stmt>;
    return keys.map((k) => (s.findSource!.get(k.host, k.origin) as number | undefined) ?? Number(s.insertSource!.run(k.host, k.origin).lastInsertRowid));
  }

  /** `n` new, increasing row seqs. */
  allocateSeqs(n: number): number[] {
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.#nextSeq++;
    return out;
  }

  /** Writes a plan inside the open transaction. */
  write(plan: WritePlan): void {
    this.begin();
    const insert = (this.#stmts as Record<string, Stmt>).insertRow!;
    for (const row of plan.inserts) {
      insert.run(row.seq, row.eid, row.sid, row.createdAt, row.updatedAt, row.deletedAt, row.revision, row.parent, row.child, row.base, row.meta);
      if (row.kind === EDGE) this.#pending.edge++;
      else this.#pending.node++;
    }
    this.#finish(plan.rowDeletions, plan.elementGone);
  }

  /** Writes a plan posted as columns (RowColumns) inside the open transaction. */
  writeColumns(cols: RowColumns, rowDeletions: Iterable<readonly [number, number | null]>, elementGone: Iterable<readonly [number, number | null]>): void {
    this.begin();
    const insert = (this.#stmts as Record<string, Stmt>).insertRow!;
    const { nums, meta, ends } = cols;
    const opt = (v: number) => (Number.isNaN(v) ? null : v);
    for (let i = 0, o = 0; i < meta.length; i++, o += ROW_NUMS) {
      const edge = nums[o + 1] === EDGE;
      const endpoints = edge ? (ends[i] as readonly [string, string]) : undefined;
      insert.run(nums[o], nums[o + 2], nums[o + 3], nums[o + 4], nums[o + 5], opt(nums[o + 6] as number), nums[o + 7],
        endpoints?.[0] ?? null, endpoints?.[1] ?? null, opt(nums[o + 8] as number), meta[i]);
      if (edge) this.#pending.edge++;
      else this.#pending.node++;
    }
    if (meta.length > 0) this.#nextSeq = Math.max(this.#nextSeq, (nums[(meta.length - 1) * ROW_NUMS] as number) + 1);
    this.#finish(rowDeletions, elementGone);
  }

  #finish(rowDeletions: Iterable<readonly [number, number | null]>, elementGone: Iterable<readonly [number, number | null]>): void {
    const s = this.#stmts as Record<string, Stmt>;
    for (const [seq, at] of rowDeletions) s.setRowDeleted!.run(at, seq);
    for (const [eid, at] of elementGone) s.setGone!.run(at, eid);
  }

  async pruneBefore(before: number): Promise<number> {
    const db = this.#use();
    let removed = 0;
    const nextEids = db.prepare('SELECT eid FROM elements WHERE eid > ? ORDER BY eid LIMIT ?').pluck();
    const rowsOf = db.prepare(`SELECT r.seq, r.eid, r.updated_at AS updatedAt, r.deleted_at AS deletedAt, r.base, e.kind
      FROM revisions r JOIN elements e ON e.eid = r.eid
      WHERE r.eid IN (SELECT value FROM json_each(?)) ORDER BY r.eid, r.updated_at, r.seq`);
    const del = db.prepare('DELETE FROM revisions WHERE seq = ?');
    const close = db.prepare('UPDATE revisions SET deleted_at = ? WHERE seq = ?');
    let after = 0;
    for (;;) {
      const eids = nextEids.all(after, this.#config.pruneChunk) as number[];
      if (eids.length === 0) break;
      after = eids[eids.length - 1] as number;
      db.transaction(() => {
        const rows = rowsOf.all(JSON.stringify(eids)) as PruneRow[];
        for (const group of byElement(rows)) {
          for (const d of prunable(group, before)) {
            if (d.close !== undefined) close.run(d.close, d.row.seq);
            else {
              del.run(d.row.seq);
              this.counts[d.row.kind === EDGE ? 'edge' : 'node']--;
              removed++;
            }
          }
        }
      })();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const orphans = db.prepare(`DELETE FROM elements WHERE gone_at IS NOT NULL AND gone_at < ?
      AND NOT EXISTS (SELECT 1 FROM revisions r WHERE r.eid = elements.eid)`).run(before).changes;
    this.counts.elements -= orphans;
    return removed;
  }

  async compact(): Promise<void> {
    const db = this.#use();
    db.pragma('incremental_vacuum');
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
}
