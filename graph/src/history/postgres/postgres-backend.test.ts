// The PostgreSQL backend against the history conformance suite on a private server (one schema per test), plus
// what only a shared database shows: concurrent writers, schema versions, unreachable servers.
import { strict as assert } from 'node:assert';
import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { describeHistoryConformance, RecordedGraph } from '../../conformance/history-conformance.js';
import type { GraphEvent } from '../../events.js';
import { RowHistoryStore } from '../row-store.js';
import type { HistoryStore } from '../store.js';
import { PostgresBackend } from './postgres-backend.js';
import { startTestPostgres, type TestPostgres } from './test-server.js';

const codeOf = (code: string) => (err: unknown) => (err as { code?: string }).code === code;
const range = (start: number, end: number) => ({ start, end, point: false });
const point = (t: number) => ({ start: t, end: t, point: true });

describe('postgres history backend', function () {
  this.timeout(60_000);
  let server: TestPostgres | undefined;
  let admin: pg.Pool;
  let schemas = 0;
  const url = () => (server as TestPostgres).url;
  const freshSchema = () => `test_${process.pid}_${++schemas}`;
  const open = async (schema: string, pruneChunk = 2): Promise<HistoryStore> => {
    const store = new RowHistoryStore(new PostgresBackend({ url: url(), schema, poolSize: 3, pruneChunk }));
    await store.open();
    return store;
  };

  before(async () => {
    server = await startTestPostgres();
    admin = new pg.Pool({ connectionString: server.url, max: 2 });
  });
  after(async () => {
    await admin?.end();
    await server?.stop();
  });

  describeHistoryConformance('postgres', () => {
    const schema = freshSchema();
    return {
      create: () => open(schema),
      reopen: () => open(schema),
      cleanup: async () => void await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
    };
  });

  describe('shared by several analyzers', () => {
    const stores: HistoryStore[] = [];
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((s) => s.close()));
    });

    it('stores every revision of two analyzers appending to one schema at the same time', async () => {
      const schema = freshSchema();
      const [a, b] = await Promise.all([open(schema), open(schema)]);
      stores.push(a as HistoryStore, b as HistoryStore);
      const graphs = ['a', 'b'].map((prefix) => {
        const g = new RecordedGraph();
        // Both create the same elements (same source, same revisions) first, then their own.
        g.at(1_000);
        for (let i = 0; i < 10; i++) g.graph.addNode({ ID: `common${i}`, Metadata: { Name: `c${i}` } });
        for (let i = 0; i < 20; i++) g.graph.addNode({ ID: `${prefix}${i}`, Metadata: { Name: `${prefix}${i}`, V: 0 } });
        for (let step = 1; step <= 30; step++) g.at(1_000 + step * 10).graph.updateNode(`${prefix}${step % 20}`, { set: { V: step } });
        g.at(2_000).graph.deleteNode(`${prefix}7`);
        return g;
      });
      const logs = graphs.map((g) => g.take());
      const push = async (store: HistoryStore, events: GraphEvent[]) => {
        for (let i = 0; i < events.length; i += 4) await store.append(events.slice(i, i + 4));
      };
      await Promise.all([push(a as HistoryStore, logs[0] as GraphEvent[]), push(b as HistoryStore, logs[1] as GraphEvent[])]);
      const key = (id: string, revision: number, at: number) => `${id}@${revision}@${at}`;
      const want = new Set<string>();
      for (const ev of [...(logs[0] as GraphEvent[]), ...(logs[1] as GraphEvent[])]) {
        if (ev.type === 'nodeAdded' || ev.type === 'nodeUpdated') want.add(key(ev.node.ID, ev.node.Revision, ev.node.UpdatedAt));
      }
      for (const reader of [a, b] as HistoryStore[]) {
        const all = await reader.read(range(0, 9_000));
        assert.deepEqual(new Set(all.nodes.map((n) => key(n.ID, n.Revision, n.UpdatedAt))), want);
        const now = await reader.read(point(5_000));
        assert.deepEqual(now.nodes.map((n) => n.ID).sort(),
          graphs.flatMap((g) => g.graph.toJSON().Nodes.map((n) => n.ID)).filter((id, i, ids) => ids.indexOf(id) === i).sort());
      }
      assert.equal((await (a as HistoryStore).stats()).elements, 50);
    });

    it('creates a new schema once when two analyzers open it at the same time', async () => {
      const schema = freshSchema();
      stores.push(...await Promise.all([open(schema), open(schema), open(schema)]));
      const version = await admin.query(`SELECT value FROM ${schema}.meta WHERE key = 'schema'`);
      assert.deepEqual(version.rows, [{ value: '1' }]);
    });

    it('refuses a schema written by another version of the store', async () => {
      const schema = freshSchema();
      await (await open(schema)).close();
      await admin.query(`UPDATE ${schema}.meta SET value = '99' WHERE key = 'schema'`);
      await assert.rejects(open(schema), codeOf('GRAPH_HISTORY_SCHEMA_UNSUPPORTED'));
    });

  });

  describe('configuration and connection failures', () => {
    let silent: Server | undefined;
    const sockets: Socket[] = [];
    afterEach(async () => {
      for (const s of sockets.splice(0)) s.destroy();
      await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
      silent = undefined;
    });

    it('fails to open within the connect timeout when the server never answers', async () => {
      silent = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent?.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      const backend = new PostgresBackend({ url: `postgres://u:secret@127.0.0.1:${port}/db`, connectTimeoutMs: 300 });
      const started = Date.now();
      await assert.rejects(new RowHistoryStore(backend).open(), (err: Error) => {
        assert.equal((err as { code?: string }).code, 'GRAPH_HISTORY_UNAVAILABLE');
        assert.ok(!err.message.includes('secret'), 'the password stays out of the message');
        return true;
      });
      assert.ok(Date.now() - started < 5_000, `gave up after ${Date.now() - started} ms`);
    });

    it('fails to open when nothing listens at the address', async () => {
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as { port: number }).port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      const backend = new PostgresBackend({ url: `postgres://127.0.0.1:${port}/db`, connectTimeoutMs: 2_000 });
      await assert.rejects(backend.open(), codeOf('GRAPH_HISTORY_UNAVAILABLE'));
    });

    it('fails to open a database that does not exist', async () => {
      const backend = new PostgresBackend({ url: url().replace(/\/postgres$/, '/missing'), connectTimeoutMs: 2_000 });
      await assert.rejects(backend.open(), codeOf('GRAPH_HISTORY_UNAVAILABLE'));
    });

    it('refuses a connection string that is not a postgres URL and a schema name that is not an identifier', () => {
      assert.throws(() => new PostgresBackend({ url: 'localhost:5432' }), codeOf('GRAPH_HISTORY_CONFIG_INVALID'));
      assert.throws(() => new PostgresBackend({ url: url(), schema: 'a; DROP TABLE x' }), codeOf('GRAPH_HISTORY_CONFIG_INVALID'));
      assert.throws(() => new PostgresBackend({ url: url(), poolSize: 0 }), codeOf('GRAPH_HISTORY_CONFIG_INVALID'));
    });
  });
});
