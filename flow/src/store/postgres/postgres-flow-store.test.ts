// The PostgreSQL flow store against the conformance suite on a private server (one schema per test), plus what
// only a shared database shows: tables in the configured schema, concurrent writers, unreachable servers.
import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import pg from 'pg';
import { type TestPostgres, startTestPostgres } from '@topoflow/graph/testing';
import { describeFlowStoreConformance, metric, testFlow } from '../conformance.js';
import type { FlowStore } from '../contract.js';
import { PostgresFlowStore } from './postgres-flow-store.js';

const codeOf = (code: string) => (err: unknown) => (err as { code?: string }).code === code;

describe('postgres flow store', function () {
  this.timeout(60_000);
  let server: TestPostgres | undefined;
  let admin: pg.Pool;
  let schemas = 0;
  const url = () => (server as TestPostgres).url;
  const freshSchema = () => `flows_${process.pid}_${++schemas}`;
  const open = async (schema: string): Promise<FlowStore> => {
    const store = new PostgresFlowStore({ url: url(), schema, pruneChunk: 1000 });
    await store.open();
    return store;
  };

  before(async () => {
    server = await startTestPostgres({ fast: true });
    admin = new pg.Pool({ connectionString: server.url, max: 2 });
  });
  after(async () => {
    await admin?.end();
    await server?.stop();
  });

  describeFlowStoreConformance('postgres', () => {
    const schema = freshSchema();
    return {
      create: () => open(schema),
      reopen: () => open(schema),
      cleanup: async () => void await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
    };
  });

  describe('shared database', () => {
    const stores: FlowStore[] = [];
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((s) => s.close()));
    });

    it('creates its tables in the configured schema, beside tables already there', async () => {
      const schema = freshSchema();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.query(`CREATE TABLE ${schema}.meta (key text PRIMARY KEY, value text NOT NULL)`);
      stores.push(await open(schema));
      const tables = await admin.query<{ name: string }>('SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY 1', [schema]);
      assert.deepEqual(tables.rows.map((r) => r.name), ['flow_meta', 'flow_metrics', 'flow_packets', 'flows', 'meta']);
    });

    it('stores every report of two analyzers writing the same flows at the same time', async () => {
      const schema = freshSchema();
      const [a, b] = await Promise.all([open(schema), open(schema)]);
      stores.push(a as FlowStore, b as FlowStore);
      const reports = (offset: number) => Array.from({ length: 50 }, (_, i) =>
        testFlow(`f${i % 10}`, 0, 100 + i * 2 + offset, { LastUpdateMetric: metric(i * 2 + offset, i * 2 + offset + 1, 1) }));
      const push = async (store: FlowStore, flows: ReturnType<typeof reports>) => {
        for (let i = 0; i < flows.length; i += 5) await store.append(flows.slice(i, i + 5));
      };
      await Promise.all([push(a as FlowStore, reports(0)), push(b as FlowStore, reports(1))]);
      const stats = await (a as FlowStore).stats();
      assert.deepEqual([stats.flows, stats.metrics], [10, 100]);
      const newest = await (b as FlowStore).flows({ from: 0, to: 1_000, limit: 100 });
      // f9's newest report is the last of b's (i = 49, offset 1).
      assert.equal(newest.find((f) => f.UUID === 'f9')?.Last, 100 + 49 * 2 + 1);
    });

    it('refuses a schema written by another version of the store', async () => {
      const schema = freshSchema();
      await (await open(schema)).close();
      await admin.query(`UPDATE ${schema}.flow_meta SET value = '99' WHERE key = 'schema'`);
      await assert.rejects(open(schema), codeOf('FLOW_STORE_SCHEMA_UNSUPPORTED'));
    });
  });

  it('fails to open with FLOW_STORE_UNAVAILABLE when nothing listens, and refuses bad settings', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const store = new PostgresFlowStore({ url: `postgres://u:secret@127.0.0.1:${port}/db`, connectTimeoutMs: 2_000 });
    await assert.rejects(store.open(), (err: Error) => {
      assert.equal((err as { code?: string }).code, 'FLOW_STORE_UNAVAILABLE');
      assert.ok(!err.message.includes('secret'));
      return true;
    });
    assert.throws(() => new PostgresFlowStore({ url: 'localhost:5432' }), codeOf('FLOW_STORE_CONFIG_INVALID'));
    assert.throws(() => new PostgresFlowStore({ url: url(), schema: 'a; DROP TABLE x' }), codeOf('FLOW_STORE_CONFIG_INVALID'));
  });
});
