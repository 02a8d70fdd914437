// EtcdService and EmbeddedEtcd against Debian's etcd on temp dirs and free loopback ports.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentReporter } from '@topoflow/common';
import { type EtcdConfig, defaultEtcdConfig, resolveEtcdConfig } from './config.js';
import { EmbeddedEtcd, alive } from './embedded.js';
import { EtcdService } from './etcd-service.js';
import { type TestEtcd, freeLoopbackPort, startTestEtcd } from './test-etcd.js';

const code = (c: string) => (err: unknown) => (err as { code?: string }).code === c;


async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('EtcdService', function () {
  this.timeout(40_000);
  let dir: string;
  const services: EtcdService[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'topoflow-etcd-svc-'));
  });

  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function embeddedConfig(tweak: Partial<EtcdConfig> = {}): Promise<EtcdConfig> {
    return {
      ...defaultEtcdConfig(), listen: `127.0.0.1:${await freeLoopbackPort()}`, peerListen: `127.0.0.1:${await freeLoopbackPort()}`,
      autoCompaction: '0s', ...tweak,
    };
  }

  function service(config: EtcdConfig, reporter = silentReporter('analyzer')): EtcdService {
    const s = new EtcdService(resolveEtcdConfig(config, dir), { reporter: reporter.child('etcd'), env: process.env });
    services.push(s);
    return s;
  }

  it('runs an embedded etcd under the analyzer data dir, serves requests, and stops it by PID', async () => {
    const s = service(await embeddedConfig());
    await s.start();
    const pid = s.embedded?.pid as number;
    assert.ok(pid > 0 && alive(pid));
    assert.equal(s.embedded?.config.dataDir, join(dir, 'etcd'));
    assert.equal(s.up, true);
    await s.request('put', (c) => c.put('/k').value('v').exec());
    assert.equal(await s.request('get', (c) => c.get('/k').string()), 'v');
    await s.stop();
    assert.equal(alive(pid), false);
    await s.stop();
  });

  it('names the Debian package when the etcd binary is missing', async () => {
    const s = service(await embeddedConfig({ binary: 'etcd-that-does-not-exist' }));
    await assert.rejects(s.start(), (err: unknown) => code('ANALYZER_ETCD_BINARY_MISSING')(err) && /etcd-server/.test((err as Error).message));
  });

  it('refuses to start when its client port is taken by another process', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    try {
      const s = service(await embeddedConfig({ listen: `127.0.0.1:${port}` }));
      await assert.rejects(s.start(), code('ANALYZER_ETCD_START_FAILED'));
    } finally {
      srv.close();
    }
  });

  it('stops an etcd that a killed analyzer left running on the same data dir', async () => {
    const config = resolveEtcdConfig(await embeddedConfig(), dir).embedded;
    assert.ok(config);
    const logger = silentReporter().logger;
    const first = new EmbeddedEtcd(config, { logger, env: process.env });
    await first.start();
    const leftover = first.pid as number;
    const second = new EmbeddedEtcd(config, { logger, env: process.env });
    try {
      await second.start();
      assert.equal(alive(leftover), false);
      assert.ok(second.pid !== undefined && second.pid !== leftover);
    } finally {
      await second.stop();
      await first.stop();
    }
  });

  it('restarts the embedded etcd when it dies', async () => {
    const reporter = silentReporter('analyzer');
    const s = service(await embeddedConfig(), reporter);
    await s.start();
    const pid = s.embedded?.pid as number;
    process.kill(pid, 'SIGKILL');
    await until('a new etcd', () => s.embedded?.pid !== undefined && s.embedded.pid !== pid);
    await until('etcd answering again', async () => {
      try {
        await s.request('get', (c) => c.get('/k').string());
        return true;
      } catch {
        return false;
      }
    });
    const restarts = await reporter.registry.getSingleMetric('topoflow_analyzer_etcd_embedded_restarts_total')?.get();
    assert.equal(restarts?.values[0]?.value, 1);
  });

  describe('with an external etcd', () => {
    let etcd: TestEtcd;

    before(async () => {
      etcd = await startTestEtcd();
    });

    after(async () => {
      await etcd.destroy();
    });

    it('answers 503 ANALYZER_ETCD_UNAVAILABLE while etcd is down and works again once it is back', async () => {
      const reporter = silentReporter('analyzer');
      const s = service({ ...defaultEtcdConfig(), embedded: false, endpoints: [etcd.endpoint], requestTimeout: '1s' }, reporter);
      await s.start();
      await s.request('put', (c) => c.put('/x').value('1').exec());
      await etcd.stop();
      await assert.rejects(s.request('get', (c) => c.get('/x').string()), (err: unknown) =>
        code('ANALYZER_ETCD_UNAVAILABLE')(err) && (err as { statusCode?: number }).statusCode === 503);
      await until('the probe to see etcd down', () => !s.up);
      const errors = await reporter.registry.getSingleMetric('topoflow_analyzer_etcd_request_errors_total')?.get();
      assert.ok((errors?.values.find((v) => v.labels.op === 'get')?.value ?? 0) >= 1);
      await etcd.restart();
      await until('etcd answering again', async () => {
        try {
          return (await s.request('get', (c) => c.get('/x').string())) === '1';
        } catch {
          return false;
        }
      });
      await until('the probe to see etcd up', () => s.up);
    });

    it('answers a request etcd refuses as too large with 413, keeping etcd up', async () => {
      const reporter = silentReporter('analyzer');
      const s = service({ ...defaultEtcdConfig(), embedded: false, endpoints: [etcd.endpoint], requestTimeout: '2s' }, reporter);
      await s.start();
      for (const size of [1.6 * 2 ** 20, 3 * 2 ** 20]) {
        await assert.rejects(s.request('put', (c) => c.put('/big').value('x'.repeat(size)).exec()), (err: unknown) =>
          code('ANALYZER_ETCD_REQUEST_TOO_LARGE')(err) && (err as { statusCode?: number }).statusCode === 413);
      }
      assert.equal(s.up, true);
      await s.request('put', (c) => c.put('/small').value('1').exec());
      const errors = await reporter.registry.getSingleMetric('topoflow_analyzer_etcd_request_errors_total')?.get();
      assert.equal(errors?.values.find((v) => v.labels.op === 'put')?.value, 2);
    });

    it('does not fail start when the external etcd is unreachable', async () => {
      const reporter = silentReporter('analyzer');
      const s = service({ ...defaultEtcdConfig(), embedded: false, endpoints: [`127.0.0.1:${await freeLoopbackPort()}`], requestTimeout: '300ms' }, reporter);
      await s.start();
      assert.equal(s.up, false);
      const probe = reporter.checkHealth().checks['etcd.probe'];
      assert.equal(probe?.ok, true);
      assert.match(probe?.detail ?? '', /unreachable/);
      await assert.rejects(s.request('get', (c) => c.get('/x').string()), code('ANALYZER_ETCD_UNAVAILABLE'));
    });
  });

  it('rejects unusable settings, listing each key', () => {
    assert.throws(() => resolveEtcdConfig({ ...defaultEtcdConfig(), listen: 'nope', startTimeout: 'x', embedded: false }, dir),
      (err: unknown) => code('ANALYZER_CONFIG_INVALID')(err) && /etcd\.endpoints/.test((err as Error).message) && /etcd\.startTimeout/.test((err as Error).message));
  });
});
