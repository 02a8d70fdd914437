import { strict as assert } from 'node:assert';
import { silentReporter } from '@topoflow/common';
import { MemoryGraph, uuidV5 } from '@topoflow/graph';
import { TidMapper } from './tid-mapper.js';

const settle = () => new Promise((r) => setImmediate(r));

describe('TID mapper', () => {
  let g: MemoryGraph;
  let mapper: TidMapper;
  const hostTid = uuidV5('h1');

  beforeEach(async () => {
    g = new MemoryGraph();
    g.addNode({ ID: 'host', Metadata: { Name: 'h1', Type: 'host' } });
    mapper = new TidMapper({ graph: g, hostName: 'h1', reporter: silentReporter('agent').child('tid') });
    await mapper.start();
  });
  afterEach(() => mapper.stop());

  const own = (p: string, c: string) => g.addEdge({ ID: `${p}-${c}`, Parent: p, Child: c, Metadata: { RelationType: 'ownership' } });
  const tid = (id: string) => g.getNode(id)?.Metadata.TID;

  it('derives host, netns, ovs and interface TIDs as Skydive does', async () => {
    g.addNode({ ID: 'ns', Metadata: { Name: 'ns1', Type: 'netns', Path: '/var/run/netns/ns1' } });
    g.addNode({ ID: 'eth', Metadata: { Name: 'eth0', Type: 'veth' } });
    g.addNode({ ID: 'br', Metadata: { Name: 'br0', Type: 'ovsbridge', UUID: 'u-1' } });
    g.addNode({ ID: 'tor', Metadata: { Name: 'tor', Type: 'switch', Probe: 'fabric' } });
    own('host', 'ns');
    own('ns', 'eth');
    await settle();
    assert.equal(tid('host'), hostTid);
    assert.equal(tid('ns'), uuidV5(`${hostTid}/var/run/netns/ns1netns`));
    assert.equal(tid('eth'), uuidV5(`${tid('ns') as string}eth0veth`));
    assert.equal(tid('br'), uuidV5(`${hostTid}u-1ovsbridge`));
    assert.equal(tid('tor'), 'tor');
  });

  it('waits for an ownership parent, follows a move, and drops the TID when the ownership goes', async () => {
    g.addNode({ ID: 'eth', Metadata: { Name: 'eth0', Type: 'device' } });
    await settle();
    assert.equal(tid('eth'), undefined);
    own('host', 'eth');
    await settle();
    const first = tid('eth');
    assert.equal(first, uuidV5(`${hostTid}eth0device`));
    g.addNode({ ID: 'ns', Metadata: { Name: 'ns1', Type: 'netns', Path: '/p' } });
    g.deleteEdge('host-eth');
    own('ns', 'eth');
    await settle();
    assert.equal(tid('eth'), uuidV5(`${tid('ns') as string}eth0device`));
    g.deleteEdge('ns-eth');
    await settle();
    assert.equal(tid('eth'), undefined);
  });

  it('recomputes what a node owns when its TID changes (a rename)', async () => {
    g.addNode({ ID: 'br', Metadata: { Name: 'br0', Type: 'bridge' } });
    g.addNode({ ID: 'port', Metadata: { Name: 'p0', Type: 'veth' } });
    own('host', 'br');
    own('br', 'port');
    await settle();
    const before = tid('port');
    g.updateNode('br', { set: { Name: 'br1' } });
    await settle();
    assert.equal(tid('br'), uuidV5(`${hostTid}br1bridge`));
    assert.equal(tid('port'), uuidV5(`${tid('br') as string}p0veth`));
    assert.notEqual(tid('port'), before);
  });

  it('maps nodes present before it started, and makes no revision when nothing changes', async () => {
    await mapper.stop();
    const g2 = new MemoryGraph();
    g2.addNode({ ID: 'host', Metadata: { Name: 'h1', Type: 'host' } });
    g2.addNode({ ID: 'eth', Metadata: { Name: 'eth0', Type: 'device' } });
    g2.addEdge({ ID: 'o', Parent: 'host', Child: 'eth', Metadata: { RelationType: 'ownership' } });
    const m2 = new TidMapper({ graph: g2, hostName: 'h1', reporter: silentReporter('agent').child('tid') });
    await m2.start();
    await settle();
    assert.equal(g2.getNode('eth')?.Metadata.TID, uuidV5(`${hostTid}eth0device`));
    const rev = g2.revision;
    g2.updateNode('eth', { set: { MTU: 1500 } });
    await settle();
    assert.equal(g2.revision, rev + 1, 'an unrelated change triggers no TID revision');
    await m2.stop();
  });
});
