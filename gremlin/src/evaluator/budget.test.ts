import { strict as assert } from 'node:assert';
import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { chainGraph, fixtureGraph } from '../testing.js';
import { Budget, TICKS_PER_CHECK } from './budget.js';

describe('query budgets', function () {
  this.timeout(30_000);
  const big = chainGraph(200_000);
  const small = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig());
  const slow = [
    ["a full scan", "G.V().Has('Index', Gte(0)).Count()"],
    ['a traversal', "G.V().Out().Out().Count()"],
    ['a descendants walk', "G.V('n0').Descendants(0).Count()"],
    ['a shortest path search', "G.V('n199999').ShortestPathTo(Metadata('Name', 'n0'))"],
    ['a sort', "G.V().Sort(DESC, 'Name').Limit(1)"],
    ['a dedup', "G.V().Dedup('Index').Count()"],
    ['a sub-graph', 'G.V().SubGraph().V().Count()'],
  ] as const;
  for (const [what, q] of slow) {
    it(`fails ${what} over a big graph with GREMLIN_TIMEOUT (408) when the budget is tiny`, async () => {
      await assert.rejects(engine.execute(q, big, { timeoutMs: 2 }), { code: 'GREMLIN_TIMEOUT', statusCode: 408 });
    });
  }

  it('uses the configured timeout by default', async () => {
    const strict = createEngine({ ...defaultGremlinConfig(), timeout: '1ms' });
    await assert.rejects(strict.execute("G.V('n0').Descendants(0).Count()", big), { code: 'GREMLIN_TIMEOUT' });
  });

  it('enforces maxResultSize on intermediate and final collections (413)', async () => {
    await assert.rejects(engine.execute('G.V()', small, { maxResultSize: 5 }), { code: 'GREMLIN_RESULT_TOO_LARGE', statusCode: 413 });
    await assert.rejects(engine.execute('G.V().Count()', small, { maxResultSize: 5 }), { code: 'GREMLIN_RESULT_TOO_LARGE' });
    await assert.rejects(engine.execute('G', small, { maxResultSize: 5 }), { code: 'GREMLIN_RESULT_TOO_LARGE' });
    await assert.rejects(engine.execute("G.V().Values('Name')", small, { maxResultSize: 9 }), { code: 'GREMLIN_RESULT_TOO_LARGE' });
    await assert.rejects(engine.execute("G.V('host').Descendants(0)", small, { maxResultSize: 9 }), { code: 'GREMLIN_RESULT_TOO_LARGE' });
    await assert.rejects(engine.execute('G.V().SubGraph()', small, { maxResultSize: 15 }), { code: 'GREMLIN_RESULT_TOO_LARGE' });
    await assert.rejects(engine.execute('G.E().BothV()', small, { maxResultSize: 20 }), { code: 'GREMLIN_RESULT_TOO_LARGE' });
  });

  it('lets results within maxResultSize through', async () => {
    assert.equal((await engine.execute('G.V().Limit(5).Count()', small, { maxResultSize: 5 })).toJSON(), 5);
    assert.deepEqual((await engine.execute("G.V().Has('Type', 'veth').Values('Name')", small, { maxResultSize: 2 })).toJSON(), ['veth0', 'veth1']);
    const capped = createEngine({ ...defaultGremlinConfig(), maxResultSize: 3 });
    await assert.rejects(capped.execute('G.V()', small), { code: 'GREMLIN_RESULT_TOO_LARGE' });
  });

  it('rejects invalid budget options', async () => {
    await assert.rejects(engine.execute('G.V()', small, { timeoutMs: 0 }), { code: 'GREMLIN_INVALID_PARAMS' });
    await assert.rejects(engine.execute('G.V()', small, { maxResultSize: Number.NaN }), { code: 'GREMLIN_INVALID_PARAMS' });
  });

  it('reads the clock only every TICKS_PER_CHECK ticks', () => {
    const b = new Budget(-1, 10);
    for (let i = 1; i < TICKS_PER_CHECK; i++) b.tick();
    assert.throws(() => b.tick(), { code: 'GREMLIN_TIMEOUT' });
    assert.throws(() => b.check(), { code: 'GREMLIN_TIMEOUT' });
    assert.doesNotThrow(() => b.ensureSize(10));
    assert.throws(() => b.ensureSize(11), { code: 'GREMLIN_RESULT_TOO_LARGE' });
  });
});
