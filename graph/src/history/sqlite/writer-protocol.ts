// Messages between a SqliteHistoryStore and its writer thread: requests carry an id, every reply answers one and
// carries the row counts after it. An append is a transaction the calling thread drives: resolving new elements
// and sources (which opens it), then one commit with the planned rows.
import type { ElementKey, SourceKey } from '../rows.js';
import type { RowColumns } from './row-columns.js';
import type { SqliteBackendConfig, SqliteCounts } from './sqlite-writer.js';

/** What the writer thread receives at start (workerData). */
export type WriterStart = SqliteBackendConfig;

/** A request to the writer thread. */
export type WriterRequest =
  | { readonly id: number; readonly op: 'resolveElements'; readonly keys: readonly ElementKey[] }
  | { readonly id: number; readonly op: 'resolveSources'; readonly keys: readonly SourceKey[] }
  | {
    readonly id: number; readonly op: 'commit'; readonly rows: RowColumns;
    readonly rowDeletions: ReadonlyArray<readonly [number, number | null]>; readonly elementGone: ReadonlyArray<readonly [number, number | null]>;
  }
  | { readonly id: number; readonly op: 'rollback' }
  | { readonly id: number; readonly op: 'prune'; readonly before: number }
  | { readonly id: number; readonly op: 'compact' }
  | { readonly id: number; readonly op: 'close' };

/** An error as it crosses the thread boundary (AppError fields survive, the class does not). */
export interface WireError {
  readonly message: string;
  readonly code?: string;
  readonly details?: Record<string, unknown>;
}

/** The answer to request `id` (READY_ID: the thread opened the store, or failed to). */
export type WriterReply =
  | { readonly id: number; readonly ok: true; readonly counts: SqliteCounts; readonly nextSeq: number; readonly value?: unknown }
  | { readonly id: number; readonly ok: false; readonly counts?: SqliteCounts; readonly error: WireError };

/** The id of the reply to the thread's start. */
export const READY_ID = 0;
