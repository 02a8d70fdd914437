import { strict as assert } from 'node:assert';
import type { Edge, Node } from '@topoflow/graph';
import { defaultGremlinConfig } from './contract.js';
import { createEngine, GremlinEngine, QUERY_CACHE_SIZE } from './engine.js';
import { fixtureGraph, ids } from './testing.js';

describe('engine', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig());

  it('validates its configuration', () => {
    assert.throws(() => createEngine({ timeout: 'soon', maxResultSize: 10 }), { code: 'COMMON_DURATION_INVALID' });
    assert.throws(() => createEngine({ timeout: '0s', maxResultSize: 10 }), { code: 'COMMON_CONFIG_INVALID' });
    assert.throws(() => createEngine({ timeout: '1s', maxResultSize: 0 }), { code: 'COMMON_CONFIG_INVALID' });
    assert.ok(createEngine(defaultGremlinConfig()) instanceof GremlinEngine);
  });

  it('caches plans by query text', () => {
    const a = engine.parse("G.V().Has('Name', 'eth0')");
    assert.equal(engine.parse("G.V().Has('Name', 'eth0')"), a);
    assert.notEqual(engine.parse("G.V().Has('Name',  'eth0')"), a);
    assert.ok(QUERY_CACHE_SIZE >= 100);
  });

  it('runs a parsed query, and re-plans one parsed by another engine', async () => {
    const other = createEngine(defaultGremlinConfig());
    const parsed = other.parse("G.V().Has('Type', 'veth')");
    assert.deepEqual(ids((await engine.execute(parsed, graph)).toJSON()), ['veth0', 'veth1']);
    assert.deepEqual(ids((await engine.execute({ text: "G.V('lo')" }, graph)).toJSON()), ['lo']);
  });

  it('rejects rather than throws, with GREMLIN_PARSE_ERROR for text that is not a query', async () => {
    const p = engine.execute('nope', graph);
    assert.ok(p instanceof Promise);
    await assert.rejects(p, { code: 'GREMLIN_PARSE_ERROR', statusCode: 400 });
    await assert.rejects(engine.execute(undefined as unknown as string, graph), { code: 'GREMLIN_PARSE_ERROR' });
    assert.throws(() => engine.parse(42 as unknown as string), { code: 'GREMLIN_PARSE_ERROR', details: { position: 0 } });
  });

  it('serializes every core kind as Skydive does (§4.8)', async () => {
    const json = async (q: string): Promise<string> => JSON.stringify((await engine.execute(q, graph)).toJSON());
    assert.equal(await json("G.V().Has('Type', 'veth').Count()"), '2');
    assert.equal(await json("G.V('eth0')"), JSON.stringify([graph.getNode('eth0')]));
    assert.equal(await json("G.E('e-host-ns1')"), JSON.stringify([graph.getEdge('e-host-ns1')]));
    assert.equal(await json("G.V().Has('Type', 'nothing')"), '[]');
    assert.equal(await json("G.V().Has('Type', 'nothing').Values('Name')"), '[]');
    assert.equal(await json("G.V('ns1').SubGraph()"), JSON.stringify([{ Nodes: [graph.getNode('ns1')], Edges: [] }]));
    const node = JSON.parse(await json("G.V('eth0')"))[0];
    assert.deepEqual(Object.keys(node), ['ID', 'Metadata', 'Host', 'Origin', 'CreatedAt', 'UpdatedAt', 'DeletedAt', 'Revision']);
    assert.equal(node.DeletedAt, null);
  });

});

describe('engine.elementFilter', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig());
  const filterOf = (q: string) => engine.elementFilter(engine.parse(q));

  it('matches the nodes and edges the SubGraph query returns', async () => {
    const queries = [
      "G.V().Has('Type', 'veth').SubGraph()",
      "G.V().Has('Type', Within('host', 'netns')).SubGraph('RelationType', 'ownership')",
      "G.V().HasEither('Type', 'veth', 'Name', 'eth1').HasKey('MTU').HasNot('TID').SubGraph()",
      'G.V().SubGraph()',
      "g.V().has('MTU', Gte(1500)).subgraph('RelationType', 'layer2')",
    ];
    for (const q of queries) {
      const f = filterOf(q);
      assert.ok(f, q);
      const [expected] = (await engine.execute(q, graph)).toJSON() as [{ Nodes: Node[]; Edges: Edge[] }];
      const nodes = [...graph.nodes()].filter((n) => f.node(n));
      const inside = new Set(nodes.map((n) => n.ID));
      const edges = [...graph.edges()].filter((e) => inside.has(e.Parent) && inside.has(e.Child) && f.edge(e));
      assert.deepEqual(nodes.map((n) => n.ID).sort(), expected.Nodes.map((n) => n.ID).sort(), q);
      assert.deepEqual(edges.map((e) => e.ID).sort(), expected.Edges.map((e) => e.ID).sort(), q);
    }
  });

  it('is undefined for other query shapes', () => {
    for (const q of ['G', "G.V().Has('Type', 'veth')", "G.V('eth0').SubGraph()", 'G.V().Out().SubGraph()',
      'G.V().Limit(3).SubGraph()', 'G.E().SubGraph()', "G.At('-1m').V().SubGraph()", 'G.V().SubGraph().V().SubGraph()',
      'G.V().Dedup().SubGraph()']) {
      assert.equal(filterOf(q), undefined, q);
    }
  });
});
