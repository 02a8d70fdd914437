import { strict as assert } from 'node:assert';
import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { chainGraph, CountingView, fixtureGraph, ids } from '../testing.js';
import { LruCache } from './cache.js';

const graph = fixtureGraph();
const engine = createEngine(defaultGremlinConfig());

/** Runs a query through a view that counts scans and index lookups. */
async function counted(q: string, inner = graph): Promise<{ result: unknown; counts: CountingView['counts'] }> {
  const view = new CountingView(inner);
  const result = ids((await engine.execute(q, view)).toJSON());
  return { result, counts: view.counts };
}

describe('planner index use', () => {

  it('answers the first Has on an indexed key through the index, without scanning', async () => {
    const { result, counts } = await counted("G.V().Has('Name', 'eth0')");
    assert.deepEqual(result, ['eth0']);
    assert.equal(counts.nodeLookups, 1);
    assert.equal(counts.nodeScans, 0);
  });

  it('checks the remaining terms on the index candidates', async () => {
    const { result, counts } = await counted("G.V().Has('Type', 'device', 'MTU', Gt(2000))");
    assert.deepEqual(result, ['lo', 'lo1']);
    assert.deepEqual([counts.nodeLookups, counts.nodeScans], [1, 0]);
  });

  it('uses a later indexed term when the first key has no index', async () => {
    const { result, counts } = await counted("G.V().Has('MTU', 1500).Has('Type', 'bridge')");
    assert.deepEqual(result, ['br0']);
    assert.deepEqual([counts.nodeLookups, counts.nodeScans], [2, 0]);
  });

  it('answers Within of plain values with one lookup per value', async () => {
    const { result, counts } = await counted("G.V().Has('Name', Within('eth0', 'eth1', 'lo'))");
    assert.deepEqual(result, ['eth0', 'eth1', 'lo', 'lo1']);
    assert.deepEqual([counts.nodeLookups, counts.nodeScans], [3, 0]);
  });

  it('scans for predicates, OR filters and keys without an index', async () => {
    for (const q of ["G.V().Has('Name', Regex('eth.*'))", "G.V().HasEither('Name', 'eth0', 'Type', 'host')", "G.V().Has('Name')"]) {
      const { counts } = await counted(q);
      assert.deepEqual([counts.nodeLookups, counts.nodeScans], [0, 1], q);
    }
    const { result, counts } = await counted("G.V().Has('MTU', 1450)");
    assert.deepEqual(result, ['eth1']);
    assert.deepEqual([counts.nodeLookups, counts.nodeScans], [1, 1]);
  });

  it('uses edge indexes for E()', async () => {
    const { result, counts } = await counted("G.E().Has('RelationType', 'layer2').Limit(2)");
    assert.deepEqual(result, ['e-br0-veth0', 'e-veth0-veth1']);
    assert.deepEqual([counts.edgeLookups, counts.edgeScans], [1, 0]);
  });

});

describe('planner fusion', () => {

  it('fuses V with its filters and window into one step', () => {
    const q = engine.parse("G.V().Has('Type', 'device').HasKey('IPV4').HasNot('TID').HasEither('MTU', 1450, 'Name', 'lo').Limit(2)");
    assert.equal(q.plan.steps.length, 1);
    assert.equal(engine.plan(q.text, { fuse: false }).plan.steps.length, 6);
  });

  it('stops scanning once a fused Limit is full', async () => {
    const big = chainGraph(10_000);
    const { result, counts } = await counted("G.V().Has('Index', Gte(0)).Limit(3)", big);
    assert.deepEqual(result, ['n0', 'n1', 'n2']);
    assert.equal(counts.nodesYielded, 3);
  });

  it('gives identical results with and without fusion', async () => {
    const queries = [
      "G.V().Has('Type', 'device').Has('State', 'UP').Range(1, 3)",
      "G.V().HasEither('Type', 'veth', 'Type', 'bridge').HasNot('IPV4').Limit(5)",
      "G.V('host').Out().HasKey('MTU').Out().Limit(1)",
      "G.V().Has('Type', 'netns').In().Dedup().Limit(1)",
      "G.E().Has('RelationType', 'layer2').Range(1, 2).OutV()",
      "G.V().Limit(4).Has('Type', 'netns')",
      "G.V('host').Limit(0)",
    ];
    for (const q of queries) {
      const a = ids((await engine.execute(engine.parse(q), graph)).toJSON());
      const b = ids((await engine.execute(engine.plan(q, { fuse: false }), graph)).toJSON());
      assert.deepEqual(a, b, q);
    }
  });

  it('keeps a bounded LRU of plans', () => {
    const lru = new LruCache<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    assert.equal(lru.get('a'), 1);
    lru.set('c', 3);
    assert.equal(lru.get('b'), undefined);
    assert.deepEqual([lru.get('a'), lru.get('c'), lru.size], [1, 3, 2]);
  });
});
