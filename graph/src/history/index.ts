// The history store: interface, row model, the SQL-independent store logic and the backends.
export * from './store.js';
export * from './row-store.js';
export * from './snapshot-view.js';
export { SqliteBackend, type SqliteBackendConfig } from './sqlite/sqlite-backend.js';
export { sqliteBytes } from './sqlite/sqlite-reader.js';
export { SqliteHistoryStore, type SqliteHistoryStoreDeps } from './sqlite/sqlite-history-store.js';
export type { WriterClient, WriterExit } from './sqlite/writer-client.js';
export { PostgresBackend, defaultPostgresBackendConfig, type PostgresBackendConfig, type PostgresBackendDeps } from './postgres/postgres-backend.js';
export {
  type PostgresSettings, createPostgresPool, inPostgresTransaction, postgresLocation, postgresSettingsProblem,
} from './postgres/pool.js';
