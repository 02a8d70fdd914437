// The host node: deterministic ID, system facts, and agent.metadata merged (nested maps and dotted keys).
import assert from 'node:assert/strict';
import { MemoryGraph, getPath } from '@topoflow/graph';
import { hostNodeId } from '@topoflow/probes';
import { hostNode, mergeMetadata, systemHostInfo } from './host.js';

const INFO = { hostname: 'box', os: 'linux', kernel: '6.1.0', cpus: 4 };

describe('host node', () => {
  it('has the deterministic host ID and the system facts', () => {
    const n = hostNode('compute-1', {}, INFO);
    assert.equal(n.ID, hostNodeId('compute-1'));
    assert.equal(hostNode('compute-1', { x: 1 }, INFO).ID, n.ID);
    assert.deepEqual(n.Metadata, { Name: 'compute-1', Type: 'host', Hostname: 'box', OS: 'linux', Kernel: '6.1.0', CPUs: 4 });
  });

  it('merges agent.metadata, nested maps and dotted keys alike, so dotted lookups find the values', () => {
    const md = {
      mydict: { value: 123, inner: { deep: true } },
      'myarrays.integers': [1, 2, 3],
      myarrays: { strings: ['dog', 'cat', 'frog'] },
      rack: 'r1',
    };
    const n = hostNode('h', md, INFO);
    const g = new MemoryGraph();
    g.addNode(n);
    const stored = g.getNode(n.ID as string);
    assert.ok(stored);
    assert.equal(getPath(stored.Metadata, 'mydict.value'), 123);
    assert.equal(getPath(stored.Metadata, 'mydict.inner.deep'), true);
    assert.deepEqual(getPath(stored.Metadata, 'myarrays.integers'), [1, 2, 3]);
    assert.deepEqual(getPath(stored.Metadata, 'myarrays.strings'), ['dog', 'cat', 'frog']);
    assert.equal(stored.Metadata.rack, 'r1');
    assert.deepEqual(g.lookupNodes('Type', 'host')?.map((x) => x.ID), [n.ID]);
  });

  it('keeps Name and Type whatever agent.metadata says, but lets it override the other facts', () => {
    const n = hostNode('h', { Name: 'other', Type: 'switch', Hostname: 'alias' }, INFO);
    assert.equal(n.Metadata?.Name, 'h');
    assert.equal(n.Metadata?.Type, 'host');
    assert.equal(n.Metadata?.Hostname, 'alias');
  });

  it('does not share objects with the configuration it merged', () => {
    const extra = { a: { b: 1 } };
    const out = mergeMetadata({}, extra);
    (out.a as { b: number }).b = 2;
    assert.equal(extra.a.b, 1);
  });

  it('reads real system facts', () => {
    const info = systemHostInfo();
    assert.ok(info.hostname.length > 0);
    assert.ok(info.cpus >= 1);
    assert.equal(info.os, process.platform);
  });
});
