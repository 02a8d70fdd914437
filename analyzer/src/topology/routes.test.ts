// POST /api/topology (Gremlin queries, status codes, DOT rendering) and GET /api/topology.
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import type { Analyzer } from '../analyzer.js';
import { SAMPLE_QUERIES, sampleEngine, startTestAnalyzer } from '../testing.js';

describe('topology routes', () => {
  let analyzer: Analyzer;

  before(async () => {
    ({ analyzer } = await startTestAnalyzer((c) => {
      c.analyzer.api.bodyLimit = '2KiB';
    }, { engine: sampleEngine() }));
    const g = analyzer.graph;
    g.addNode({ ID: 'h', Metadata: { Name: 'host', Type: 'host', Color: 'blue' } });
    g.addNode({ ID: 'v', Metadata: { Name: 'veth0', Type: 'veth', Color: 'blue' } });
    g.addEdge({ ID: 'e', Parent: 'h', Child: 'v', Metadata: { RelationType: 'ownership' } });
  });

  after(() => analyzer.stop());

  const query = (payload: string | undefined, headers: Record<string, string> = {}) => analyzer.http!.inject({
    method: 'POST', url: '/api/topology', headers: { 'content-type': 'application/json', ...headers },
    ...(payload === undefined ? {} : { payload }),
  });

  it('answers a value query with the engine result JSON', async () => {
    const res = await query(JSON.stringify({ GremlinQuery: SAMPLE_QUERIES.count }));
    assert.equal(res.statusCode, 200);
    assert.equal(res.json(), 3);
  });

  it('answers a graph query with [{Nodes, Edges}]', async () => {
    const res = await query(JSON.stringify({ GremlinQuery: SAMPLE_QUERIES.veth }));
    assert.equal(res.statusCode, 200);
    const body = res.json() as { Nodes: { ID: string }[]; Edges: unknown[] }[];
    assert.equal(body.length, 1);
    assert.deepEqual(body[0]?.Nodes.map((n) => n.ID), ['v']);
    assert.deepEqual(body[0]?.Edges, []);
  });

  it('answers 204 to an empty body or an empty query', async () => {
    assert.equal((await query(undefined)).statusCode, 204);
    assert.equal((await query('')).statusCode, 204);
    assert.equal((await query(JSON.stringify({ GremlinQuery: '' }))).statusCode, 204);
    assert.equal((await query(JSON.stringify({ GremlinQuery: '   ' }))).statusCode, 204);
    assert.equal((await query(JSON.stringify({}))).statusCode, 204);
  });

  it('reports a parse error with its code and position', async () => {
    const res = await query(JSON.stringify({ GremlinQuery: 'G.V(' }));
    assert.equal(res.statusCode, 400);
    const body = res.json();
    assert.equal(body.code, 'GREMLIN_PARSE_ERROR');
    assert.equal(body.details.position, 0);
    assert.equal(body.statusCode, 400);
    assert.equal(body.error, 'Bad Request');
  });

  it('renders a graph result as DOT when asked', async () => {
    const res = await query(JSON.stringify({ GremlinQuery: SAMPLE_QUERIES.blue }), { accept: 'text/vnd.graphviz' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/vnd\.graphviz/);
    assert.match(res.body, /^digraph/);
    assert.match(res.body, /"h" -> "v"/);
  });

  it('answers 406 when a non-graph result is asked as DOT or a pcap', async () => {
    const dot = await query(JSON.stringify({ GremlinQuery: SAMPLE_QUERIES.count }), { accept: 'text/vnd.graphviz' });
    assert.equal(dot.statusCode, 406);
    assert.equal(dot.json().code, 'ANALYZER_NOT_ACCEPTABLE');
    const pcap = await query(JSON.stringify({ GremlinQuery: SAMPLE_QUERIES.count }), { accept: 'application/vnd.tcpdump.pcap' });
    assert.equal(pcap.statusCode, 406);
  });

  it('rejects bad JSON, a mistyped query and a too large body in the error shape', async () => {
    const bad = await query('{"GremlinQuery": ');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'ANALYZER_INVALID_JSON');
    const typed = await query(JSON.stringify({ GremlinQuery: 42 }));
    assert.equal(typed.statusCode, 400);
    assert.equal(typed.json().code, 'ANALYZER_VALIDATION_ERROR');
    const big = await query(JSON.stringify({ GremlinQuery: 'x'.repeat(4096) }));
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().code, 'ANALYZER_BODY_TOO_LARGE');
    const poisoned = await query('{"__proto__": {"x": 1}}');
    assert.equal(poisoned.statusCode, 400);
  });

  it('parses JSON whatever the content type says', async () => {
    const res = await query(JSON.stringify({ GremlinQuery: SAMPLE_QUERIES.count }), { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json(), 3);
  });

  it('returns the live graph as a bare {Nodes, Edges} on GET', async () => {
    const res = await analyzer.http!.inject({ method: 'GET', url: '/api/topology' });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { Nodes: { ID: string }[]; Edges: { ID: string }[] };
    assert.deepEqual(body.Nodes.map((n) => n.ID).sort(), ['h', 'v']);
    assert.deepEqual(body.Edges.map((e) => e.ID), ['e']);
  });

  it('leaves a tiny answer uncompressed even when gzip is accepted', async () => {
    const res = await analyzer.http!.inject({ method: 'GET', url: '/api/topology', headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.headers['content-encoding'], undefined);
    assert.equal((res.json() as { Nodes: unknown[] }).Nodes.length, 2);
  });

  it('streams a large graph in one valid document', async () => {
    const { analyzer: big } = await startTestAnalyzer(undefined, { engine: sampleEngine() });
    try {
      for (let i = 0; i < 5000; i++) big.graph.addNode({ ID: `n${i}`, Metadata: { Name: `n${i}`, Type: 'device', Pad: 'x'.repeat(40) } });
      for (let i = 1; i < 5000; i++) big.graph.addEdge({ ID: `e${i}`, Parent: 'n0', Child: `n${i}`, Metadata: { RelationType: 'ownership' } });
      const res = await big.http!.inject({ method: 'GET', url: '/api/topology' });
      const body = res.json() as { Nodes: unknown[]; Edges: unknown[] };
      assert.equal(body.Nodes.length, 5000);
      assert.equal(body.Edges.length, 4999);
      const gz = await big.http!.inject({ method: 'GET', url: '/api/topology', headers: { 'accept-encoding': 'gzip' } });
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.equal(gunzipSync(gz.rawPayload).toString(), res.body);
    } finally {
      await big.stop();
    }
  });

  it('counts queries and query errors by code in /metrics', async () => {
    const res = await analyzer.http!.inject({ method: 'GET', url: '/metrics' });
    assert.match(res.body, /topoflow_analyzer_topology_queries_total \d+/);
    assert.match(res.body, /topoflow_analyzer_topology_query_errors_total\{code="GREMLIN_PARSE_ERROR"\} [1-9]/);
  });
});
