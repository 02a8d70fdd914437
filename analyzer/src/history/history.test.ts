// The analyzer with a real SQLite history: time travel through REST and /ws/subscriber, restore at restart,
// agent elements closed until their agent resyncs, and a store that cannot be opened.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Analyzer } from '../analyzer.js';
import { type TestPostgres, startTestPostgres } from '@topoflow/graph/testing';
import { startTestAnalyzer } from '../testing.js';
import { TestWsClient } from '../ws/test-client.js';

type Started = Awaited<ReturnType<typeof startTestAnalyzer>>;

for (const backend of ['sqlite', 'postgres'] as const) describe(`analyzer history (${backend})`, function () {
  this.timeout(30_000);
  let dir: string;
  let schema: string;
  let pg: TestPostgres | undefined;
  let running: Analyzer[] = [];
  before(async () => {
    if (backend === 'postgres') pg = await startTestPostgres({ fast: true });
  });
  after(async () => pg?.stop());
  const start = async (tweak: (c: Parameters<Parameters<typeof startTestAnalyzer>[0] & object>[0]) => void = () => undefined): Promise<Started> => {
    const s = await startTestAnalyzer((c) => {
      c.analyzer.dataDir = dir;
      c.analyzer.history.backend = backend;
      c.analyzer.history.postgres.url = pg?.url ?? '';
      c.analyzer.history.postgres.schema = schema;
      c.analyzer.history.retryInterval = '50ms';
      tweak(c);
    });
    running.push(s.analyzer);
    return s;
  };
  const query = async (a: Analyzer, q: string) => {
    const r = await a.http!.inject({ method: 'POST', url: '/api/topology', payload: { GremlinQuery: q } });
    return { status: r.statusCode, body: r.json() as unknown };
  };
  const api = async (a: Analyzer, method: 'POST' | 'PATCH', url: string, payload: object) => {
    const r = await a.http!.inject({ method, url, payload });
    assert.ok(r.statusCode < 300, `${method} ${url}: ${r.statusCode} ${r.body}`);
    return r.body === '' ? undefined : (r.json() as { UpdatedAt: number; Revision: number });
  };
  /** A test about the SQLite file itself, registered for that backend only. */
  const sqliteOnly = (title: string, fn: Mocha.AsyncFunc) => {
    if (backend === 'sqlite') it(title, fn);
  };
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'topoflow-analyzer-history-'));
    schema = `t_${Math.random().toString(36).slice(2, 10)}`;
  });
  afterEach(async () => {
    await Promise.all(running.map((a) => a.stop()));
    running = [];
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the old MTU at an earlier instant and every MTU over a window', async () => {
    const { analyzer } = await start();
    const created = await api(analyzer, 'POST', '/api/node', { ID: 'if1', Metadata: { Name: 'if1', Type: 'device', MTU: 1500 } });
    const times = [created!.UpdatedAt];
    for (const mtu of [9000, 1400]) {
      await wait(5);
      const u = await api(analyzer, 'PATCH', '/api/node/if1', [{ op: 'replace', path: '/Metadata/MTU', value: mtu }]);
      times.push(u!.UpdatedAt);
    }
    const at = (t: number) => query(analyzer, `G.At(${t}).V().Has('Name','if1').Values('MTU')`);
    assert.deepEqual((await at(times[0]!)).body, [1500]);
    assert.deepEqual((await at(times[1]!)).body, [9000]);
    assert.deepEqual((await at(times[2]! + 1)).body, [1400]);
    assert.deepEqual((await query(analyzer, `G.At(${times[0]! - 1}).V().Count()`)).body, 0);
    const window = await query(analyzer, `G.At(${times[2]! + 1}, 60).V().Has('Name','if1').Values('MTU')`);
    assert.deepEqual(window.body, [1500, 9000, 1400]);
  });

  it('gives the metric series of an interface over a window', async () => {
    const { analyzer } = await start();
    const base = Date.now() - 10_000;
    await api(analyzer, 'POST', '/api/node', { ID: 'm', Metadata: { Name: 'm', Type: 'device' } });
    for (let i = 1; i <= 3; i++) {
      const metric = { RxBytes: 100 * i, TxBytes: 10, Start: base + i * 1000, Last: base + (i + 1) * 1000 };
      await api(analyzer, 'PATCH', '/api/node/m', [{ op: 'add', path: '/Metadata/LastUpdateMetric', value: metric }]);
    }
    const series = await query(analyzer, "G.At('-0s', 60).V().Has('Name','m').Metrics()");
    assert.deepEqual((series.body as Array<Record<string, Array<{ RxBytes: number }>>>)[0]?.m?.map((x) => x.RxBytes), [100, 200, 300]);
    assert.equal((await query(analyzer, "G.At('-0s', 60).V().Has('Name','m').Metrics().Sum('RxBytes')")).body, 600);
    const agg = await query(analyzer, "G.At('-0s', 60).V().Has('Name','m').Metrics().Aggregates(3600)");
    const buckets = (agg.body as Array<{ Aggregated: Array<{ RxBytes: number; TxBytes: number }> }>)[0]?.Aggregated;
    assert.equal(buckets?.reduce((a, b) => a + b.RxBytes, 0), 600);
    assert.equal(buckets?.reduce((a, b) => a + b.TxBytes, 0), 30);
  });

  it('refuses a window over more revisions than allowed with 413, and bad times with 400', async () => {
    const { analyzer } = await start((c) => {
      c.analyzer.history.maxRevisions = 5;
    });
    await api(analyzer, 'POST', '/api/node', { ID: 'a', Metadata: { Name: 'a', Type: 'device', V: 0 } });
    for (let i = 1; i <= 8; i++) await api(analyzer, 'PATCH', '/api/node/a', [{ op: 'replace', path: '/Metadata/V', value: i }]);
    const big = await query(analyzer, "G.At('-0s', 3600).V()");
    assert.equal(big.status, 413);
    assert.equal((big.body as { code: string }).code, 'GRAPH_HISTORY_WINDOW_TOO_LARGE');
    for (const q of ["G.At('yesterday').V()", "G.At('-5x').V()", "G.V().At('-1m')", "G.At('-1m', '-5m').V()"]) {
      const r = await query(analyzer, q);
      assert.equal(r.status, 400, q);
      assert.match((r.body as { code: string }).code, /^GREMLIN_/, q);
    }
    assert.deepEqual((await query(analyzer, "G.At('-0s').V().Values('V')")).body, [8]);
  });

  it('restores API and publisher elements at restart, closes agent ones until they come back', async () => {
    const first = await start();
    const a1 = first.analyzer;
    await api(a1, 'POST', '/api/node', { ID: 'api-node', Metadata: { Name: 'api-node', Type: 'device' } });
    a1.graph.apply({ type: 'nodeAdded', node: { ID: 'pub', Metadata: { Name: 'pub' }, Host: 'p', Origin: 'publisher.p', CreatedAt: 1, UpdatedAt: 1, DeletedAt: null, Revision: 1 } });
    const agentNode = { ID: 'eth0', Metadata: { Name: 'eth0' }, Host: 'h1', Origin: 'agent.h1', CreatedAt: 1, UpdatedAt: 1, DeletedAt: null, Revision: 1 };
    a1.graph.apply({ type: 'nodeAdded', node: agentNode });
    a1.graph.apply({ type: 'edgeAdded', edge: { ID: 'link', Parent: 'api-node', Child: 'eth0', Metadata: { RelationType: 'layer2' }, Host: 'x', Origin: 'api.x', CreatedAt: 1, UpdatedAt: 1, DeletedAt: null, Revision: 1 } });
    await a1.history.durable();
    const beforeRestart = Date.now();
    await a1.stop();
    running = [];
    await wait(5);

    const { analyzer: a2 } = await start();
    assert.deepEqual([...a2.graph.nodes()].map((n) => n.ID).sort(), ['api-node', 'pub']);
    assert.equal(a2.graph.getEdge('link'), undefined, 'the edge waits for its agent-owned endpoint');
    const past = await query(a2, `G.At(${beforeRestart}).V().Values('Name')`);
    assert.deepEqual((past.body as string[]).sort(), ['api-node', 'eth0', 'pub']);
    assert.deepEqual((await query(a2, "G.At('-0s').V().Values('Name')")).body, ['api-node', 'pub'].sort());

    a2.graph.apply({ type: 'nodeAdded', node: agentNode });
    await wait(10);
    assert.ok(a2.graph.getEdge('link'), 'the waiting edge is back once its endpoint is');
    await a2.history.durable();
    const now = await query(a2, "G.At('-0s').V().Values('Name')");
    assert.deepEqual((now.body as string[]).sort(), ['api-node', 'eth0', 'pub']);
    const stats = await a2.history.store!.stats();
    assert.equal(stats.nodeRevisions, 3, 'the agent resync reopened the stored revision instead of storing it again');
  });

  it('closes a restored edge whose agent endpoint does not come back within the grace time', async () => {
    const { analyzer: a1 } = await start();
    await api(a1, 'POST', '/api/node', { ID: 'api-node', Metadata: { Name: 'api-node', Type: 'device' } });
    a1.graph.apply({ type: 'nodeAdded', node: { ID: 'gone', Metadata: {}, Host: 'h9', Origin: 'agent.h9', CreatedAt: 1, UpdatedAt: 1, DeletedAt: null, Revision: 1 } });
    await api(a1, 'POST', '/api/edge', { ID: 'dangling', Parent: 'api-node', Child: 'gone', Metadata: { RelationType: 'layer2' } });
    await a1.stop();
    running = [];
    const { analyzer: a2 } = await start((c) => {
      c.analyzer.history.restoreGrace = '50ms';
    });
    assert.equal(a2.graph.getEdge('dangling'), undefined);
    await wait(150);
    await a2.history.durable();
    const live = await a2.history.store!.live();
    assert.deepEqual(live.edges, [], 'the edge is closed in history after the grace time');
    assert.deepEqual(live.nodes.map((n) => n.ID), ['api-node']);
  });

  it('answers a SyncRequest with a Time with the past graph and sends no live events until a live sync', async () => {
    const { analyzer, ws } = await start();
    const created = await api(analyzer, 'POST', '/api/node', { ID: 'n1', Metadata: { Name: 'n1', Type: 'device', MTU: 1500 } });
    await wait(5);
    await api(analyzer, 'PATCH', '/api/node/n1', [{ op: 'replace', path: '/Metadata/MTU', value: 9000 }]);
    const c = await TestWsClient.connect(`${ws}/ws/subscriber`);
    try {
      const past = await c.request('SyncRequest', { Time: created!.UpdatedAt });
      assert.equal(past.Type, 'SyncReply');
      assert.deepEqual((past.Obj as { Nodes: { Metadata: { MTU: number } }[] }).Nodes.map((n) => n.Metadata.MTU), [1500]);
      analyzer.graph.addNode({ ID: 'n2', Metadata: { Name: 'n2' } });
      assert.deepEqual(await c.drain(100), [], 'no live events while viewing the past');
      const live = await c.request('SyncRequest', {});
      assert.equal((live.Obj as { Nodes: unknown[] }).Nodes.length, 2);
      analyzer.graph.addNode({ ID: 'n3', Metadata: { Name: 'n3' } });
      assert.equal((await c.nextOfType('NodeAdded')).Type, 'NodeAdded');
      const bad = await c.request('SyncRequest', { Time: 'yesterday' });
      assert.equal(bad.Status, 400);
    } finally {
      await c.close();
    }
  });

  sqliteOnly('keeps running without history when the store cannot be opened, and says why', async () => {
    writeFileSync(join(dir, 'history.db'), 'not a database '.repeat(100));
    const { analyzer } = await start();
    const r = await query(analyzer, "G.At('-1m').V()");
    assert.equal(r.status, 503);
    assert.equal((r.body as { code: string }).code, 'ANALYZER_HISTORY_STORE_DOWN');
    assert.equal((await query(analyzer, 'G.V().Count()')).status, 200);
    const health = await analyzer.http!.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.statusCode, 200);
    const metrics = (await analyzer.http!.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /topoflow_analyzer_history_store_available 0/);
    assert.match(metrics, /topoflow_analyzer_history_store_open_errors_total [1-9]/);
  });

  it('answers 400 to time travel when history is turned off', async () => {
    const { analyzer } = await start((c) => {
      c.analyzer.history.backend = 'none';
    });
    const r = await query(analyzer, "G.At('-1m').V()");
    assert.equal(r.status, 400);
  });
});
