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
