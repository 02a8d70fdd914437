import { strict as assert } from 'node:assert';
import { createEngine, defaultGremlinConfig } from '@topoflow/gremlin';
import { FakeFlowSource } from '../testing.js';
import { flowExtension } from './extension.js';

describe('flow extension', () => {
  it('registers next to the core steps without conflict, with Skydive keywords case-insensitive', () => {
    const engine = createEngine(defaultGremlinConfig(), { extensions: [flowExtension({ source: new FakeFlowSource() })] });
    for (const name of ['Flows', 'Hops', 'Nodes', 'Node', 'CaptureNode', 'RawPackets', 'BPF', 'Group', 'MoreThan']) {
      assert.ok(engine.stepNames().includes(name), name);
    }
    assert.equal(engine.parse('g.flows().HAS("Application", "DNS").hops()').plan.output, 'nodes');
  });

  it('refuses an invalid expiry', () => {
    for (const expireMs of [-1, Number.NaN, Infinity]) {
      assert.throws(() => flowExtension({ source: new FakeFlowSource(), expireMs }), { code: 'COMMON_CONFIG_INVALID' });
    }
  });
});
