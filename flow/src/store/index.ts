// The flow history store: its interface and the SQLite and PostgreSQL backends (@topoflow/flow/store).
export * from './contract.js';
export { SqliteFlowStore, defaultSqliteFlowStoreConfig, type SqliteFlowStoreConfig } from './sqlite/sqlite-flow-store.js';
export {
  PostgresFlowStore, defaultPostgresFlowStoreConfig, type PostgresFlowStoreConfig, type PostgresFlowStoreDeps,
} from './postgres/postgres-flow-store.js';
