// The SQLite history store as the analyzer runs it: a worker thread owns the write connection and does the
// inserts, commits (synced), checkpoints, pruning and compaction; the calling thread plans each append into rows
// (cheap here: revisions of the live graph share unchanged values) and reads through its own read-only
// connection. A writer thread that dies fails the append in progress and is started again by the next write.
import type { GraphEvent } from '../../events.js';
import { GraphErrors, graphError } from '../../errors.js';
import { applyPrunePolicy } from '../prune.js';
import { RowReader, type RowHistoryStoreConfig, defaultRowHistoryStoreConfig } from '../row-reader.js';
import { RowWriter } from '../row-writer.js';
import type { HistorySnapshot, HistoryStore, PrunePolicy, PruneResult, ReadLimits, StoreStats, TimeSlice } from '../store.js';
import { SqliteReader } from './sqlite-reader.js';
import { type SqliteBackendConfig, checkSqlitePath } from './sqlite-writer.js';
import { ThreadSink } from './thread-sink.js';
import { type WriterExit, WriterClient } from './writer-client.js';

/** What the store reports to. */
export interface SqliteHistoryStoreDeps {
  readonly logger?: { error(obj: object, msg: string): void; info?(obj: object, msg: string): void };
  /** Called when a writer thread ends unexpectedly (it is started again on the next write). */
  readonly onWriterExit?: (exit: WriterExit) => void;
  /** Called with each writer thread started (tests stop it to see the store recover). */
  readonly onWriterStart?: (client: WriterClient) => void;
}

/** A HistoryStore on SQLite whose writes run in a worker thread. */
export class SqliteHistoryStore implements HistoryStore {
  readonly backend = 'sqlite';
  readonly #config: SqliteBackendConfig;
  readonly #deps: SqliteHistoryStoreDeps;
  readonly #reader: SqliteReader;
  readonly #rows: RowReader;
  readonly #writes = new RowWriter(new ThreadSink(() => this.#useWriter()));
  #writer: WriterClient | undefined;
  #starting: Promise<WriterClient> | undefined;
  #queue: Promise<void> = Promise.resolve();
  #open = false;

  constructor(config: SqliteBackendConfig, options: Partial<RowHistoryStoreConfig> = {}, deps: SqliteHistoryStoreDeps = {}) {
    checkSqlitePath(config.path);
    this.#config = config;
    this.#deps = deps;
    this.#reader = new SqliteReader(config.path, config.cacheKiB);
    this.#rows = new RowReader(this.#reader, { ...defaultRowHistoryStoreConfig(), ...options });
  }

  async open(): Promise<void> {
    if (this.#open) return;
    const writer = await this.#startWriter();
    try {
      this.#reader.open();
    } catch (err) {
      await writer.close();
      this.#writer = undefined;
      throw err;
    }
    this.#open = true;
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.#queue;
    await this.#starting?.catch(() => undefined);
    // The writer closes last: the last connection to close checkpoints the WAL into the file and removes it.
    this.#reader.close();
    await this.#writer?.close();
    this.#writer = undefined;
  }

  append(events: readonly GraphEvent[]): Promise<void> {
    if (!this.#open) return Promise.reject(closedError());
    if (events.length === 0) return this.#queue;
    return this.#serial(() => this.#writes.write(events));
  }

  async read(slice: TimeSlice, limits: ReadLimits = {}): Promise<HistorySnapshot> {
    this.#checkOpen();
    return this.#reader.snapshot(() => this.#rows.read(slice, limits));
  }

  async live(): Promise<HistorySnapshot> {
    this.#checkOpen();
    return this.#reader.snapshot(() => this.#rows.live());
  }

  async prune(policy: PrunePolicy): Promise<PruneResult> {
    this.#checkOpen();
    // Between appends, never inside one's transaction.
    const request = (req: { op: 'prune'; before: number } | { op: 'compact' }) => this.#serial(async () => {
      try {
        return await (await this.#useWriter()).request(req);
      } finally {
        this.#reader.forget();
      }
    });
    return applyPrunePolicy(policy, {
      pruneBefore: async (before) => ((await request({ op: 'prune', before })) as number | undefined) ?? 0,
      stats: () => this.stats(),
      updatedAtAtOffset: (n) => this.#reader.updatedAtAtOffset(n),
      compact: async () => {
        this.#rows.forget();
        await request({ op: 'compact' });
      },
    });
  }

  async stats(): Promise<StoreStats> {
    this.#checkOpen();
    const c = this.#writer?.counts ?? { node: 0, edge: 0, elements: 0 };
    return { bytes: this.#reader.bytes(), nodeRevisions: c.node, edgeRevisions: c.edge, elements: c.elements };
  }

  #checkOpen(): void {
    if (!this.#open) throw closedError();
  }

  /** Runs `fn` after every write queued before it. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn);
    this.#queue = run.then(() => undefined, () => undefined);
    return run;
  }

  /** The running writer thread, started again if the last one died. */
  async #useWriter(): Promise<WriterClient> {
    if (this.#writer?.alive === true) return this.#writer;
    if (!this.#open) throw closedError();
    const writer = await this.#startWriter();
    this.#deps.logger?.info?.({ path: this.#config.path }, 'history writer thread restarted');
    return writer;
  }

  #startWriter(): Promise<WriterClient> {
    this.#starting ??= WriterClient.start(this.#config, (exit) => this.#onWriterExit(exit)).then((w) => {
      this.#writer = w;
      this.#deps.onWriterStart?.(w);
      return w;
    }).finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  #onWriterExit(exit: WriterExit): void {
    // The planner's cache may hold rows of a transaction the thread never committed.
    this.#writes.reset();
    this.#deps.logger?.error({ err: exit.error, exitCode: exit.code, path: this.#config.path }, 'history writer thread stopped; it restarts on the next write');
    this.#deps.onWriterExit?.(exit);
  }
}

function closedError() {
  return graphError(GraphErrors.HISTORY_CLOSED, 'the history store is not open');
}
