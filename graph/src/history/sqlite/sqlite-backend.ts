// The embedded history backend on one thread: one SQLite file in WAL mode, synced on every commit
// (synchronous=FULL), written by one connection and read by another so reads never see a transaction in progress.
// The analyzer runs the writer in a worker thread instead (SqliteHistoryStore).
import type { BackendStats, RowBackend, StoredRow, WriteTransaction } from '../rows.js';
import { SqliteReader } from './sqlite-reader.js';
import { type SqliteBackendConfig, SqliteWriter } from './sqlite-writer.js';

export type { SqliteBackendConfig } from './sqlite-writer.js';

/** History rows in SQLite, written and read on the calling thread. */
export class SqliteBackend implements RowBackend {
  readonly name = 'sqlite';
  readonly #writer: SqliteWriter;
  readonly #reader: SqliteReader;
  #open = false;

  constructor(config: SqliteBackendConfig) {
    this.#writer = new SqliteWriter(config);
    this.#reader = new SqliteReader(config.path, config.cacheKiB);
  }

  async open(): Promise<void> {
    if (this.#open) return;
    this.#writer.open();
    try {
      this.#reader.open();
    } catch (err) {
      this.#writer.close();
      throw err;
    }
    this.#open = true;
  }

  async close(): Promise<void> {
    this.#reader.close();
    this.#writer.close();
    this.#open = false;
  }

  transaction(fn: (tx: WriteTransaction) => Promise<void>): Promise<void> {
    return this.#writer.transaction(fn);
  }

  latestRows(t: number, inclusive: boolean, limit: number, liveOnly = false): Promise<StoredRow[]> {
    return this.#reader.latestRows(t, inclusive, limit, liveOnly);
  }

  keyframes(seqs: readonly number[]): Promise<Map<number, string>> {
    return this.#reader.keyframes(seqs);
  }

  rowsBetween(start: number, end: number, limit: number): Promise<StoredRow[]> {
    return this.#reader.rowsBetween(start, end, limit);
  }

  async pruneBefore(before: number): Promise<number> {
    try {
      return await this.#writer.pruneBefore(before);
    } finally {
      this.#reader.forget();
    }
  }

  updatedAtAtOffset(rows: number): Promise<number | undefined> {
    return this.#reader.updatedAtAtOffset(rows);
  }

  compact(): Promise<void> {
    return this.#writer.compact();
  }

  async stats(): Promise<BackendStats> {
    const c = this.#writer.counts;
    return { bytes: this.#reader.bytes(), nodeRevisions: c.node, edgeRevisions: c.edge, elements: c.elements };
  }
}
