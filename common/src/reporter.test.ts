import { strict as assert } from 'node:assert';
import { startAll, type Component } from './lifecycle.js';
import { silentReporter } from './reporter.js';

describe('reporter', () => {
  it('prefixes metrics with service and component and reuses them', async () => {
    const r = silentReporter('analyzer');
    const c = r.child('ws');
    c.counter('messages_total', 'messages').inc(2);
    r.child('ws').counter('messages_total', 'messages').inc();
    const text = await r.registry.metrics();
    assert.match(text, /topoflow_analyzer_ws_messages_total 3/);
  });

  it('aggregates health checks, a throwing one failing', () => {
    const r = silentReporter();
    r.child('a').health('loop', () => ({ ok: true }));
    assert.equal(r.checkHealth().ok, true);
    r.child('b').health('loop', () => {
      throw new Error('dead');
    });
    const h = r.checkHealth();
    assert.equal(h.ok, false);
    assert.equal(h.checks['b.loop']?.ok, false);
  });
});

describe('startAll', () => {
  it('stops started components in reverse order when one fails to start', async () => {
    const log: string[] = [];
    const comp = (name: string, fail = false): Component => ({
      start: async () => {
        if (fail) throw new Error('no');
        log.push(`start ${name}`);
      },
      stop: async () => {
        log.push(`stop ${name}`);
      },
    });
    await assert.rejects(startAll([comp('a'), comp('b'), comp('c', true)]));
    assert.deepEqual(log, ['start a', 'start b', 'stop b', 'stop a']);
  });
});
