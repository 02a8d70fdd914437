// The write connection of the SQLite history store: creates or checks the schema, runs each append in one
// transaction synced on commit (WAL, synchronous=FULL), prunes and compacts, and keeps the row counts.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type PruneRow, byElement, prunable } from '../prune.js';
import type { ElementKey, ResolvedElement, RowSink, SourceKey, WritePlan, WriteTransaction } from '../rows.js';
import { EDGE } from '../rows.js';
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
    const db = this.#use();
    const counts: SqliteCounts = { node: 0, edge: 0, elements: 0 };
    db.exec('BEGIN IMMEDIATE');
    try {
      await fn(this.#transaction(counts));
      db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    }
    this.counts.node += counts.node;
    this.counts.edge += counts.edge;
    this.counts.elements += counts.elements;
  }

  #transaction(counts: SqliteCounts): WriteTransaction {
    const s = this.#stmts as Record<string, Stmt>;
    return {
      resolveElements: async (keys: readonly ElementKey[]) => keys.map((k): ResolvedElement => {
        const found = s.findElement!.get(k.kind, k.id) as { eid: number; goneAt: number | null } | undefined;
        if (found === undefined) {
          counts.elements++;
          return { eid: Number(s.insertElement!.run(k.kind, k.id, k.createdAt).lastInsertRowid), last: undefined, gone: false };
        }
        return { eid: found.eid, last: s.lastRevision!.get(found.eid) as ResolvedElement['last'], gone: found.goneAt !== null };
      }),
      resolveSources: async (keys: readonly SourceKey[]) => keys.map((k) =>
        (s.findSource!.get(k.host, k.origin) as number | undefined) ?? Number(s.insertSource!.run(k.host, k.origin).lastInsertRowid)),
      allocateSeqs: async (n: number) => {
        const out = new Array<number>(n);
        for (let i = 0; i < n; i++) out[i] = this.#nextSeq++;
        return out;
      },
      write: async (plan: WritePlan) => {
        const insert = s.insertRow!;
        for (const row of plan.inserts) {
          insert.run(row.seq, row.eid, row.sid, row.createdAt, row.updatedAt, row.deletedAt, row.revision, row.parent, row.child, row.base, row.meta);
          if (row.kind === EDGE) counts.edge++;
          else counts.node++;
        }
        for (const [seq, at] of plan.rowDeletions) s.setRowDeleted!.run(at, seq);
        for (const [eid, at] of plan.elementGone) s.setGone!.run(at, eid);
      },
    };
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
