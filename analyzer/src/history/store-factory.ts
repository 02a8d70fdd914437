// Builds the configured history store (not opened).
import { type HistoryStore, PostgresBackend, RowHistoryStore, SqliteHistoryStore, type WriterExit } from '@topoflow/graph/history';
import type { ResolvedHistoryConfig } from './config.js';

const PRUNE_CHUNK = 5000;

/** What the store reports to. */
export interface HistoryStoreHooks {
  readonly logger?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** A SQLite writer thread ended unexpectedly (it restarts on the next write). */
  readonly onWriterExit?: (exit: WriterExit) => void;
}

/** The store for `config`, or undefined when history is off. */
export function createHistoryStore(config: ResolvedHistoryConfig, hooks: HistoryStoreHooks = {}): HistoryStore | undefined {
  const rows = { maxRevisions: config.maxRevisions };
  const { logger, onWriterExit } = hooks;
  switch (config.backend) {
    case 'none':
      return undefined;
    case 'sqlite':
      return new SqliteHistoryStore({
        path: config.sqlite.path, cacheKiB: config.sqlite.cacheKiB, pruneChunk: PRUNE_CHUNK,
      }, rows, {
        ...(logger ? { logger } : {}), ...(onWriterExit ? { onWriterExit } : {}),
      });
    case 'postgres':
      return new RowHistoryStore(new PostgresBackend({
        url: config.postgres.url, schema: config.postgres.schema, poolSize: config.postgres.poolSize, pruneChunk: PRUNE_CHUNK / 5,
      }, logger ? { logger } : {}), rows);
  }
}
