// The SQLite schema of the history store and the columns every read selects.

/** Schema version written in the meta table; a store with another version is refused. */
export const SCHEMA_VERSION = 1;

/** Statements creating the schema (idempotent). auto_vacuum must be set before the first table exists. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
  sid INTEGER PRIMARY KEY, host TEXT NOT NULL, origin TEXT NOT NULL, UNIQUE (host, origin));
CREATE TABLE IF NOT EXISTS elements (
  eid INTEGER PRIMARY KEY, kind INTEGER NOT NULL, id TEXT NOT NULL, first_at INTEGER NOT NULL, gone_at INTEGER,
  UNIQUE (kind, id));
CREATE TABLE IF NOT EXISTS revisions (
  seq INTEGER PRIMARY KEY, eid INTEGER NOT NULL, sid INTEGER NOT NULL, created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, deleted_at INTEGER, revision INTEGER NOT NULL, parent TEXT, child TEXT,
  base INTEGER, meta TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS revisions_element ON revisions (eid, updated_at);
CREATE INDEX IF NOT EXISTS revisions_time ON revisions (updated_at);
`;

/** Columns of a row read back (as an array), from `revisions r`: element and source as ids, resolved by the reader. */
export const RAW_COLUMNS = `r.seq, r.eid, r.sid, r.created_at, r.updated_at, r.deleted_at, r.revision, r.parent, r.child, r.meta, r.base`;
