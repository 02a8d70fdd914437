import { strict as assert } from 'node:assert';
import { MemoryGraph, linkId } from '@topoflow/graph';
import { hostNodeId, interfaceNodeId, namespaceKey, netnsNodeId } from './ids.js';
import { LAYER2, OWNERSHIP, ensureLink, findLink, ownerOf, removeLink, setOwner } from './links.js';

describe('probe topology helpers', () => {
  it('makes stable, distinct IDs per host and key', () => {
    assert.equal(hostNodeId('h1'), hostNodeId('h1'));
    assert.notEqual(hostNodeId('h1'), hostNodeId('h2'));
    const ns = namespaceKey(4, 4026532281n);
    assert.equal(ns, '4,4026532281');
    assert.notEqual(netnsNodeId('h1', ns), interfaceNodeId('h1', ns, 1));
    assert.notEqual(interfaceNodeId('h1', ns, 1), interfaceNodeId('h1', 'root', 1));
  });

  it('links idempotently with Skydive link IDs and keeps one ownership parent', () => {
    const g = new MemoryGraph();
    for (const id of ['h', 'ns', 'i']) g.addNode({ ID: id });
    const e = ensureLink(g, 'h', 'i', OWNERSHIP);
    assert.equal(e.ID, linkId('h', 'i', OWNERSHIP));
    assert.equal(ensureLink(g, 'h', 'i', OWNERSHIP), e);
    setOwner(g, 'ns', 'i');
    assert.equal(ownerOf(g, 'i'), 'ns');
    assert.equal(g.edgeCount, 1);
    ensureLink(g, 'i', 'h', LAYER2, { Type: 'veth' });
    assert.equal(ensureLink(g, 'h', 'i', LAYER2, {}, true).Parent, 'i', 'found in the other direction');
    assert.equal(findLink(g, 'i', 'h', LAYER2)?.Metadata.Type, 'veth');
    removeLink(g, 'i', 'h', LAYER2);
    assert.equal(findLink(g, 'i', 'h', LAYER2), undefined);
  });
});
