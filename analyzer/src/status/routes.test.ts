// GET /api, /api/status, /metrics, /healthz, /readyz and CORS preflights.
import assert from 'node:assert/strict';
import { silentReporter } from '@topoflow/common';
import Fastify from 'fastify';
import type { Analyzer } from '../analyzer.js';
import { sampleEngine, startTestAnalyzer } from '../testing.js';
import { TestWsClient } from '../ws/test-client.js';
import { registerStatusRoutes } from './routes.js';

describe('status routes', () => {
  let analyzer: Analyzer;
  let ws: string;

  before(async () => {
    ({ analyzer, ws } = await startTestAnalyzer(undefined, { engine: sampleEngine() }));
  });

  after(() => analyzer.stop());

  const get = (url: string) => analyzer.http!.inject({ method: 'GET', url });

  it('identifies the service on GET /api', async () => {
    assert.deepEqual((await get('/api')).json(), { Host: 'test-host', Version: '0.1.0', Service: 'analyzer' });
  });

  it('lists connected publishers and subscribers in Skydive status shape', async () => {
    const sub = await TestWsClient.connect(`${ws}/ws/subscriber`, { 'X-Host-ID': 'ui-1', 'X-Client-Type': 'webui', 'X-Update-Policy': 'partial' });
    const pub = await TestWsClient.connect(`${ws}/ws/publisher`, { 'X-Host-ID': 'pub-1', 'X-Client-Type': 'seed' });
    try {
      const body = (await get('/api/status')).json();
      assert.deepEqual(Object.keys(body).sort(), ['Agents', 'Alerts', 'Captures', 'Flows', 'Peers', 'Probes', 'Publishers', 'Subscribers']);
      assert.deepEqual(body.Peers, { Incomers: {}, Outgoers: {} });
      const s = body.Subscribers['ui-1'];
      assert.equal(s.ServiceType, 'webui');
      assert.equal(s.ClientProtocol, 'json');
      assert.equal(s.Addr, '127.0.0.1');
      assert.equal(typeof s.Port, 'number');
      assert.equal(s.IsConnected, true);
      assert.equal(s.UpdatePolicy, 'partial');
      assert.ok(!Number.isNaN(Date.parse(s.ConnectTime)));
      assert.equal(body.Publishers['pub-1'].ServiceType, 'seed');
    } finally {
      await sub.close();
      await pub.close();
    }
  });

  it('exposes the service metrics in Prometheus text', async () => {
    const res = await get('/metrics');
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/plain/);
    for (const name of [
      'topoflow_analyzer_ws_connections_total', 'topoflow_analyzer_ws_messages_received_total',
      'topoflow_analyzer_ws_messages_rejected_total', 'topoflow_analyzer_ws_messages_dropped_total',
      'topoflow_analyzer_topology_queries_total', 'topoflow_analyzer_topology_query_errors_total',
      'topoflow_analyzer_graph_nodes',
    ]) {
      assert.match(res.body, new RegExp(`# TYPE ${name} `), name);
    }
    assert.match(res.body, /topoflow_analyzer_ws_connections_total\{endpoint="subscriber"\} [1-9]/);
  });

  it('reports health checks on /healthz and readiness on /readyz', async () => {
    const health = await get('/healthz');
    assert.equal(health.statusCode, 200);
    assert.equal(health.json().checks['ws.keepalive'].ok, true);
    assert.equal((await get('/readyz')).statusCode, 200);
  });

  it('answers CORS preflights', async () => {
    const res = await analyzer.http!.inject({ method: 'OPTIONS', url: '/api/topology', headers: { origin: 'http://x', 'access-control-request-method': 'POST' } });
    assert.equal(res.statusCode, 204);
    assert.equal(res.headers['access-control-allow-origin'], '*');
  });

  it('answers 503 on /readyz and /healthz while not ready or failing', async () => {
    const app = Fastify();
    let healthy = true;
    const reporter = silentReporter('analyzer');
    reporter.child('loop').health('tick', () => ({ ok: healthy }));
    registerStatusRoutes(app, {
      hostId: 'h', version: '1', reporter, isReady: () => false,
      agents: () => ({}), publishers: () => ({}), subscribers: () => ({}), captures: () => ({}), beforeScrape: () => undefined,
    });
    try {
      assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 503);
      assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
      healthy = false;
      const res = await app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(res.statusCode, 503);
      assert.equal(res.json().checks['loop.tick'].ok, false);
    } finally {
      await app.close();
    }
  });

  it('is not ready before start and after stop', async () => {
    const { analyzer: other } = await startTestAnalyzer(undefined, { engine: sampleEngine() });
    assert.equal(other.ready, true);
    const stopping = other.stop();
    assert.equal(other.ready, false);
    assert.equal(other.state, 'stopping');
    await stopping;
    assert.equal(other.state, 'stopped');
    await other.stop();
  });
});
