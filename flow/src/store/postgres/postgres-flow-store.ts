// The shared flow store: tables in the PostgreSQL schema of the graph history, each append one durable
// transaction of three array inserts, reads as single statements. Several analyzers may write the same schema.
import { createPostgresPool, inPostgresTransaction, postgresLocation, postgresSettingsProblem } from '@topoflow/graph/history';
import pg from 'pg';
import { FlowErrors, flowError } from '../../errors.js';
import type { Flow } from '../../model/flow.js';
import type { FlowMetricRecord, FlowRawPacketRecord, FlowTimeRange } from '../../query/contract.js';
import type { FlowPruneResult, FlowStore, FlowStoreStats, StoredFlowQuery } from '../contract.js';
import { DEFAULT_PRUNE_CHUNK, type MetricRow, type PacketRow, appendRows, flowFromJson, metricRecord, packetRecord } from '../rows.js';
import { SCHEMA_VERSION, type Statements, TABLES, schemaStatements, statements } from './schema.js';

/** Settings of the PostgreSQL flow store. */
export interface PostgresFlowStoreConfig {
  /** Connection string, `postgres://user:password@host:port/database`. */
  url: string;
  /** The PostgreSQL schema holding the tables (the graph history's); created when missing. */
  schema: string;
  /** Connections in the pool. */
  poolSize: number;
  /** Rows a retention step deletes per transaction. */
  pruneChunk: number;
  /** How long connecting may take, in ms. */
  connectTimeoutMs: number;
}

/** Defaults; `url` has none. */
export function defaultPostgresFlowStoreConfig(): Omit<PostgresFlowStoreConfig, 'url'> {
  return { schema: 'topoflow', poolSize: 2, pruneChunk: DEFAULT_PRUNE_CHUNK, connectTimeoutMs: 10_000 };
}

/** What the store uses: a logger for failures of idle pooled connections (ignored without one). */
export interface PostgresFlowStoreDeps {
  readonly logger?: { warn(obj: object, msg: string): void };
}

/** Errors of two sessions creating the same schema at once: unique_violation, duplicate_schema, deadlock. */
const RACE_CODES = new Set(['23505', '42P06', '42P07', '40P01']);

/** Flow history in PostgreSQL. */
export class PostgresFlowStore implements FlowStore {
  readonly backend = 'postgres';
  readonly #config: PostgresFlowStoreConfig;
  readonly #deps: PostgresFlowStoreDeps;
  readonly #schema: string;
  readonly #sql: Statements;
  #pool: pg.Pool | undefined;

  constructor(config: Pick<PostgresFlowStoreConfig, 'url'> & Partial<PostgresFlowStoreConfig>, deps: PostgresFlowStoreDeps = {}) {
    const c = { ...defaultPostgresFlowStoreConfig(), ...config };
    const problem = postgresSettingsProblem(c, ['poolSize', 'pruneChunk', 'connectTimeoutMs']);
    if (problem !== undefined) {
      throw flowError(FlowErrors.STORE_CONFIG_INVALID, `PostgreSQL flow store: ${problem.message}`, { details: { key: problem.key } });
    }
    this.#config = c;
    this.#deps = deps;
    this.#schema = pg.escapeIdentifier(c.schema);
    this.#sql = statements(this.#schema);
  }

  async open(): Promise<void> {
    if (this.#pool !== undefined) return;
    const pool = createPostgresPool(this.#config, 'topoflow-flows', this.#deps.logger);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.#migrate(pool);
          break;
        } catch (err) {
          if (attempt >= 3 || !RACE_CODES.has((err as { code?: string }).code ?? '')) throw err;
        }
      }
    } catch (err) {
      await pool.end().catch(() => undefined);
      if ((err as { code?: string }).code === FlowErrors.STORE_SCHEMA_UNSUPPORTED) throw err;
      const reason = err instanceof Error ? err.message || String(err) : String(err);
      throw flowError(FlowErrors.STORE_UNAVAILABLE, `opening the PostgreSQL flow store at ${postgresLocation(this.#config.url)} failed: ${reason}`, { details: { reason, schema: this.#config.schema }, cause: err });
    }
    this.#pool = pool;
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.end();
  }

  /** Creates the tables when they are new and refuses another version; serialised across processes by an advisory lock. */
  async #migrate(pool: pg.Pool): Promise<void> {
    await inPostgresTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`topoflow-flows:${this.#config.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.#schema}`);
      const [meta, ...rest] = schemaStatements(this.#schema);
      await client.query(meta as string);
      const version = (await client.query<{ value: string }>(this.#sql.readVersion)).rows[0]?.value;
      if (version === undefined) {
        for (const statement of rest) await client.query(statement);
        await client.query(this.#sql.writeVersion, [String(SCHEMA_VERSION)]);
      } else if (version !== String(SCHEMA_VERSION)) {
        throw flowError(FlowErrors.STORE_SCHEMA_UNSUPPORTED,
          `flow store schema ${version} in '${this.#config.schema}' is not supported (expected ${SCHEMA_VERSION})`, { details: { version, expected: SCHEMA_VERSION } });
      }
    });
  }

  #use(): pg.Pool {
    if (this.#pool === undefined) throw flowError(FlowErrors.STORE_CLOSED, 'the PostgreSQL flow store is closed');
    return this.#pool;
  }

  async append(reports: readonly Flow[]): Promise<void> {
    const pool = this.#use();
    if (reports.length === 0) return;
    const { flows, metrics, packets } = appendRows(reports);
    const sql = this.#sql;
    try {
      await inPostgresTransaction(pool, async (client) => {
        await client.query(sql.upsertFlows, [
          flows.map((r) => r.uuid), flows.map((r) => r.nodeTID), flows.map((r) => r.captureID), flows.map((r) => r.trackingID),
          flows.map((r) => r.start), flows.map((r) => r.last), flows.map((r) => r.finishType), flows.map((r) => r.json),
        ]);
        if (metrics.length > 0) {
          await client.query(sql.insertMetrics, [
            metrics.map((r) => r.uuid), metrics.map((r) => r.start), metrics.map((r) => r.last), metrics.map((r) => r.abPackets),
            metrics.map((r) => r.abBytes), metrics.map((r) => r.baPackets), metrics.map((r) => r.baBytes), metrics.map((r) => r.rtt),
          ]);
        }
        if (packets.length > 0) {
          await client.query(sql.insertPackets, [
            packets.map((r) => r.uuid), packets.map((r) => r.idx), packets.map((r) => r.ts), packets.map((r) => r.linkType),
            packets.map((r) => r.data),
          ]);
        }
      });
    } catch (err) {
      throw flowError(FlowErrors.STORE_WRITE_FAILED, `writing flows failed: ${(err as Error).message}`, { details: { flows: flows.length }, cause: err });
    }
  }

  async flows(q: StoredFlowQuery): Promise<Flow[]> {
    const pool = this.#use();
    if (q.nodeTIDs !== undefined && q.nodeTIDs.length === 0) return [];
    const params: unknown[] = [q.after?.last ?? q.from, q.after?.uuid ?? '', q.to, q.limit];
    if (q.nodeTIDs !== undefined) params.push(q.nodeTIDs);
    const text = q.nodeTIDs !== undefined ? this.#sql.flowsOfNodes : this.#sql.flows;
    const rows = await read(() => pool.query<{ flow: string }>(text, params));
    return rows.map((r) => flowFromJson(r.flow));
  }

  async metrics(uuids: readonly string[], range: FlowTimeRange): Promise<FlowMetricRecord[]> {
    const pool = this.#use();
    if (uuids.length === 0) return [];
    const rows = await read(() => pool.query<MetricRow>(this.#sql.metrics, [uuids, range.from, range.to]));
    return rows.map(metricRecord);
  }

  async rawPackets(uuids: readonly string[], range?: FlowTimeRange): Promise<FlowRawPacketRecord[]> {
    const pool = this.#use();
    if (uuids.length === 0) return [];
    const rows = await read(() => (range === undefined
      ? pool.query<PacketRow>(this.#sql.packets, [uuids])
      : pool.query<PacketRow>(this.#sql.packetsIn, [uuids, range.from, range.to])));
    return rows.map(packetRecord);
  }

  async prune(before: number): Promise<FlowPruneResult> {
    const pool = this.#use();
    const chunk = this.#config.pruneChunk;
    const out: FlowPruneResult = { flows: 0, metrics: 0, packets: 0 };
    for (;;) {
      const r = (await pool.query<FlowPruneResult>(this.#sql.pruneFlows, [before, chunk])).rows[0] as FlowPruneResult;
      out.flows += r.flows;
      out.metrics += r.metrics;
      out.packets += r.packets;
      if (r.flows < chunk) break;
    }
    for (const [key, text] of [['metrics', this.#sql.pruneMetrics], ['packets', this.#sql.prunePackets]] as const) {
      for (;;) {
        const n = (await pool.query<{ n: number }>(text, [before, chunk])).rows[0]?.n ?? 0;
        out[key] += n;
        if (n < chunk) break;
      }
    }
    return out;
  }

  async stats(): Promise<FlowStoreStats> {
    const res = await this.#use().query<FlowStoreStats>(this.#sql.counts, [this.#config.schema, TABLES]);
    return res.rows[0] as FlowStoreStats;
  }
}

async function read<R extends pg.QueryResultRow>(fn: () => Promise<pg.QueryResult<R>>): Promise<R[]> {
  try {
    return (await fn()).rows;
  } catch (err) {
    throw flowError(FlowErrors.STORE_READ_FAILED, `reading flows failed: ${(err as Error).message}`, { details: {}, cause: err });
  }
}
