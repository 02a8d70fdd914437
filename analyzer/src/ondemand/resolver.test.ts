// Resolving captures to nodes: which result kinds give nodes, which nodes are capturable, which type each gets;
// and the tables behind it.
import assert from 'node:assert/strict';
import { MemoryGraph } from '@topoflow/graph';
import { createEngine, defaultGremlinConfig } from '@topoflow/gremlin';
import { defaultCapture, decodeStoredCapture } from '../captures/capture.js';
import { CAPTURE_TYPES, isCapturableNodeType, probeTypeForNode } from '../captures/types.js';
import { resolveCapture } from './resolver.js';

function graph(): MemoryGraph {
  const g = new MemoryGraph({ host: 'a' });
  g.addNode({ ID: 'host', Host: 'h1', Metadata: { Name: 'h1', Type: 'host' } });
  g.addNode({ ID: 'ns', Host: 'h1', Metadata: { Name: 'ns1', Type: 'netns' } });
  g.addNode({ ID: 'eth0', Host: 'h1', Metadata: { Name: 'eth0', Type: 'veth' } });
  g.addNode({ ID: 'br', Host: 'h1', Metadata: { Name: 'br0', Type: 'ovsbridge' } });
  g.addNode({ ID: 'tap', Host: 'h1', Metadata: { Name: 'tap0', Type: 'tuntap' } });
  g.addNode({ ID: 'api', Host: '', Metadata: { Name: 'eth9', Type: 'veth' } });
  g.addEdge({ ID: 'e1', Parent: 'host', Child: 'ns', Metadata: { RelationType: 'ownership' } });
  g.addEdge({ ID: 'e2', Parent: 'ns', Child: 'eth0', Metadata: { RelationType: 'ownership' } });
  return g;
}

describe('capture resolution', () => {
  const engine = createEngine(defaultGremlinConfig());
  const resolve = async (query: string, type = '') => resolveCapture({ ...defaultCapture('c', query), Type: type }, graph(), engine, {});

  it('keeps the capturable nodes that have a host, with the default type of their node type', async () => {
    const r = await resolve('G.V()');
    assert.deepEqual(Object.fromEntries([...r.targets].map(([id, t]) => [id, `${t.host}/${t.probeType}`])), { eth0: 'h1/afpacket', br: 'h1/ovssflow' });
    assert.equal(r.errors.size, 0);
  });

  it('takes the nodes of a sub-graph and of every path', async () => {
    assert.deepEqual([...(await resolve("G.V().Has('Name', 'eth0').SubGraph()")).targets.keys()], ['eth0']);
    assert.deepEqual([...(await resolve("G.V('host').ShortestPathTo(Metadata('Name', 'eth0'))")).targets.keys()], ['eth0']);
  });

  it('records an explicit type a node type does not allow', async () => {
    const r = await resolve("G.V().Has('Name', Within('eth0', 'br0'))", 'sflow');
    assert.deepEqual([...r.targets.keys()], ['eth0']);
    assert.equal(r.errors.get('br')?.code, 'ANALYZER_CAPTURE_TYPE_NOT_ALLOWED');
  });

  it('reports a query that fails or yields values instead of nodes', async () => {
    assert.equal((await resolve("G.V().Values('Name')")).queryError?.code, 'ANALYZER_CAPTURE_QUERY_NOT_NODES');
    assert.equal((await resolve("G.At('-1m').V()")).queryError?.code, 'GREMLIN_HISTORY_UNSUPPORTED');
  });

  it('follows Skydive\'s table of probes per node type', () => {
    assert.deepEqual(probeTypeForNode('ovsport', ''), { type: 'ovsmirror' });
    assert.deepEqual(probeTypeForNode('dpdkport', ''), { type: 'dpdk' });
    assert.deepEqual(probeTypeForNode('device', 'ebpf'), { type: 'ebpf' });
    assert.ok('error' in probeTypeForNode('veth', 'ovssflow'));
    assert.ok('error' in probeTypeForNode('veth', 'nope'));
    for (const t of ['host', 'netns', 'tuntap', 'patch', undefined, 3]) assert.equal(isCapturableNodeType(t), false);
    assert.equal(CAPTURE_TYPES.length, 9);
  });

  it('reads stored captures leniently and refuses what is not one', () => {
    const c = decodeStoredCapture(JSON.stringify({ UUID: 'u', GremlinQuery: 'G.V()', HeaderSize: 'x', Name: 'n' }));
    assert.deepEqual([c?.UUID, c?.HeaderSize, c?.Name, c?.LayerKeyMode], ['u', 0, 'n', 'L2']);
    for (const bad of ['{', '[]', 'null', '{"UUID": 1, "GremlinQuery": "G.V()"}', '{"UUID": "u"}']) assert.equal(decodeStoredCapture(bad), undefined);
  });
});
