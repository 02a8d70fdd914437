// Builds the configured history store (not opened).
import { type HistoryStore, RowHistoryStore, SqliteBackend } from '@topoflow/graph/history';
import type { ResolvedHistoryConfig } from './config.js';

const PRUNE_CHUNK = 5000;

/** The store for `config`, or undefined when history is off. */
export function createHistoryStore(config: ResolvedHistoryConfig): HistoryStore | undefined {
  const rows = { maxRevisions: config.maxRevisions };
  switch (config.backend) {
    case 'none':
      return undefined;
    case 'sqlite':
      return new RowHistoryStore(new SqliteBackend({ path: config.sqlite.path, cacheKiB: config.sqlite.cacheKiB, pruneChunk: PRUNE_CHUNK }), rows);
    case 'postgres':
      throw new Error('the PostgreSQL history backend is not available in this build');
  }
}
