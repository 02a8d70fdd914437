// The shared history backend: the row model in one PostgreSQL schema, each append in one durable transaction on
// one pooled connection, reads as single statements (which see committed data only). Several analyzers may
// write to the same schema: elements and sources are created race-free and row seqs come from a sequence.
import { AppError } from '@topoflow/common';
import pg from 'pg';
import { GraphErrors, graphError } from '../../errors.js';
import type { BackendStats, RowBackend, StoredRow, WriteTransaction } from '../rows.js';
import { createPostgresPool, inPostgresTransaction, postgresLocation, postgresSettingsProblem } from './pool.js';
import { writeTransaction } from './postgres-writes.js';
import { SCHEMA_VERSION, type Statements, TABLES, metaTable, schemaStatements, statements } from './schema.js';

/** Settings of the PostgreSQL backend. */
export interface PostgresBackendConfig {
  /** Connection string, `postgres://user:password@host:port/database`. */
  url: string;
  /** The PostgreSQL schema holding the tables; created with them when missing. */
  schema: string;
  /** Connections in the pool (appends use one at a time, reads and pruning the others). */
  poolSize: number;
  /** Elements whose old rows one pruning step deletes, in one transaction. */
  pruneChunk: number;
  /** How long connecting to the server may take, in ms. */
  connectTimeoutMs: number;
}

/** Default settings; `url` has none. */
export function defaultPostgresBackendConfig(): Omit<PostgresBackendConfig, 'url'> {
  return { schema: 'topoflow', poolSize: 4, pruneChunk: 1_000, connectTimeoutMs: 10_000 };
}

/** What the backend uses: a logger for failures of idle pooled connections (ignored without one). */
export interface PostgresBackendDeps {
  readonly logger?: { warn(obj: object, msg: string): void };
}

/** History rows in PostgreSQL. */
export class PostgresBackend implements RowBackend {
  readonly name = 'postgres';
  readonly #config: PostgresBackendConfig;
  readonly #deps: PostgresBackendDeps;
  readonly #sql: Statements;
  readonly #schema: string;
  #pool: pg.Pool | undefined;

  constructor(config: Pick<PostgresBackendConfig, 'url'> & Partial<PostgresBackendConfig>, deps: PostgresBackendDeps = {}) {
    const c = { ...defaultPostgresBackendConfig(), ...config };
    const problem = postgresSettingsProblem(c, ['poolSize', 'pruneChunk', 'connectTimeoutMs']);
    if (problem !== undefined) {
      throw graphError(GraphErrors.HISTORY_CONFIG_INVALID, `PostgreSQL history store: ${problem.message}`, { key: problem.key });
    }
    this.#config = c;
    this.#deps = deps;
    this.#schema = pg.escapeIdentifier(c.schema);
    this.#sql = statements(this.#schema);
  }

  async open(): Promise<void> {
    if (this.#pool !== undefined) return;
    const pool = createPostgresPool(this.#config, 'topoflow-history', this.#deps.logger);
    try {
      await this.#migrate(pool);
    } catch (err) {
      await pool.end().catch(() => undefined);
      if (err instanceof AppError) throw err;
      const reason = err instanceof Error ? err.message || String(err) : String(err);
      throw graphError(GraphErrors.HISTORY_UNAVAILABLE, `opening the PostgreSQL history store at ${postgresLocation(this.#config.url)} failed: ${reason}`,
        { reason, schema: this.#config.schema }, err);
    }
    this.#pool = pool;
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.end();
  }

  /** Creates the schema when it is new, refuses another version; serialised across processes by an advisory lock. */
  async #migrate(pool: pg.Pool): Promise<void> {
    await inPostgresTransaction(pool, async (client) => {
      const name = this.#config.schema;
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`topoflow-history:${name}`]);
      const schema = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [name]);
      if (schema.rowCount === 0) await client.query(`CREATE SCHEMA ${this.#schema}`);
      const meta = await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [`${this.#schema}.meta`]);
      if (meta.rows[0]?.present !== true) await client.query(metaTable(this.#schema));
      const version = (await client.query<{ value: string }>(this.#sql.readVersion)).rows[0]?.value;
      if (version === undefined) {
        for (const statement of schemaStatements(this.#schema)) await client.query(statement);
        await client.query(this.#sql.writeVersion, [String(SCHEMA_VERSION)]);
      } else if (version !== String(SCHEMA_VERSION)) {
        throw graphError(GraphErrors.HISTORY_SCHEMA_UNSUPPORTED,
          `history store schema ${version} in '${name}' is not supported (expected ${SCHEMA_VERSION})`, { version, expected: SCHEMA_VERSION });
      }
    });
  }

  #use(): pg.Pool {
    if (this.#pool === undefined) throw graphError(GraphErrors.HISTORY_CLOSED, 'the PostgreSQL history store is closed');
    return this.#pool;
  }

  transaction(fn: (tx: WriteTransaction) => Promise<void>): Promise<void> {
    return inPostgresTransaction(this.#use(), (client) => fn(writeTransaction(client, this.#sql)));
  }

  async latestRows(t: number, inclusive: boolean, limit: number, liveOnly = false): Promise<StoredRow[]> {
    const sql = this.#sql;
    const text = liveOnly ? sql.latestLive : inclusive ? sql.latestIncl : sql.latestExcl;
    return (await this.#use().query<StoredRow>(text, [t, Math.min(limit, Number.MAX_SAFE_INTEGER)])).rows;
  }

  async rowsBetween(start: number, end: number, limit: number): Promise<StoredRow[]> {
    return (await this.#use().query<StoredRow>(this.#sql.between, [start, end, limit])).rows;
  }

  async pruneBefore(before: number): Promise<number> {
    const pool = this.#use();
    let removed = 0;
    let after = 0;
    for (;;) {
      let last: number | undefined;
      await inPostgresTransaction(pool, async (client) => {
        const eids = (await client.query<{ eid: number }>(this.#sql.lockElements, [after, this.#config.pruneChunk])).rows.map((r) => r.eid);
        last = eids[eids.length - 1];
        if (last === undefined) return;
        removed += (await client.query<{ removed: number }>(this.#sql.pruneElements, [before, eids])).rows[0]?.removed ?? 0;
        await client.query(this.#sql.pruneOrphans, [before, eids]);
      });
      if (last === undefined) return removed;
      after = last;
    }
  }

  async updatedAtAtOffset(rows: number): Promise<number | undefined> {
    return (await this.#use().query<{ updatedAt: number }>(this.#sql.offset, [rows])).rows[0]?.updatedAt;
  }

  async compact(): Promise<void> {
    // Plain VACUUM makes the space of deleted rows reusable without locking writers out; it returns to the
    // system only the empty pages at the end of a table (VACUUM FULL would, but locks the tables).
    await this.#use().query(this.#sql.vacuum);
  }

  async stats(): Promise<BackendStats> {
    const res = await this.#use().query<BackendStats>(this.#sql.stats, [this.#config.schema, TABLES]);
    return res.rows[0] as BackendStats;
  }
}
