import { strict as assert } from 'node:assert';
import { decodeEdge, decodeNode, decodeTopology } from './skydive-json.js';
import { toDot } from './dot.js';

const d = { now: 500, host: 'h', origin: 'api.h', revision: 1 };
const codeOf = (code: string, path?: string) => (err: unknown) =>
  (err as { code?: string }).code === code && (path === undefined || (err as { details?: { path?: string } }).details?.path === path);

describe('Skydive JSON codec', () => {
  it('fills missing Host, Origin, times and Revision', () => {
    assert.deepEqual(decodeNode({ ID: 'a', Metadata: { Name: 'a' } }, d), {
      ID: 'a', Metadata: { Name: 'a' }, Host: 'h', Origin: 'api.h', CreatedAt: 500, UpdatedAt: 500, DeletedAt: null, Revision: 1,
    });
    const n = decodeNode({ ID: 'a', CreatedAt: 10, Revision: 4, Host: 'x', DeletedAt: null }, d);
    assert.deepEqual([n.CreatedAt, n.UpdatedAt, n.Revision, n.Host, n.Metadata], [10, 10, 4, 'x', {}]);
  });

  it('names the bad field', () => {
    assert.throws(() => decodeNode({ Metadata: {} }, d), codeOf('GRAPH_DECODE_ERROR', 'node.ID'));
    assert.throws(() => decodeNode({ ID: 'a', Metadata: [] }, d), codeOf('GRAPH_DECODE_ERROR', 'node.Metadata'));
    assert.throws(() => decodeNode({ ID: 'a', CreatedAt: 'yesterday' }, d), codeOf('GRAPH_DECODE_ERROR', 'node.CreatedAt'));
    assert.throws(() => decodeNode({ ID: 'a', Revision: 1.5 }, d), codeOf('GRAPH_DECODE_ERROR', 'node.Revision'));
    assert.throws(() => decodeNode('str', d), codeOf('GRAPH_DECODE_ERROR', 'node'));
    assert.throws(() => decodeEdge({ ID: 'e', Parent: 'p' }, d), codeOf('GRAPH_DECODE_ERROR', 'edge.Child'));
  });

  it('reads both {Nodes, Edges} and the [{Nodes, Edges}] dump form', () => {
    const t = { Nodes: [{ ID: 'a' }, { ID: 'b' }], Edges: [{ ID: 'e', Parent: 'a', Child: 'b' }] };
    assert.equal(decodeTopology(t, d).Nodes.length, 2);
    const dump = decodeTopology([t, { Nodes: [{ ID: 'c' }] }], d);
    assert.deepEqual(dump.Nodes.map((n) => n.ID), ['a', 'b', 'c']);
    assert.throws(() => decodeTopology([{ Nodes: {} }], d), codeOf('GRAPH_DECODE_ERROR', '[0].Nodes'));
    assert.throws(() => decodeTopology([t, { Edges: [{ ID: 'x' }] }], d), codeOf('GRAPH_DECODE_ERROR', '[1].Edges[0].Parent'));
  });

  it('renders DOT with names, types and relation labels, quoting safely', () => {
    const t = decodeTopology({ Nodes: [{ ID: 'a', Metadata: { Name: 'e"th0', Type: 'veth' } }, { ID: 'b' }], Edges: [{ ID: 'e', Parent: 'a', Child: 'b', Metadata: { RelationType: 'layer2' } }] }, d);
    assert.equal(toDot(t.Nodes, t.Edges), 'digraph "topology" {\n  "a" [label="e\\"th0 (veth)"];\n  "b" [label="b"];\n  "a" -> "b" [label="layer2"];\n}\n');
  });
});
