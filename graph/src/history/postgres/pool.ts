// What every PostgreSQL-backed store of the analyzer shares (graph history, flow history): checking its settings,
// a connection pool with bigint counts as numbers, transactions that survive broken connections, and where a
// connection string points without its credentials.
import pg from 'pg';

/** Settings every PostgreSQL store has. */
export interface PostgresSettings {
  url: string;
  schema: string;
  poolSize: number;
  connectTimeoutMs: number;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The first unusable setting (url, schema, and the given positive-integer keys), or undefined. */
export function postgresSettingsProblem<C extends PostgresSettings>(c: C, positive: readonly (keyof C & string)[]): { key: string; message: string } | undefined {
  if (!/^postgres(ql)?:\/\//.test(c.url)) return { key: 'url', message: 'needs a postgres:// connection string' };
  if (!SCHEMA_NAME.test(c.schema)) return { key: 'schema', message: `'${c.schema}' is not a usable PostgreSQL schema name (letters, digits, _)` };
  for (const key of positive) {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) return { key, message: `${key} must be a positive integer` };
  }
  return undefined;
}

/** A pool for `c`; failures of idle connections are logged (they would otherwise end the process). */
export function createPostgresPool(c: PostgresSettings, applicationName: string, logger?: { warn(obj: object, msg: string): void }): pg.Pool {
  const types = new pg.TypeOverrides();
  // Times, seqs, ids and counts are bigint (int8, OID 20); every value the stores keep fits a double exactly.
  types.setTypeParser(20, 'text', Number);
  const pool = new pg.Pool({
    connectionString: c.url, max: c.poolSize, connectionTimeoutMillis: c.connectTimeoutMs, keepAlive: true,
    application_name: applicationName, types,
  });
  pool.on('error', (err) => logger?.warn({ err, applicationName }, 'idle database connection failed'));
  return pool;
}

/** Runs `fn` between BEGIN and COMMIT on one connection; a connection that fails to roll back is discarded. */
export async function inPostgresTransaction(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A connection that fails between two statements emits 'error'; unheard, that would end the process.
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    await fn(client);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch((e: Error) => {
      broken = e;
    });
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** host:port/database of a connection string, without credentials, for error messages. */
export function postgresLocation(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return 'the configured URL';
  }
}
