// The history backends the history benchmark measures: each entry makes an empty, opened store in a place of its
// own (a temp dir, a private PostgreSQL server) and removes it afterwards, with the analyzer's default settings.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultAnalyzerConfig } from '@topoflow/analyzer';
import { parseSize } from '@topoflow/common';
import {
  defaultPostgresBackendConfig, PostgresBackend, RowHistoryStore, SqliteBackend, SqliteHistoryStore, type HistoryStore,
} from '@topoflow/graph/history';
import { startTestPostgres } from '@topoflow/graph/testing';

/** A store made for one measurement. */
export interface StoreUnderTest {
  /** Opened, empty. */
  readonly store: HistoryStore;
  /** Bytes of the backend's files once the store is closed (file backends only), to check `stats().bytes`. */
  readonly filesBytes?: () => number;
  /** Closes the store if still open and removes everything the factory made; idempotent. */
  cleanup(): Promise<void>;
}

/** A backend of the table: its name and a factory of fresh stores. */
export interface HistoryBackendEntry {
  readonly name: string;
  create(): Promise<StoreUnderTest>;
}

/** The analyzer's history settings (analyzer.history defaults) that a store's speed depends on. */
export function analyzerHistoryDefaults(): { cacheKiB: number; maxRevisions: number; batchSize: number; schema: string; poolSize: number } {
  const h = defaultAnalyzerConfig().history;
  return {
    cacheKiB: Math.ceil(parseSize(h.sqlite.cacheSize) / 1024), maxRevisions: h.maxRevisions, batchSize: h.batchSize,
    schema: h.postgres.schema, poolSize: h.postgres.poolSize,
  };
}

/** Rows a retention step deletes per transaction in the analyzer's SQLite store (store-factory.ts); pruning is not measured. */
const PRUNE_CHUNK = 5000;

/**
 * SQLite: one file in a new temp dir, removed by cleanup or, after a crash or a signal, when the process exits.
 * The store is the analyzer's (writes in a worker thread); BENCH_SQLITE_ONE_THREAD=1 measures the store that writes
 * on the calling thread instead (RowHistoryStore over SqliteBackend), for comparisons.
 */
async function createSqlite(): Promise<StoreUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'topoflow-bench-history-'));
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  const d = analyzerHistoryDefaults();
  const config = { path: join(dir, 'history.db'), cacheKiB: d.cacheKiB, pruneChunk: PRUNE_CHUNK };
  const rows = { maxRevisions: d.maxRevisions };
  const store = process.env['BENCH_SQLITE_ONE_THREAD'] === '1'
    ? new RowHistoryStore(new SqliteBackend(config), rows) : new SqliteHistoryStore(config, rows);
  try {
    await store.open();
  } catch (err) {
    removeDir();
    process.off('exit', removeDir);
    throw err;
  }
  return {
    store,
    filesBytes: () => readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0),
    cleanup: async () => {
      try {
        await store.close();
      } finally {
        removeDir();
        process.off('exit', removeDir);
      }
    },
  };
}

/**
 * PostgreSQL: a private server (`startTestPostgres`, durable defaults: fsync and synchronous commit on) per store,
 * stopped by cleanup or, after a crash or a signal, when the process exits. Disk use is judged on `stats().bytes`.
 */
async function createPostgres(): Promise<StoreUnderTest> {
  const server = await startTestPostgres();
  const d = analyzerHistoryDefaults();
  const store = new RowHistoryStore(
    new PostgresBackend({ ...defaultPostgresBackendConfig(), url: server.url, schema: d.schema, poolSize: d.poolSize }),
    { maxRevisions: d.maxRevisions });
  try {
    await store.open();
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    store,
    cleanup: async () => {
      try {
        await store.close();
      } finally {
        await server.stop();
      }
    },
  };
}

/** Every backend measured, each as its own benchmark (`history-<name>`); a new backend is one more entry. */
export const HISTORY_BACKENDS: readonly HistoryBackendEntry[] = [
  { name: 'sqlite', create: createSqlite },
  { name: 'postgres', create: createPostgres },
];
