// The embedded flow store: one SQLite file (flows.sqlite beside the graph history) in WAL mode, synced on every
// commit. Every append is one synchronous transaction, so reads on the same connection never see half of one.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { sqliteBytes } from '@topoflow/graph/history';
import Database from 'better-sqlite3';
import { FlowErrors, flowError } from '../../errors.js';
import type { Flow } from '../../model/flow.js';
import type { FlowMetricRecord, FlowRawPacketRecord, FlowTimeRange } from '../../query/contract.js';
import type { FlowPruneResult, FlowStore, FlowStoreStats, StoredFlowQuery } from '../contract.js';
import {
  DEFAULT_PRUNE_CHUNK, type MetricRow, type PacketRow, appendRows, flowFromJson, metricRecord, packetRecord,
} from '../rows.js';
import { SCHEMA, SCHEMA_VERSION, SQL } from './schema.js';

/** Settings of the SQLite flow store. */
export interface SqliteFlowStoreConfig {
  /** Database file, created with its directory. */
  path: string;
  /** Page cache, in KiB. */
  cacheKiB: number;
  /** Rows a retention step deletes per transaction. */
  pruneChunk: number;
}

/** Defaults; `path` has none. */
export function defaultSqliteFlowStoreConfig(): Omit<SqliteFlowStoreConfig, 'path'> {
  return { cacheKiB: 16 * 1024, pruneChunk: DEFAULT_PRUNE_CHUNK };
}

type Db = Database.Database;
type Statements = { [K in keyof typeof SQL]: Database.Statement };

/** Flow history in an SQLite file. */
export class SqliteFlowStore implements FlowStore {
  readonly backend = 'sqlite';
  readonly #config: SqliteFlowStoreConfig;
  #db: Db | undefined;
  #sql: Statements | undefined;
  /** Metric and packet rows, once counted (see stats()). */
  #counts: { metrics: number; packets: number } | undefined;

  constructor(config: Pick<SqliteFlowStoreConfig, 'path'> & Partial<SqliteFlowStoreConfig>) {
    const c = { ...defaultSqliteFlowStoreConfig(), ...config };
    if (c.path === '' || c.path === ':memory:') throw flowError(FlowErrors.STORE_CONFIG_INVALID, 'the SQLite flow store needs a file path', { details: { key: 'path' } });
    for (const key of ['cacheKiB', 'pruneChunk'] as const) {
      if (!Number.isInteger(c[key]) || c[key] < 1) throw flowError(FlowErrors.STORE_CONFIG_INVALID, `${key} must be a positive integer`, { details: { key } });
    }
    this.#config = c;
  }

  async open(): Promise<void> {
    if (this.#db !== undefined) return;
    let db: Db | undefined;
    try {
      mkdirSync(dirname(this.#config.path), { recursive: true });
      db = new Database(this.#config.path, { timeout: 5000 });
      db.pragma('auto_vacuum = INCREMENTAL');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma(`cache_size = -${this.#config.cacheKiB}`);
      db.exec(SCHEMA);
      const version = db.prepare(SQL.readVersion).pluck().get() as string | undefined;
      if (version === undefined) db.prepare(SQL.writeVersion).run(String(SCHEMA_VERSION));
      else if (version !== String(SCHEMA_VERSION)) {
        throw flowError(FlowErrors.STORE_SCHEMA_UNSUPPORTED, `flow store schema ${version} is not supported (expected ${SCHEMA_VERSION})`, { details: { version, expected: SCHEMA_VERSION } });
      }
      const sql = {} as Record<string, Database.Statement>;
      for (const [name, text] of Object.entries(SQL)) sql[name] = db.prepare(text);
      this.#sql = sql as Statements;
      this.#db = db;
    } catch (err) {
      db?.close();
      if ((err as { code?: string }).code === FlowErrors.STORE_SCHEMA_UNSUPPORTED) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw flowError(FlowErrors.STORE_UNAVAILABLE, `opening the SQLite flow store ${this.#config.path} failed: ${reason}`, { details: { path: this.#config.path, reason }, cause: err });
    }
  }

  async close(): Promise<void> {
    this.#counts = undefined;
    const db = this.#db;
    this.#db = undefined;
    this.#sql = undefined;
    db?.close();
  }

  #use(): { db: Db; sql: Statements } {
    if (this.#db === undefined || this.#sql === undefined) throw flowError(FlowErrors.STORE_CLOSED, 'the SQLite flow store is closed');
    return { db: this.#db, sql: this.#sql };
  }

  async append(reports: readonly Flow[]): Promise<void> {
    const { db, sql } = this.#use();
    if (reports.length === 0) return;
    const rows = appendRows(reports);
    try {
      const added = db.transaction(() => {
        let metrics = 0, packets = 0;
        for (const r of rows.flows) sql.upsertFlow.run(r);
        for (const r of rows.metrics) metrics += sql.insertMetric.run(r).changes;
        for (const r of rows.packets) packets += sql.insertPacket.run(r).changes;
        return { metrics, packets };
      }).immediate();
      if (this.#counts !== undefined) {
        this.#counts.metrics += added.metrics;
        this.#counts.packets += added.packets;
      }
    } catch (err) {
      throw flowError(FlowErrors.STORE_WRITE_FAILED, `writing flows failed: ${(err as Error).message}`, { details: { flows: rows.flows.length }, cause: err });
    }
  }

  async flows(q: StoredFlowQuery): Promise<Flow[]> {
    const { sql } = this.#use();
    if (q.nodeTIDs !== undefined && q.nodeTIDs.length === 0) return [];
    const params = {
      afterLast: q.after?.last ?? q.from, afterUuid: q.after?.uuid ?? '', to: q.to, limit: q.limit,
      ...(q.nodeTIDs !== undefined ? { tids: JSON.stringify(q.nodeTIDs) } : {}),
    };
    const stmt = q.nodeTIDs !== undefined ? sql.flowsOfNodes : sql.flows;
    return this.#read(() => (stmt.pluck().all(params) as string[]).map(flowFromJson));
  }

  async metrics(uuids: readonly string[], range: FlowTimeRange): Promise<FlowMetricRecord[]> {
    const { sql } = this.#use();
    if (uuids.length === 0) return [];
    return this.#read(() => (sql.metrics.all({ uuids: JSON.stringify(uuids), from: range.from, to: range.to }) as MetricRow[]).map(metricRecord));
  }

  async rawPackets(uuids: readonly string[], range?: FlowTimeRange): Promise<FlowRawPacketRecord[]> {
    const { sql } = this.#use();
    if (uuids.length === 0) return [];
    const list = JSON.stringify(uuids);
    const rows = this.#read(() => (range === undefined
      ? sql.packets.all({ uuids: list }) : sql.packetsIn.all({ uuids: list, from: range.from, to: range.to })) as PacketRow[]);
    return rows.map(packetRecord);
  }

  #read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if ((err as { code?: string }).code === FlowErrors.STORE_CORRUPT) throw err;
      throw flowError(FlowErrors.STORE_READ_FAILED, `reading flows failed: ${(err as Error).message}`, { details: {}, cause: err });
    }
  }

  async prune(before: number): Promise<FlowPruneResult> {
    const { db, sql } = this.#use();
    const chunk = this.#config.pruneChunk;
    const out: FlowPruneResult = { flows: 0, metrics: 0, packets: 0 };
    for (;;) {
      const n = db.transaction(() => {
        const uuids = sql.pruneFlows.pluck().all(before, chunk) as string[];
        if (uuids.length === 0) return 0;
        const list = JSON.stringify(uuids);
        out.metrics += sql.pruneMetricsOf.run({ uuids: list }).changes;
        out.packets += sql.prunePacketsOf.run({ uuids: list }).changes;
        return uuids.length;
      }).immediate();
      out.flows += n;
      if (n < chunk) break;
      await yieldTurn();
    }
    out.metrics += await this.#pruneChunks(sql.pruneMetrics, before);
    out.packets += await this.#pruneChunks(sql.prunePackets, before);
    if (this.#counts !== undefined) {
      this.#counts.metrics -= out.metrics;
      this.#counts.packets -= out.packets;
    }
    if (out.flows + out.metrics + out.packets > 0) {
      db.pragma('incremental_vacuum');
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
    return out;
  }

  async #pruneChunks(stmt: Database.Statement, before: number): Promise<number> {
    let removed = 0;
    for (;;) {
      const n = stmt.run(before, this.#config.pruneChunk).changes;
      removed += n;
      if (n < this.#config.pruneChunk) return removed;
      await yieldTurn();
    }
  }

  async stats(): Promise<FlowStoreStats> {
    const { db, sql } = this.#use();
    // Metric and packet rows are counted once, then kept up to date by append and prune (a count of those tables
    // scans millions of rows); flows, one row each, are counted on each call.
    this.#counts ??= { metrics: sql.countMetrics.pluck().get() as number, packets: sql.countPackets.pluck().get() as number };
    return { flows: sql.countFlows.pluck().get() as number, ...this.#counts, bytes: sqliteBytes(db, this.#config.path) };
  }
}

function yieldTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
