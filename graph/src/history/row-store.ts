// The history semantics of reference §2.7 over a SQL row backend: appends planned into keyframe/delta rows and
// committed durably in order (RowWriter); reads of an instant or a window rebuilt into elements (RowReader).
import { GraphErrors, graphError } from '../errors.js';
import type { GraphEvent } from '../events.js';
import { applyPrunePolicy } from './prune.js';
import { RowReader, type RowHistoryStoreConfig, defaultRowHistoryStoreConfig } from './row-reader.js';
import { RowWriter } from './row-writer.js';
import type { RowBackend } from './rows.js';
import type { HistorySnapshot, HistoryStore, PrunePolicy, PruneResult, ReadLimits, StoreStats, TimeSlice } from './store.js';

export { type RowHistoryStoreConfig, defaultRowHistoryStoreConfig } from './row-reader.js';

/** A HistoryStore over any RowBackend, reads and writes on the calling thread. */
export class RowHistoryStore implements HistoryStore {
  readonly #backend: RowBackend;
  readonly #writer: RowWriter;
  readonly #reader: RowReader;
  #queue: Promise<void> = Promise.resolve();
  #open = false;

  constructor(backend: RowBackend, config: Partial<RowHistoryStoreConfig> = {}) {
    this.#backend = backend;
    this.#writer = new RowWriter(backend);
    this.#reader = new RowReader(backend, { ...defaultRowHistoryStoreConfig(), ...config });
  }

  get backend(): string {
    return this.#backend.name;
  }

  async open(): Promise<void> {
    if (this.#open) return;
    await this.#backend.open();
    this.#open = true;
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.#queue;
    await this.#backend.close();
  }

  append(events: readonly GraphEvent[]): Promise<void> {
    if (!this.#open) return Promise.reject(graphError(GraphErrors.HISTORY_CLOSED, 'the history store is not open'));
    if (events.length === 0) return this.#queue;
    const run = this.#queue.then(() => this.#writer.write(events));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async read(slice: TimeSlice, limits: ReadLimits = {}): Promise<HistorySnapshot> {
    this.#checkOpen();
    return this.#reader.read(slice, limits);
  }

  async live(): Promise<HistorySnapshot> {
    this.#checkOpen();
    return this.#reader.live();
  }

  async prune(policy: PrunePolicy): Promise<PruneResult> {
    this.#checkOpen();
    const b = this.#backend;
    return applyPrunePolicy(policy, {
      pruneBefore: (t) => b.pruneBefore(t), stats: () => b.stats(), updatedAtAtOffset: (n) => b.updatedAtAtOffset(n),
      compact: async () => {
        this.#reader.forget();
        await b.compact();
      },
    });
  }

  async stats(): Promise<StoreStats> {
    this.#checkOpen();
    return this.#backend.stats();
  }

  #checkOpen(): void {
    if (!this.#open) throw graphError(GraphErrors.HISTORY_CLOSED, 'the history store is not open');
  }
}
