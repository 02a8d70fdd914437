import { strict as assert } from 'node:assert';
import { MemoryGraph } from '@topoflow/graph';
import type { LinkMessage } from './codec/link.js';
import { refreshEthtool } from './ethtool.js';
import { ethtoolChange, ethtoolMetadata } from './metadata.js';
import { type LinkState, type NamespaceHandler, NamespaceWatch } from './namespace.js';
import type { EthtoolReading } from './socket.js';

const noop = (): void => undefined;
const handler: NamespaceHandler = { link: noop, tables: noop, linksDumped: noop, nsidResolved: noop, dropped: noop, overrun: noop };

describe('netlink ethtool metadata', () => {
  it('maps the feature map and the speed, omitting an unknown speed and an empty map', () => {
    assert.deepEqual(ethtoolMetadata({ features: { 'tx-checksum-ip-generic': true, highdma: false }, speed: 10000 }),
      { Features: { highdma: false, 'tx-checksum-ip-generic': true }, Speed: 10000 });
    assert.deepEqual(ethtoolMetadata({ features: {}, speed: 0xffffffff }), {});
    assert.deepEqual(ethtoolMetadata({ speed: -1 }), {});
    assert.deepEqual(ethtoolMetadata({ speed: 0 }), { Speed: 0 });
    assert.deepEqual(ethtoolMetadata({}), {});
  });

  it('makes a change only when a key differs, deleting keys no longer reported', () => {
    const md = { Name: 'v0', Features: { a: true, b: false }, Speed: 1000 };
    assert.equal(ethtoolChange(md, { Features: { b: false, a: true }, Speed: 1000 }), undefined);
    assert.deepEqual(ethtoolChange(md, { Features: { a: false, b: false }, Speed: 1000 }), { set: { Features: { a: false, b: false } } });
    assert.deepEqual(ethtoolChange(md, { Features: { a: true, b: false } }), { delete: ['Speed'] });
    assert.deepEqual(ethtoolChange({ Name: 'v0' }, { Speed: 10 }), { set: { Speed: 10 } });
    assert.equal(ethtoolChange({ Name: 'v0' }, {}), undefined);
  });
});

describe('netlink ethtool refresh', () => {
  function setup(readings: Record<string, EthtoolReading>) {
    const graph = new MemoryGraph();
    const ns = new NamespaceWatch({ key: 'A', path: '/x', nodeId: 'nsA' }, handler, 0);
    const asked: string[] = [];
    ns.ethtoolInfo = (name: string): EthtoolReading => {
      asked.push(name);
      return readings[name] ?? {};
    };
    const add = (index: number, name: string, md: Record<string, unknown>): LinkState => {
      const msg: LinkMessage = { family: 0, arpType: 1, index, flags: 0, name };
      const state: LinkState = { index, nodeId: `n${index}`, adopted: false, msg, gen: 0 };
      graph.addNode({ ID: state.nodeId, Metadata: { Name: name, ...md } });
      ns.links.set(index, state);
      return state;
    };
    const failures: string[] = [];
    const deps = { graph, failed: (_: NamespaceWatch, l: LinkState, errno: string) => failures.push(`${l.msg.name}:${errno}`) };
    return { graph, ns, asked, add, failures, deps };
  }

  it('asks only links with a Driver, and updates a node only when its keys change', () => {
    const { graph, ns, asked, add, deps } = setup({ v0: { features: { highdma: true }, speed: 10000 }, lo: { features: { highdma: true } } });
    add(1, 'lo', {});
    add(2, 'v0', { Driver: 'veth' });
    add(3, 'br0', { Driver: '' });
    assert.equal(refreshEthtool(deps, ns, ns.links.values()), 1);
    assert.deepEqual(asked, ['v0']);
    assert.deepEqual(graph.getNode('n2')?.Metadata, { Name: 'v0', Driver: 'veth', Features: { highdma: true }, Speed: 10000 });
    assert.equal(graph.getNode('n1')?.Metadata.Features, undefined);
    const rev = graph.getNode('n2')?.Revision;
    assert.equal(refreshEthtool(deps, ns, ns.links.values()), 0);
    assert.equal(graph.getNode('n2')?.Revision, rev, 'no update when nothing changed');
    assert.equal(ns.links.get(2)?.ethtoolRead, true);
  });

  it('leaves the keys absent on errors and reports only unexpected ones', () => {
    const { graph, ns, add, failures, deps } = setup({ gone: {}, odd: { error: 'EIO', speed: 100 } });
    add(1, 'gone', { Driver: 'veth', Features: { highdma: true }, Speed: 10 });
    add(2, 'odd', { Driver: 'e1000' });
    assert.equal(refreshEthtool(deps, ns, ns.links.values()), 2);
    assert.deepEqual(graph.getNode('n1')?.Metadata, { Name: 'gone', Driver: 'veth' });
    assert.deepEqual(graph.getNode('n2')?.Metadata, { Name: 'odd', Driver: 'e1000', Speed: 100 });
    assert.deepEqual(failures, ['odd:EIO']);
  });
});

describe('netlink ethtool refresh fingerprint', () => {
  it('reads names again only when the fingerprint moves or the keys were edited since', () => {
    const graph = new MemoryGraph();
    const ns = new NamespaceWatch({ key: 'A', path: '/x', nodeId: 'nsA' }, handler, 0);
    let fp = Buffer.from([1, 0, 0, 0]);
    let reads = 0;
    ns.ethtoolFingerprint = (): Buffer => fp;
    ns.ethtoolInfo = (): EthtoolReading => {
      reads++;
      return { features: { highdma: fp[0] === 1 }, speed: 10000 };
    };
    const msg: LinkMessage = { family: 0, arpType: 1, index: 2, flags: 0, name: 'v0' };
    const state: LinkState = { index: 2, nodeId: 'n2', adopted: false, msg, gen: 0 };
    graph.addNode({ ID: 'n2', Metadata: { Name: 'v0', Driver: 'veth' } });
    ns.links.set(2, state);
    const deps = { graph, failed: (): void => undefined };
    refreshEthtool(deps, ns, [state]);
    refreshEthtool(deps, ns, [state]);
    assert.equal(reads, 1, 'same fingerprint, same keys: no second read');
    graph.updateNode('n2', { delete: ['Features'] });
    refreshEthtool(deps, ns, [state]);
    assert.equal(reads, 2, 'keys edited since: read again');
    assert.deepEqual(graph.getNode('n2')?.Metadata.Features, { highdma: true }, 'and restored');
    fp = Buffer.from([2, 0, 0, 0]);
    refreshEthtool(deps, ns, [state]);
    assert.equal(reads, 3, 'fingerprint moved: read again');
    assert.deepEqual(graph.getNode('n2')?.Metadata.Features, { highdma: false });
  });
});
