// Captures while etcd is away, with `topoflow allinone` on an external etcd the test runs (Debian's etcd, stopped
// and started again by its PID): during the outage the capture API answers 503 ANALYZER_ETCD_UNAVAILABLE quickly and
// the running capture keeps capturing (new flows, still active); once etcd is back, a capture created then is
// dispatched by the resumed watch, and deleting it stops it. Pings stay between the test namespaces.
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { type TestEtcd, startTestEtcd } from '@topoflow/analyzer/testing';
import { type ErrorBody, request } from '../support/api.js';
import {
  PingNet, type VethPair, createCapture, ping, tidOf, untilActive, untilFlow, untilGone,
} from '../support/captures.js';
import { until } from '../support/net.js';
import { ServiceProcess } from '../support/processes.js';

interface Status {
  Captures: { Watching: boolean; Captures: number };
}

describe('captures through an etcd outage', function () {
  this.timeout(120_000);
  const net = new PingNet();
  let etcd: TestEtcd | undefined;
  let allinone: ServiceProcess | undefined;
  let pair: VethPair;

  const url = (): string => (allinone as ServiceProcess).url;
  const watching = async (): Promise<boolean> => (await request<Status>(url(), 'GET', '/api/status')).body.Captures.Watching;

  before(async () => {
    net.route();
    pair = net.pair('e');
    etcd = await startTestEtcd();
    allinone = await ServiceProcess.start('allinone', {
      TOPOFLOW_HOST_ID: `e2e-etcd-${randomUUID().slice(0, 8)}`, TOPOFLOW_ETCD_ENABLED: 'true', TOPOFLOW_ETCD_EMBEDDED: 'false',
      TOPOFLOW_ETCD_ENDPOINTS: `[${etcd.endpoint}]`, TOPOFLOW_ANALYZER_HISTORY_BACKEND: 'none',
      TOPOFLOW_AGENT_TOPOLOGY_OVSDB_ADDRESS: `unix:/tmp/${net.net.prefix}-no-ovsdb.sock`, TOPOFLOW_AGENT_FLOW_UPDATE: '1s',
    });
    await until(async () => ((await tidOf(url(), pair.vb)) && (await watching()) ? true : undefined), 20_000, 'vb at the analyzer, captures watched');
  });

  after(async () => {
    await allinone?.stop();
    await etcd?.destroy();
    net.cleanup();
  });

  it('answers 503 while etcd is down, keeps the running capture, and dispatches and stops captures once it is back', async () => {
    const running = await createCapture(url(), { GremlinQuery: `G.V().Has('Name', '${pair.vb}')` });
    await untilActive(url(), pair.vb, running, 15_000);
    const tidB = await tidOf(url(), pair.vb);
    await ping(pair, 2);
    await untilFlow(url(), pair, tidB, 0, 20_000);

    await (etcd as TestEtcd).stop();
    const downAt = Date.now();
    const answers: string[] = [];
    for (const [method, path, body] of [['GET', '/api/capture'], ['GET', `/api/capture/${running}`], ['DELETE', `/api/capture/${running}`],
      ['POST', '/api/capture', { GremlinQuery: `G.V().Has('Name', '${pair.va}')` }]] as const) {
      const t0 = Date.now();
      const r = await request<ErrorBody>(url(), method, path, body);
      assert.equal(r.status, 503, `${method} ${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.code, 'ANALYZER_ETCD_UNAVAILABLE');
      const op = (r.body as ErrorBody & { details?: { op?: string } }).details?.op;
      assert.ok(['list', 'get', 'put', 'delete'].includes(String(op)), JSON.stringify(r.body));
      assert.ok(Date.now() - t0 < 6000, `${method} ${path} answered in ${Date.now() - t0} ms`);
      answers.push(`${method} ${Date.now() - t0} ms`);
    }
    await until(async () => ((await watching()) ? undefined : true), 10_000, 'the watch seen as lost');
    await ping(pair, 3);
    await untilFlow(url(), pair, tidB, downAt, 20_000);
    await untilActive(url(), pair.vb, running, 1000);

    await (etcd as TestEtcd).restart();
    const upAt = Date.now();
    const created = await until(async () => {
      const r = await request<{ UUID: string }>(url(), 'POST', '/api/capture', { GremlinQuery: `G.V().Has('Name', '${pair.va}')` });
      return r.status === 201 ? r.body.UUID : undefined;
    }, 20_000, 'a capture created once etcd is back');
    const acceptedMs = Date.now() - upAt;
    await untilActive(url(), pair.va, created, 15_000);
    console.log(`      503 answers while etcd was down: ${answers.join(', ')}; after etcd's restart: first 201 in ${acceptedMs} ms, capture active in ${Date.now() - upAt} ms`);
    const tidA = await tidOf(url(), pair.va);
    const backAt = Date.now();
    await ping(pair, 2);
    await untilFlow(url(), pair, tidA, backAt, 20_000);
    assert.ok(await watching(), 'the watch resumed');

    assert.equal((await request(url(), 'DELETE', `/api/capture/${created}`)).status, 200);
    await untilGone(url(), pair.va, created, 15_000);
    await untilActive(url(), pair.vb, running, 1000);
    assert.equal((await request(url(), 'DELETE', `/api/capture/${running}`)).status, 200);
    await untilGone(url(), pair.vb, running, 15_000);
  });
});
