// /api/node and /api/edge: create, list, get, JSON-Patch, delete, and every error path.
import assert from 'node:assert/strict';
import type { Analyzer } from '../analyzer.js';
import { sampleEngine, startTestAnalyzer } from '../testing.js';

describe('node and edge routes', () => {
  let analyzer: Analyzer;

  beforeEach(async () => {
    ({ analyzer } = await startTestAnalyzer(undefined, { engine: sampleEngine() }));
  });

  afterEach(() => analyzer.stop());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => analyzer.http!.inject({
    method, url, headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const node = (id: string, md: Record<string, unknown> = {}) => ({ ID: id, Metadata: { Name: id, Type: 'device', ...md } });
  const edge = (id: string, parent: string, child: string) => ({ ID: id, Parent: parent, Child: child, Metadata: { RelationType: 'layer2' } });

  it('creates a node, filling Host, Origin, times and Revision', async () => {
    const res = await call('POST', '/api/node', node('n1'));
    assert.equal(res.statusCode, 201);
    const n = res.json();
    assert.equal(n.Origin, 'api.test-host');
    assert.equal(n.Host, 'test-host');
    assert.equal(typeof n.CreatedAt, 'number');
    assert.equal(n.UpdatedAt, n.CreatedAt);
    assert.equal(n.DeletedAt, null);
    assert.equal(n.Revision, 1);
    assert.deepEqual(analyzer.graph.getNode('n1')?.Metadata, { Name: 'n1', Type: 'device' });
  });

  it('keeps the Origin, Host and times a client sends', async () => {
    const res = await call('POST', '/api/node', { ...node('n1'), Origin: 'mine', Host: 'h9', CreatedAt: 1000, UpdatedAt: 2000 });
    const n = res.json();
    assert.deepEqual([n.Origin, n.Host, n.CreatedAt, n.UpdatedAt], ['mine', 'h9', 1000, 2000]);
  });

  it('refuses nodes that break the schema', async () => {
    for (const body of [
      { Metadata: { Name: 'a', Type: 'device' } },
      { ID: '', Metadata: { Name: 'a', Type: 'device' } },
      { ID: 'x' },
      { ID: 'x', Metadata: { Type: 'device' } },
      { ID: 'x', Metadata: { Name: '', Type: 'device' } },
      { ID: 'x', Metadata: { Name: 'a', Type: 7 } },
      { ID: 'x', Metadata: { Name: 'ns', Type: 'netns' } },
      { ID: 'x', Metadata: { Name: 'p', Type: 'ovsport' } },
      { ID: 'x', Metadata: { Name: 'a', Type: 'device' }, Revision: -1 },
      { ID: 'x', Metadata: { Name: 'a', Type: 'device' }, CreatedAt: 'yesterday' },
      [],
    ]) {
      const res = await call('POST', '/api/node', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal(res.json().code, 'ANALYZER_VALIDATION_ERROR', JSON.stringify(body));
    }
    const deep = await call('POST', '/api/node', `{"ID":"x","Metadata":{"Name":"a","Type":"device","Deep":${'['.repeat(5000)}${']'.repeat(5000)}}}`);
    assert.equal(deep.json().code, 'ANALYZER_VALIDATION_ERROR');
    assert.equal((await call('POST', '/api/node', { ID: 'ns', Metadata: { Name: 'ns', Type: 'netns', Path: '/run/netns/ns' } })).statusCode, 201);
    assert.equal((await call('POST', '/api/node', { ID: 'p', Metadata: { Name: 'p', Type: 'ovsport', UUID: 'u-1' } })).statusCode, 201);
  });

  it('answers 409 GRAPH_CONFLICT to a duplicate ID', async () => {
    await call('POST', '/api/node', node('n1'));
    const res = await call('POST', '/api/node', node('n1'));
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'GRAPH_CONFLICT');
  });

  it('answers 400 to bad JSON and 413 to a too large body', async () => {
    const res = await call('POST', '/api/node', '{"ID": "n1", ');
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'ANALYZER_INVALID_JSON');
    const { analyzer: small } = await startTestAnalyzer((c) => {
      c.analyzer.api.bodyLimit = '1KiB';
    }, { engine: sampleEngine() });
    try {
      const big = await small.http!.inject({
        method: 'POST', url: '/api/node', headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(node('n1', { Pad: 'x'.repeat(2000) })),
      });
      assert.equal(big.statusCode, 413);
      assert.equal(big.json().code, 'ANALYZER_BODY_TOO_LARGE');
    } finally {
      await small.stop();
    }
  });

  it('creates an edge between existing nodes and refuses unknown ends, duplicates and bad bodies', async () => {
    await call('POST', '/api/node', node('a'));
    await call('POST', '/api/node', node('b'));
    const ok = await call('POST', '/api/edge', edge('e1', 'a', 'b'));
    assert.equal(ok.statusCode, 201);
    assert.equal(ok.json().Origin, 'api.test-host');
    const dup = await call('POST', '/api/edge', edge('e1', 'a', 'b'));
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().code, 'GRAPH_CONFLICT');
    const unknown = await call('POST', '/api/edge', edge('e2', 'a', 'zz'));
    assert.equal(unknown.statusCode, 400);
    assert.equal(unknown.json().code, 'GRAPH_ENDPOINT_NOT_FOUND');
    for (const body of [
      { ID: 'e3', Parent: 'a', Child: 'b', Metadata: {} },
      { ID: 'e3', Parent: 'a', Metadata: { RelationType: 'x' } },
      { ID: 'e3', Parent: 'a', Child: 'b', Metadata: { RelationType: '' } },
    ]) {
      const res = await call('POST', '/api/edge', body);
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, 'ANALYZER_VALIDATION_ERROR');
    }
  });

  it('lists elements as an ID map and gets one, 404 for an unknown ID', async () => {
    await call('POST', '/api/node', node('a'));
    await call('POST', '/api/node', node('b'));
    await call('POST', '/api/edge', edge('e1', 'a', 'b'));
    assert.deepEqual(Object.keys((await call('GET', '/api/node')).json()).sort(), ['a', 'b']);
    assert.deepEqual(Object.keys((await call('GET', '/api/edge')).json()), ['e1']);
    assert.equal((await call('GET', '/api/node/a')).json().ID, 'a');
    assert.equal((await call('GET', '/api/edge/e1')).json().Parent, 'a');
    const missing = await call('GET', '/api/node/zz');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'GRAPH_NODE_NOT_FOUND');
    assert.equal((await call('GET', '/api/edge/zz')).json().code, 'GRAPH_EDGE_NOT_FOUND');
  });

  it('patches node metadata: 200 when changed, 304 when not, Name/Type/TID forced back', async () => {
    await call('POST', '/api/node', node('a', { TID: 't-1' }));
    const res = await call('PATCH', '/api/node/a', [
      { op: 'add', path: '/Metadata/Color', value: 'red' },
      { op: 'replace', path: '/Metadata/Name', value: 'renamed' },
      { op: 'remove', path: '/Metadata/TID' },
      { op: 'replace', path: '/ID', value: 'other' },
    ]);
    assert.equal(res.statusCode, 200);
    const n = res.json();
    assert.equal(n.ID, 'a');
    assert.deepEqual(n.Metadata, { Name: 'a', Type: 'device', TID: 't-1', Color: 'red' });
    assert.equal(n.Revision, 2);
    const again = await call('PATCH', '/api/node/a', [{ op: 'add', path: '/Metadata/Color', value: 'red' }]);
    assert.equal(again.statusCode, 304);
    assert.equal((await call('PATCH', '/api/node/a', [])).statusCode, 304);
  });

  it('refuses bad patches and patches of unknown elements', async () => {
    await call('POST', '/api/node', node('a'));
    await call('POST', '/api/node', node('b'));
    await call('POST', '/api/edge', edge('e1', 'a', 'b'));
    const cases: [string, unknown, number, string][] = [
      ['/api/node/zz', [], 404, 'GRAPH_NODE_NOT_FOUND'],
      ['/api/edge/zz', [], 404, 'GRAPH_EDGE_NOT_FOUND'],
      ['/api/node/a', { op: 'add' }, 400, 'ANALYZER_VALIDATION_ERROR'],
      ['/api/node/a', [{ op: 'frobnicate', path: '/x' }], 400, 'ANALYZER_VALIDATION_ERROR'],
      ['/api/node/a', [{ op: 'remove', path: '/Metadata/Nope' }], 400, 'ANALYZER_INVALID_PATCH'],
      ['/api/node/a', [{ op: 'test', path: '/Metadata/Name', value: 'b' }], 400, 'ANALYZER_PATCH_TEST_FAILED'],
      ['/api/node/a', [{ op: 'replace', path: '/Metadata', value: 'flat' }], 400, 'ANALYZER_INVALID_PATCH'],
      ['/api/edge/e1', [{ op: 'remove', path: '/Metadata/RelationType' }], 400, 'ANALYZER_VALIDATION_ERROR'],
    ];
    for (const [url, body, status, code] of cases) {
      const res = await call('PATCH', url, body);
      assert.equal(res.statusCode, status, `${url} ${JSON.stringify(body)}`);
      assert.equal(res.json().code, code, `${url} ${JSON.stringify(body)}`);
    }
    assert.equal(analyzer.graph.getEdge('e1')?.Metadata.RelationType, 'layer2');
  });

  it('patches edge metadata', async () => {
    await call('POST', '/api/node', node('a'));
    await call('POST', '/api/node', node('b'));
    await call('POST', '/api/edge', edge('e1', 'a', 'b'));
    const res = await call('PATCH', '/api/edge/e1', [{ op: 'add', path: '/Metadata/MTU', value: 9000 }]);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().Metadata, { RelationType: 'layer2', MTU: 9000 });
  });

  it('deletes a node with its edges, then answers 404', async () => {
    await call('POST', '/api/node', node('a'));
    await call('POST', '/api/node', node('b'));
    await call('POST', '/api/edge', edge('e1', 'a', 'b'));
    const res = await call('DELETE', '/api/node/a');
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '');
    assert.equal(analyzer.graph.getEdge('e1'), undefined);
    assert.equal((await call('DELETE', '/api/node/a')).json().code, 'GRAPH_NODE_NOT_FOUND');
    assert.equal((await call('DELETE', '/api/edge/e1')).statusCode, 404);
    await call('POST', '/api/node', node('c'));
    await call('POST', '/api/edge', edge('e2', 'b', 'c'));
    assert.equal((await call('DELETE', '/api/edge/e2')).statusCode, 200);
    assert.equal(analyzer.graph.edgeCount, 0);
  });
});
