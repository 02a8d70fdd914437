// Defaults of the analyzer configuration and the checks run on it.
import assert from 'node:assert/strict';
import { isAppError, loadConfig } from '@topoflow/common';
import { defaultAnalyzerServiceConfig, resolveAnalyzerConfig } from './config.js';

describe('analyzer config', () => {
  it('has usable defaults', () => {
    const r = resolveAnalyzerConfig(defaultAnalyzerServiceConfig().analyzer);
    assert.equal(r.api.listen, '127.0.0.1:8082');
    assert.equal(r.ws.pingIntervalMs, 2000);
    assert.equal(r.ws.pongTimeoutMs, 5000);
    assert.equal(r.ws.queueSize, 10_000);
    assert.equal(r.ws.maxPayload, 64 * 1024 * 1024);
    assert.equal(r.api.bodyLimit, 64 * 1024 * 1024);
    assert.equal(r.subscribers.debounceMs, 100);
    assert.equal(r.query.timeoutMs, 30_000);
  });

  it('puts flow history in the graph history backend: flows.sqlite beside the history file, or the same schema', () => {
    const c = defaultAnalyzerServiceConfig().analyzer;
    c.dataDir = '/data';
    const r = resolveAnalyzerConfig(c).flows;
    assert.deepEqual(r.store, { backend: 'sqlite', path: '/data/flows.sqlite', cacheKiB: 64 * 1024 });
    assert.deepEqual([r.maxBufferSize, r.holdTimeoutMs, r.liveTTLMs, r.maxLiveFlows, r.retentionMs],
      [100_000, 15_000, 20 * 60_000, 1_000_000, 7 * 24 * 3_600_000]);
    c.history.sqlite.path = '/elsewhere/h.db';
    assert.equal((resolveAnalyzerConfig(c).flows.store as { path: string }).path, '/elsewhere/flows.sqlite');
    c.history.backend = 'postgres';
    c.history.postgres.url = 'postgres://db/topoflow';
    assert.deepEqual(resolveAnalyzerConfig(c).flows.store, { backend: 'postgres', url: 'postgres://db/topoflow', schema: 'topoflow', poolSize: 4 });
    c.history.backend = 'none';
    assert.deepEqual(resolveAnalyzerConfig(c).flows.store, { backend: 'none' });
  });

  it('refuses unusable flow settings', () => {
    const c = defaultAnalyzerServiceConfig().analyzer;
    c.flow.liveTTL = '10ms';
    c.flow.maxLiveFlows = 0;
    c.flow.maxMessageSize = 'lots';
    assert.throws(() => resolveAnalyzerConfig(c), (err) => isAppError(err, 'ANALYZER_CONFIG_INVALID')
      && (err.details?.problems as string[]).filter((p) => p.startsWith('analyzer.flow.')).length === 3);
  });

  it('loads through loadConfig with environment overrides', () => {
    const c = loadConfig({
      defaults: defaultAnalyzerServiceConfig(),
      env: { TOPOFLOW_ANALYZER_WS_QUEUE_SIZE: '50', TOPOFLOW_HOST_ID: 'h1', TOPOFLOW_ANALYZER_SUBSCRIBER_DEBOUNCE: '250ms' },
    });
    assert.equal(c.analyzer.ws.queueSize, 50);
    assert.equal(c.hostId, 'h1');
    assert.equal(resolveAnalyzerConfig(c.analyzer).subscribers.debounceMs, 250);
  });

  it('lists every unusable value with ANALYZER_CONFIG_INVALID', () => {
    const c = defaultAnalyzerServiceConfig().analyzer;
    c.ws.pingInterval = 'soon';
    c.ws.queueSize = 0;
    c.api.bodyLimit = 'huge';
    try {
      resolveAnalyzerConfig(c);
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(isAppError(err, 'ANALYZER_CONFIG_INVALID'));
      assert.equal((err.details?.problems as string[]).length, 3);
    }
  });
});
