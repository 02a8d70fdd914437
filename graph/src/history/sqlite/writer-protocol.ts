// Messages between a SqliteHistoryStore and its writer thread: requests carry an id, every reply answers one,
// and every reply carries the row counts after it.
import type { SqliteBackendConfig, SqliteCounts } from './sqlite-writer.js';
import type { WireEvent } from './event-wire.js';

/** What the writer thread receives at start (workerData). */
export type WriterStart = SqliteBackendConfig;

/** A request to the writer thread. */
export type WriterRequest =
  | { readonly id: number; readonly op: 'append'; readonly events: readonly WireEvent[] }
  | { readonly id: number; readonly op: 'prune'; readonly before: number }
  | { readonly id: number; readonly op: 'compact' }
  | { readonly id: number; readonly op: 'close' };

/** An error as it crosses the thread boundary (AppError fields survive, the class does not). */
export interface WireError {
  readonly message: string;
  readonly code?: string;
  readonly details?: Record<string, unknown>;
}

/** The answer to request `id` (0: the thread opened the store, or failed to). */
export type WriterReply =
  | { readonly id: number; readonly ok: true; readonly counts: SqliteCounts; readonly value?: number }
  | { readonly id: number; readonly ok: false; readonly counts?: SqliteCounts; readonly error: WireError; readonly resync?: boolean };

/** The id of the reply to the thread's start. */
export const READY_ID = 0;
