// Builds the configured history store (not opened).
import { type HistoryStore, PostgresBackend, RowHistoryStore, SqliteBackend } from '@topoflow/graph/history';
import type { ResolvedHistoryConfig } from './config.js';

const PRUNE_CHUNK = 5000;

/** The store for `config`, or undefined when history is off. */
export function createHistoryStore(config: ResolvedHistoryConfig, logger?: { warn(obj: object, msg: string): void }): HistoryStore | undefined {
  const rows = { maxRevisions: config.maxRevisions };
  switch (config.backend) {
    case 'none':
      return undefined;
    case 'sqlite':
      return new RowHistoryStore(new SqliteBackend({ path: config.sqlite.path, cacheKiB: config.sqlite.cacheKiB, pruneChunk: PRUNE_CHUNK }), rows);
    case 'postgres':
      return new RowHistoryStore(new PostgresBackend({
        url: config.postgres.url, schema: config.postgres.schema, poolSize: config.postgres.poolSize, pruneChunk: PRUNE_CHUNK / 5,
      }, logger ? { logger } : {}), rows);
  }
}
