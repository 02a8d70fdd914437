// The flow enhancer against a graph of interfaces: MAC then PeerIntfMAC for Link ends, CIDR entries of IPV4/IPV6
// for Network ends of flows without Link, "*" for group addresses, nothing for unknown or shared addresses.
import assert from 'node:assert/strict';
import type { Flow } from '@topoflow/flow';
import { MemoryGraph, type Node } from '@topoflow/graph';
import { sampleFlow } from '../testing.js';
import { ENHANCER_INDEXES, FlowEnhancer, canonicalIPv6 } from './enhancer.js';

const ends = (f: Flow) => [f.ANodeTID, f.BNodeTID];
const l3 = (uuid: string, a: string, b: string, protocol: 'IPV4' | 'IPV6' = 'IPV4'): Flow => {
  const { Link: _link, ...f } = sampleFlow(uuid, 0, 1, { Network: { Protocol: protocol, A: a, B: b, ID: 0 } });
  return f;
};
const l2 = (uuid: string, a: string, b: string): Flow => sampleFlow(uuid, 0, 1, { Link: { Protocol: 'ETHERNET', A: a, B: b, ID: 0 } });

/** The graph, telling `seen` about every index lookup. */
function counting(graph: MemoryGraph, seen: (field: string, value: unknown) => void): MemoryGraph {
  return new Proxy(graph, {
    get(target, prop, receiver) {
      if (prop === 'lookupNodes') return (field: string, value: unknown) => (seen(field, value), target.lookupNodes(field, value));
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('flow enhancer', () => {
  let graph: MemoryGraph;
  const iface = (tid: string, md: Record<string, unknown>) => graph.addNode({ ID: `n-${tid}`, Metadata: { Name: tid, Type: 'veth', TID: tid, ...md } });

  beforeEach(() => {
    graph = new MemoryGraph({ nodeIndexes: [...ENHANCER_INDEXES] });
    iface('t-a', { MAC: '02:00:00:00:00:0a', PeerIntfMAC: '02:00:00:00:00:0b', IPV4: ['10.0.0.1/24'], IPV6: ['2001:db8::1/64', 'fe80::a/64'] });
    iface('t-b', { MAC: '02:00:00:00:00:0b', IPV4: ['10.0.0.2/24', '192.168.1.2/32'] });
    iface('t-c', { PeerIntfMAC: '02:00:00:00:00:0c' });
    iface('t-d', { MAC: '02:00:00:00:00:0d', IPV4: ['10.9.9.9/8'] });
    iface('t-e', { MAC: '02:00:00:00:00:0d', IPV4: ['10.9.9.9/16'] });
    graph.addNode({ ID: 'host', Metadata: { Name: 'host', Type: 'host', MAC: '02:00:00:00:00:0f' } });
  });

  it('names the owners of both Link MACs, matching upper-case MACs too', () => {
    const flows = [l2('1', '02:00:00:00:00:0a', '02:00:00:00:00:0B')];
    const counts = new FlowEnhancer(graph).enhance(flows);
    assert.deepEqual(ends(flows[0] as Flow), ['t-a', 't-b']);
    assert.deepEqual(counts, { found: 2, broadcast: 0, ambiguous: 0, unknown: 0 });
  });

  it('falls back to PeerIntfMAC when no node has the MAC', () => {
    const flows = [l2('1', '02:00:00:00:00:0c', '02:00:00:00:00:0a')];
    new FlowEnhancer(graph).enhance(flows);
    assert.deepEqual(ends(flows[0] as Flow), ['t-c', 't-a']);
  });

  it('gives "*" to broadcast and multicast MACs, and nothing to unknown, shared or TID-less owners', () => {
    const flows = [
      l2('1', '02:00:00:00:00:0a', 'ff:ff:ff:ff:ff:ff'), l2('2', '01:00:5e:00:00:fb', '33:33:00:00:00:01'),
      l2('3', '02:00:00:00:00:99', '02:00:00:00:00:0d'), l2('4', '02:00:00:00:00:0f', 'zz'),
    ];
    const counts = new FlowEnhancer(graph).enhance(flows);
    assert.deepEqual(flows.map(ends), [['t-a', '*'], ['*', '*'], [undefined, undefined], [undefined, undefined]]);
    assert.ok(!('ANodeTID' in (flows[2] as Flow)), 'an unresolved end stays absent');
    assert.deepEqual(counts, { found: 1, broadcast: 3, ambiguous: 1, unknown: 3 });
  });

  it('resolves Network addresses of a flow without Link through CIDR entries', () => {
    const flows = [l3('1', '10.0.0.1', '192.168.1.2'), l3('2', '2001:db8:0:0::1', 'FE80::A', 'IPV6'), l3('3', '10.0.0.3', '10.9.9.9')];
    new FlowEnhancer(graph).enhance(flows);
    assert.deepEqual(flows.map(ends), [['t-a', 't-b'], ['t-a', 't-a'], [undefined, undefined]]);
  });

  it('gives "*" to multicast and broadcast IPs', () => {
    const flows = [l3('1', '10.0.0.2', '224.0.0.251'), l3('2', '255.255.255.255', '239.1.1.1'), l3('3', 'fe80::a', 'ff02::1', 'IPV6')];
    new FlowEnhancer(graph).enhance(flows);
    assert.deepEqual(flows.map(ends), [['t-b', '*'], ['*', '*'], ['t-a', '*']]);
  });

  it('uses Link and not Network when a flow has both, and replaces ends an agent sent', () => {
    const flows = [sampleFlow('1', 0, 1, { Link: { Protocol: 'ETHERNET', A: '02:00:00:00:00:99', B: '02:00:00:00:00:0b', ID: 0 }, ANodeTID: 'forged' })];
    new FlowEnhancer(graph).enhance(flows);
    assert.deepEqual(ends(flows[0] as Flow), [undefined, 't-b']);
  });

  it('looks each address up once per batch', () => {
    const lookups: string[] = [];
    const view = counting(graph, (field, value) => lookups.push(`${field}=${String(value)}`));
    const flows = Array.from({ length: 50 }, (_, i) => l2(String(i), '02:00:00:00:00:0a', '02:00:00:00:00:0b'));
    new FlowEnhancer(view).enhance(flows);
    assert.deepEqual(lookups, ['MAC=02:00:00:00:00:0a', 'MAC=02:00:00:00:00:0b']);
    assert.ok(flows.every((f) => f.ANodeTID === 't-a' && f.BNodeTID === 't-b'));
  });

  it('keeps answers across batches while watching, until a node changes an address or its TID', () => {
    let lookups = 0;
    const view = counting(graph, () => lookups++);
    const enhancer = new FlowEnhancer(view);
    const unwatch = enhancer.watch(graph);
    const run = () => {
      const flows = [l2('1', '02:00:00:00:00:0a', '02:00:00:00:00:99')];
      enhancer.enhance(flows);
      return ends(flows[0] as Flow);
    };
    assert.deepEqual(run(), ['t-a', undefined]);
    const first = lookups;
    graph.updateNode('n-t-b', { set: { MTU: 9000 } });
    graph.addNode({ ID: 'x', Metadata: { Name: 'x', Type: 'netns' } });
    assert.deepEqual(run(), ['t-a', undefined]);
    assert.equal(lookups, first, 'changes that move no address keep the answers');
    graph.addNode({ ID: 'n-new', Metadata: { Name: 'new', Type: 'veth', TID: 't-new', MAC: '02:00:00:00:00:99' } });
    assert.deepEqual(run(), ['t-a', 't-new']);
    graph.updateNode('n-t-a', { set: { TID: 't-a2' } });
    assert.deepEqual(run(), ['t-a2', 't-new']);
    graph.updateNode('n-new', { set: { MAC: '02:00:00:00:00:98' } });
    assert.deepEqual(run(), ['t-a2', undefined]);
    graph.deleteNode('n-t-a');
    assert.deepEqual(run(), [undefined, undefined]);
    unwatch();
    const before = lookups;
    run();
    run();
    assert.ok(lookups > before + 2, 'without watching, every batch looks up again');
  });

  it('still resolves on a graph without the indexes, by scanning', () => {
    const plain = new MemoryGraph({ nodeIndexes: [] });
    for (const n of graph.nodes()) plain.addNode({ ID: n.ID, Metadata: (n as Node).Metadata });
    const flows = [l2('1', '02:00:00:00:00:0c', '02:00:00:00:00:0b'), l3('2', '10.0.0.1', '10.9.9.9')];
    new FlowEnhancer(plain).enhance(flows);
    assert.deepEqual(flows.map(ends), [['t-c', 't-b'], ['t-a', undefined]]);
  });

  it('writes IPv6 addresses in their canonical form', () => {
    assert.equal(canonicalIPv6('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
    assert.equal(canonicalIPv6('not an address'), undefined);
  });
});
