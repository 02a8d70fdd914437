// The embedded history backend: one SQLite file in WAL mode, synced on every commit (synchronous=FULL), written
// by one connection and read by another so reads never see a transaction in progress.
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  BackendStats, ElementKey, ResolvedElement, RowBackend, SourceKey, StoredRow, WritePlan, WriteTransaction,
} from '../rows.js';
import { EDGE } from '../rows.js';
import { type PruneRow, byElement, prunable } from '../prune.js';
import { ROW_COLUMNS, ROW_JOINS, SCHEMA, SCHEMA_VERSION } from './schema.js';

/** Settings of the SQLite backend. */
export interface SqliteBackendConfig {
  /** Database file (created with its directory); ':memory:' is refused because reads use a second connection. */
  path: string;
  /** Page cache of each connection, in KiB. */
  cacheKiB: number;
  /** Rows a pruning step deletes per transaction. */
  pruneChunk: number;
}

type Db = Database.Database;
type Stmt = Database.Statement;

const LATEST = (op: '<=' | '<', liveOnly: boolean) => `SELECT ${ROW_COLUMNS} FROM elements e
  JOIN revisions r ON r.seq = (SELECT x.seq FROM revisions x WHERE x.eid = e.eid AND x.updated_at ${op} @t
    ORDER BY x.updated_at DESC, x.seq DESC LIMIT 1)
  JOIN sources s ON s.sid = r.sid
  WHERE ${liveOnly ? 'e.gone_at IS NULL AND r.deleted_at IS NULL' : `e.first_at <= @t AND (e.gone_at IS NULL OR e.gone_at >= @t)
    AND (r.deleted_at IS NULL OR r.deleted_at >= @t)`}
  LIMIT @limit`;

/** History rows in SQLite. */
export class SqliteBackend implements RowBackend {
  readonly name = 'sqlite';
  readonly #config: SqliteBackendConfig;
  #db: Db | undefined;
  #reader: Db | undefined;
  #stmts: Record<string, Stmt> = {};
  #nextSeq = 1;
  #counts = { node: 0, edge: 0, elements: 0 };

  constructor(config: SqliteBackendConfig) {
    if (config.path === '' || config.path === ':memory:') throw new Error('the SQLite history store needs a file path');
    this.#config = config;
  }

  async open(): Promise<void> {
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
      for (const c of counts) this.#counts[c.kind === EDGE ? 'edge' : 'node'] = c.n;
      this.#counts.elements = db.prepare('SELECT count(*) FROM elements').pluck().get() as number;
    } catch (err) {
      db.close();
      throw err;
    }
    const reader = new Database(this.#config.path, { readonly: true, timeout: 5000 });
    reader.pragma(`cache_size = -${this.#config.cacheKiB}`);
    this.#db = db;
    this.#reader = reader;
    this.#prepare(db, reader);
  }

  async close(): Promise<void> {
    this.#reader?.close();
    this.#db?.close();
    this.#reader = undefined;
    this.#db = undefined;
    this.#stmts = {};
  }

  #prepare(db: Db, reader: Db): void {
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
      latestIncl: reader.prepare(LATEST('<=', false)),
      latestExcl: reader.prepare(LATEST('<', false)),
      latestLive: reader.prepare(LATEST('<=', true)),
      between: reader.prepare(`SELECT ${ROW_COLUMNS} FROM revisions r ${ROW_JOINS}
        WHERE r.updated_at BETWEEN ? AND ? ORDER BY r.updated_at, r.seq LIMIT ?`),
      keyframes: reader.prepare('SELECT seq, meta FROM revisions WHERE seq IN (SELECT value FROM json_each(?))').raw(),
      offset: reader.prepare('SELECT updated_at FROM revisions ORDER BY updated_at LIMIT 1 OFFSET ?').pluck(),
    };
  }

  #use(): Db {
    if (this.#db === undefined) throw new Error('the SQLite history store is closed');
    return this.#db;
  }

  async transaction(fn: (tx: WriteTransaction) => Promise<void>): Promise<void> {
    const db = this.#use();
    const s = this.#stmts as Record<string, Stmt>;
    const counts = { node: 0, edge: 0, elements: 0 };
    const tx: WriteTransaction = {
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
    db.exec('BEGIN IMMEDIATE');
    try {
      await fn(tx);
      db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    }
    this.#counts.node += counts.node;
    this.#counts.edge += counts.edge;
    this.#counts.elements += counts.elements;
  }

  async latestRows(t: number, inclusive: boolean, limit: number, liveOnly = false): Promise<StoredRow[]> {
    this.#use();
    const stmt = liveOnly ? this.#stmts.latestLive : inclusive ? this.#stmts.latestIncl : this.#stmts.latestExcl;
    return stmt!.all({ t, limit: Math.min(limit, Number.MAX_SAFE_INTEGER) }) as StoredRow[];
  }

  async keyframes(seqs: readonly number[]): Promise<Map<number, string>> {
    this.#use();
    const rows = this.#stmts.keyframes!.all(JSON.stringify(seqs)) as Array<[number, string]>;
    return new Map(rows);
  }

  async rowsBetween(start: number, end: number, limit: number): Promise<StoredRow[]> {
    this.#use();
    return this.#stmts.between!.all(start, end, limit) as StoredRow[];
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
              this.#counts[d.row.kind === EDGE ? 'edge' : 'node']--;
              removed++;
            }
          }
        }
      })();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const orphans = db.prepare(`DELETE FROM elements WHERE gone_at IS NOT NULL AND gone_at < ?
      AND NOT EXISTS (SELECT 1 FROM revisions r WHERE r.eid = elements.eid)`).run(before).changes;
    this.#counts.elements -= orphans;
    return removed;
  }

  async updatedAtAtOffset(rows: number): Promise<number | undefined> {
    this.#use();
    return this.#stmts.offset!.get(rows) as number | undefined;
  }

  async compact(): Promise<void> {
    const db = this.#use();
    db.pragma('incremental_vacuum');
    db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async stats(): Promise<BackendStats> {
    return {
      bytes: sqliteBytes(this.#use(), this.#config.path),
      nodeRevisions: this.#counts.node, edgeRevisions: this.#counts.edge, elements: this.#counts.elements,
    };
  }
}

/** Bytes an SQLite database in WAL mode uses: its pages in use plus its write-ahead log. */
export function sqliteBytes(db: Db, path: string): number {
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
