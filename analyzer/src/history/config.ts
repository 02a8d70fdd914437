// Settings of the analyzer's graph history: which store, where, how appends are batched, how long history is
// kept, and how much one time-travel read may return.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The history section of the analyzer configuration. */
export interface AnalyzerHistoryConfig {
  /** 'sqlite' (a file under dataDir), 'postgres' (a shared database) or 'none' (no time travel). */
  backend: string;
  sqlite: {
    /** Database file; '' means history.db under the analyzer's data directory. */
    path: string;
    /** Page cache per connection. */
    cacheSize: string;
  };
  postgres: {
    /** Connection string, e.g. postgres://user@127.0.0.1:5432/topoflow. */
    url: string;
    /** PostgreSQL schema holding the tables (created when missing). */
    schema: string;
    /** Connections in the pool. */
    poolSize: number;
  };
  /** Graph events stored in one transaction at most. */
  batchSize: number;
  /** Events waiting for the store before new ones are dropped (counted). */
  queueSize: number;
  /** Longest wait for a write through the node/edge API to become durable before it answers 503. */
  ackTimeout: string;
  /** Delay before retrying a failed open or write; doubles up to 30s. */
  retryInterval: string;
  /** Revisions one time-travel read may return; a larger window fails with 413. */
  maxRevisions: number;
  /** Restore elements of publishers and of the node/edge API from history at start. */
  restore: boolean;
  /** How long a restored edge waits for an endpoint owned by an agent to come back before it is dropped. */
  restoreGrace: string;
  retention: {
    /** History older than this is removed; '0s' keeps it forever. */
    maxAge: string;
    /** Above this size the oldest history is removed; '0' means no limit. */
    maxSize: string;
    /** Period of the retention pass. */
    interval: string;
  };
}

/** Defaults of the history section. */
export function defaultAnalyzerHistoryConfig(): AnalyzerHistoryConfig {
  return {
    backend: 'sqlite',
    sqlite: { path: '', cacheSize: '64MiB' },
    postgres: { url: '', schema: 'topoflow', poolSize: 4 },
    batchSize: 10_000,
    queueSize: 1_000_000,
    ackTimeout: '10s',
    retryInterval: '1s',
    maxRevisions: 1_000_000,
    restore: true,
    restoreGrace: '60s',
    retention: { maxAge: '7d', maxSize: '0', interval: '10m' },
  };
}

/** The data directory used when the configuration leaves it empty: /var/lib/topoflow for root, else under $HOME. */
export function defaultDataDir(uid: number | undefined = process.getuid?.()): string {
  return uid === 0 ? '/var/lib/topoflow' : join(homedir(), '.local', 'share', 'topoflow');
}

/** History settings with durations and sizes as numbers. */
export interface ResolvedHistoryConfig {
  backend: 'sqlite' | 'postgres' | 'none';
  sqlite: { path: string; cacheKiB: number };
  postgres: { url: string; schema: string; poolSize: number };
  batchSize: number;
  queueSize: number;
  ackTimeoutMs: number;
  retryMs: number;
  maxRevisions: number;
  restore: boolean;
  restoreGraceMs: number;
  retention: { maxAgeMs: number; maxBytes: number; intervalMs: number };
}

/** Converters that record a problem and return a fallback, from the analyzer's config resolution. */
export interface ConfigChecks {
  duration(path: string, v: string, min: number): number;
  size(path: string, v: string, allowZero?: boolean): number;
  count(path: string, v: number): number;
  problem(message: string): void;
}

/** Resolves the history section; `dataDir` is the analyzer's resolved data directory. */
export function resolveHistoryConfig(h: AnalyzerHistoryConfig, dataDir: string, check: ConfigChecks): ResolvedHistoryConfig {
  const backend = h.backend;
  if (backend !== 'sqlite' && backend !== 'postgres' && backend !== 'none') {
    check.problem(`analyzer.history.backend: must be sqlite, postgres or none, not "${backend}"`);
  }
  if (backend === 'postgres' && h.postgres.url === '') check.problem('analyzer.history.postgres.url: required when backend is postgres');
  if (backend === 'postgres' && String(h.retention.maxSize) !== '0') {
    // PostgreSQL keeps freed space inside its files, so the size cannot tell when enough history is gone.
    check.problem('analyzer.history.retention.maxSize: not supported with backend postgres (use retention.maxAge, and quotas on the database)');
  }
  if (!/^[a-z_][a-z0-9_]*$/i.test(h.postgres.schema)) check.problem(`analyzer.history.postgres.schema: "${h.postgres.schema}" is not a plain identifier`);
  return {
    backend: backend === 'postgres' || backend === 'none' ? backend : 'sqlite',
    sqlite: { path: h.sqlite.path !== '' ? h.sqlite.path : join(dataDir, 'history.db'), cacheKiB: Math.ceil(check.size('history.sqlite.cacheSize', h.sqlite.cacheSize) / 1024) },
    postgres: { url: h.postgres.url, schema: h.postgres.schema, poolSize: check.count('history.postgres.poolSize', h.postgres.poolSize) },
    batchSize: check.count('history.batchSize', h.batchSize),
    queueSize: check.count('history.queueSize', h.queueSize),
    ackTimeoutMs: check.duration('history.ackTimeout', h.ackTimeout, 1),
    retryMs: check.duration('history.retryInterval', h.retryInterval, 1),
    maxRevisions: check.count('history.maxRevisions', h.maxRevisions),
    restore: h.restore,
    restoreGraceMs: check.duration('history.restoreGrace', h.restoreGrace, 0),
    retention: {
      maxAgeMs: check.duration('history.retention.maxAge', h.retention.maxAge, 0),
      maxBytes: check.size('history.retention.maxSize', h.retention.maxSize, true),
      intervalMs: check.duration('history.retention.interval', h.retention.interval, 1000),
    },
  };
}
