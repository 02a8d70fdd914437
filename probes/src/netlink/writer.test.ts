import { strict as assert } from 'node:assert';
import { MemoryGraph } from '@topoflow/graph';
import { AF } from './codec/address.js';
import type { LinkMessage, LinkStats } from './codec/link.js';
import { STATS64_FIELDS } from './codec/link.js';
import { linkMetadata, linkType } from './metadata.js';
import { type NamespaceHandler, NamespaceWatch } from './namespace.js';
import { InterfaceWriter } from './writer.js';
import { interfaceNodeId } from '../topology/ids.js';
import { LAYER2, OWNERSHIP, findLink, ownerOf } from '../topology/links.js';

const HOST = 'h';
const noop = (): void => undefined;
const handler: NamespaceHandler = { link: noop, tables: noop, linksDumped: noop, nsidResolved: noop, dropped: noop, overrun: noop };

function setup() {
  const graph = new MemoryGraph();
  for (const id of ['host', 'nsA', 'nsB']) graph.addNode({ ID: id });
  const a = new NamespaceWatch({ key: 'A', path: '/x', nodeId: 'nsA' }, handler, 0);
  const b = new NamespaceWatch({ key: 'B', path: '/y', nodeId: 'nsB' }, handler, 0);
  const unknown: string[] = [];
  const writer = new InterfaceWriter({ graph, hostId: HOST, namespaces: () => [a, b], unknownNsid: (ns) => unknown.push(ns.key) });
  return { graph, a, b, writer, unknown };
}

const link = (index: number, name: string, extra: Partial<LinkMessage> = {}): LinkMessage =>
  ({ family: 0, arpType: 1, index, flags: 0x1003, name, mtu: 1500, mac: Buffer.from([2, 0, 0, 0, 0, index]), operstate: 6, ...extra });

const stats = (rx: number): LinkStats => {
  const s = Object.fromEntries(STATS64_FIELDS.map((f) => [f, 0])) as LinkStats;
  s.RxPackets = rx;
  return s;
};

describe('netlink interface writer', () => {
  it('renders Skydive link metadata', () => {
    assert.deepEqual(linkMetadata(link(3, 'eth0'), { driver: 'virtio_net' }), {
      Name: 'eth0', Type: 'device', IfIndex: 3, EncapType: 'ether', Driver: 'virtio_net', MTU: 1500, MAC: '02:00:00:00:00:03',
      State: 'UP', LinkFlags: ['UP', 'BROADCAST', 'MULTICAST'],
    });
    assert.equal(linkType('tun', 'tun'), 'tuntap');
    assert.equal(linkType(undefined, 'veth'), 'veth');
    assert.equal(linkMetadata(link(4, 'br0', { kind: 'bridge' }), {}).Driver, 'bridge');
  });

  it('makes one owned node per link, updates it in place, and deletes it', () => {
    const { graph, a, writer } = setup();
    writer.upsert(a, link(3, 'eth0'), 1);
    const id = interfaceNodeId(HOST, 'A', 3);
    assert.equal(ownerOf(graph, id), 'nsA');
    const rev = graph.getNode(id)?.Revision;
    writer.upsert(a, link(3, 'eth0'), 2);
    assert.equal(graph.getNode(id)?.Revision, rev, 'an unchanged link makes no revision');
    writer.upsert(a, link(3, 'eth1', { master: 9 }), 3);
    assert.equal(graph.getNode(id)?.Metadata.Name, 'eth1');
    assert.equal(graph.getNode(id)?.Metadata.MasterIndex, 9);
    writer.upsert(a, link(3, 'eth1'), 4);
    assert.equal(graph.getNode(id)?.Metadata.MasterIndex, undefined, 'a key that no longer applies is deleted');
    writer.delete(a, 3);
    assert.equal(graph.getNode(id), undefined);
  });

  it('links bridge ports whichever comes first, and unlinks a port that leaves', () => {
    const { graph, a, writer } = setup();
    writer.upsert(a, link(5, 'p0', { master: 4 }), 1);
    writer.upsert(a, link(4, 'br0', { kind: 'bridge' }), 1);
    const br = interfaceNodeId(HOST, 'A', 4);
    const p0 = interfaceNodeId(HOST, 'A', 5);
    assert.ok(findLink(graph, br, p0, LAYER2));
    writer.upsert(a, link(5, 'p0'), 2);
    assert.equal(findLink(graph, br, p0, LAYER2), undefined);
  });

  it('pairs veths across namespaces by nsid, or by ends pointing at each other', () => {
    const { graph, a, b, writer, unknown } = setup();
    writer.upsert(a, link(7, 'va', { kind: 'veth', link: 2, linkNetnsId: 0 }), 1);
    writer.upsert(b, link(2, 'vb', { kind: 'veth', link: 7, linkNetnsId: 5 }), 1);
    const va = interfaceNodeId(HOST, 'A', 7);
    const vb = interfaceNodeId(HOST, 'B', 2);
    assert.equal(findLink(graph, va, vb, LAYER2)?.Metadata.Type, 'veth', 'the higher index is the parent');
    assert.deepEqual(unknown, ['A', 'B'], 'both ends ask for their unknown nsid');
    a.nsids.set(3, 'B');
    writer.upsert(b, link(4, 'vd', { kind: 'veth' }), 1); // an end not naming its peer yet
    writer.upsert(a, link(8, 'vc', { kind: 'veth', link: 4, linkNetnsId: 3 }), 1);
    assert.ok(findLink(graph, interfaceNodeId(HOST, 'A', 8), interfaceNodeId(HOST, 'B', 4), LAYER2), 'the nsid resolves the peer namespace');
    writer.upsert(a, link(9, 've', { kind: 'veth', link: 2, linkNetnsId: 3 }), 1);
    assert.equal(findLink(graph, interfaceNodeId(HOST, 'A', 9), vb, LAYER2, true), undefined, 'not to an end whose peer is another');
    graph.updateNode('nsB', { set: { Name: 'blue' } });
    writer.relinkNsid(a, 3);
    assert.equal(graph.getNode(interfaceNodeId(HOST, 'A', 8))?.Metadata.LinkNetNsName, 'blue');
  });

  // The kernel announces the end made first (the peer of `ip link add … peer … netns`) before the two are joined:
  // without IFLA_LINK. Only the other end names its peer, through an nsid its namespace may not have resolved yet.
  describe('pairs a veth whatever the arrival order and nsid resolution', () => {
    const vethEdges = (graph: MemoryGraph): [string, string][] => [...graph.edges()]
      .filter((e) => e.Metadata.RelationType === LAYER2 && e.Metadata.Type === 'veth').map((e) => [e.Parent, e.Child]);
    const rootEnd = link(40, 'va', { kind: 'veth', link: 2, linkNetnsId: 3 });
    const nsEnd = link(2, 'vb', { kind: 'veth' }); // first announcement: no peer yet
    const va = interfaceNodeId(HOST, 'A', 40);
    const vb = interfaceNodeId(HOST, 'B', 2);
    const orders: Record<string, (c: ReturnType<typeof setup>) => void> = {
      'peer end, root end, nsid': ({ a, b, writer }) => {
        writer.upsert(b, nsEnd, 1);
        writer.upsert(a, rootEnd, 1);
        resolve(a, writer);
      },
      'root end, peer end, nsid': ({ a, b, writer }) => {
        writer.upsert(a, rootEnd, 1);
        writer.upsert(b, nsEnd, 1);
        resolve(a, writer);
      },
      'root end, nsid, peer end': ({ a, b, writer }) => {
        writer.upsert(a, rootEnd, 1);
        resolve(a, writer);
        writer.upsert(b, nsEnd, 1);
      },
      'nsid known, root end, peer end': ({ a, b, writer }) => {
        a.nsids.set(3, 'B');
        writer.upsert(a, rootEnd, 1);
        writer.upsert(b, nsEnd, 1);
      },
      'root end, nsid, peer end without then with its peer': ({ a, b, writer }) => {
        writer.upsert(a, rootEnd, 1);
        resolve(a, writer);
        writer.upsert(b, nsEnd, 1);
        writer.upsert(b, { ...nsEnd, link: 40, linkNetnsId: 0 }, 2);
      },
    };
    function resolve(a: NamespaceWatch, writer: InterfaceWriter): void {
      a.nsids.set(3, 'B');
      writer.relinkNsid(a, 3);
    }
    for (const [name, run] of Object.entries(orders)) {
      it(name, () => {
        const c = setup();
        run(c);
        assert.deepEqual(vethEdges(c.graph), [[va, vb]]);
      });
    }

    it('does not trust a stale nsid leading to an unrelated veth, and pairs once it is resolved again', () => {
      const { graph, a, b } = setup();
      const d = new NamespaceWatch({ key: 'D', path: '/z', nodeId: 'nsD' }, handler, 0);
      graph.addNode({ ID: 'nsD' });
      const w = new InterfaceWriter({ graph, hostId: HOST, namespaces: () => [a, b, d], unknownNsid: noop });
      a.nsids.set(3, 'B'); // stale: nsid 3 now names D
      w.upsert(b, link(2, 'other', { kind: 'veth', link: 9, linkNetnsId: 0 }), 1);
      w.upsert(a, rootEnd, 1);
      w.upsert(d, link(2, 'vd', { kind: 'veth' }), 1);
      assert.deepEqual(vethEdges(graph), [], 'no edge to the veth of the namespace that had nsid 3');
      a.nsids.set(3, 'D');
      w.relinkNsid(a, 3);
      assert.deepEqual(vethEdges(graph), [[va, interfaceNodeId(HOST, 'D', 2)]]);
    });

    it('forgets the unpaired ends of a deleted link or a namespace no longer watched', () => {
      const { graph, a, b, writer } = setup();
      writer.upsert(a, rootEnd, 1);
      writer.delete(a, 40);
      writer.upsert(a, link(41, 'vx', { kind: 'veth', link: 2, linkNetnsId: 3 }), 1);
      writer.forget(a);
      a.nsids.set(3, 'B');
      writer.upsert(b, nsEnd, 1);
      assert.deepEqual(vethEdges(graph), []);
    });
  });

  it('links a vlan device to its lower device with Type vlan', () => {
    const { graph, a, writer } = setup();
    writer.upsert(a, link(9, 'eth0.10', { kind: 'vlan', link: 3, infoId: 10 }), 1);
    writer.upsert(a, link(3, 'eth0'), 1);
    const e = findLink(graph, interfaceNodeId(HOST, 'A', 3), interfaceNodeId(HOST, 'A', 9), LAYER2);
    assert.equal(e?.Metadata.Type, 'vlan');
    assert.equal(graph.getNode(interfaceNodeId(HOST, 'A', 9))?.Metadata.Vlan, 10);
  });

  it('adopts an OVSDB-made node and only drops its ownership on delete', () => {
    const { graph, a, writer } = setup();
    graph.addNode({ ID: 'ovs', Metadata: { Name: 'vm1', IfIndex: 6, UUID: 'u-1', Type: 'internal' } });
    writer.upsert(a, link(6, 'vm1'), 1);
    assert.equal(graph.getNode(interfaceNodeId(HOST, 'A', 6)), undefined);
    assert.equal(graph.getNode('ovs')?.Metadata.Type, 'internal');
    assert.equal(graph.getNode('ovs')?.Metadata.MTU, 1500);
    assert.equal(ownerOf(graph, 'ovs'), 'nsA');
    writer.delete(a, 6);
    assert.ok(graph.getNode('ovs'));
    assert.equal(findLink(graph, 'nsA', 'ovs', OWNERSHIP), undefined);
  });

  it('renders addresses, routes and neighbours and removes them', () => {
    const { graph, a, writer } = setup();
    writer.upsert(a, link(3, 'eth0'), 1);
    const id = interfaceNodeId(HOST, 'A', 3);
    const addr = { family: AF.INET, index: 3, prefixLen: 24, cidr: '198.18.0.1/24' };
    writer.refresh(a, a.tables.applyAddress(addr, true, 1));
    const route = { family: AF.INET, table: 254, protocol: 4, routeType: 1, tos: 0, priority: 0, prefix: '198.19.0.0/16', nextHops: [{ ifIndex: 3 }] };
    writer.refresh(a, a.tables.applyRoute(route, true, 1));
    writer.refresh(a, a.tables.applyNeighbor({ family: AF.INET, index: 3, state: 0x80, flags: 0, ip: '198.18.0.2', mac: '02:00:00:00:00:09' }, true, 1));
    const md = graph.getNode(id)?.Metadata ?? {};
    assert.deepEqual(md.IPV4, ['198.18.0.1/24']);
    assert.deepEqual(md.RoutingTables, [{ ID: 254, Src: null, Routes: [{ Protocol: 4, Prefix: '198.19.0.0/16', NextHops: [{ Priority: 0, IfIndex: 3 }] }] }]);
    assert.deepEqual(md.Neighbors, [{ Flags: [], MAC: '02:00:00:00:00:09', IP: '198.18.0.2', State: ['NUD_PERMANENT'], IfIndex: 3 }]);
    writer.refresh(a, a.tables.applyAddress(addr, false, 2));
    writer.refresh(a, a.tables.sweep('route', 2));
    assert.equal(graph.getNode(id)?.Metadata.IPV4, undefined);
    assert.equal(graph.getNode(id)?.Metadata.RoutingTables, undefined);
  });

  it('writes Metric at creation and LastUpdateMetric deltas per tick, skipping idle links', () => {
    const { graph, a, writer } = setup();
    writer.upsert(a, link(3, 'eth0', { stats: stats(10) }), 1000);
    const id = interfaceNodeId(HOST, 'A', 3);
    assert.deepEqual(graph.getNode(id)?.Metadata.Metric, { RxPackets: 10 });
    writer.upsert(a, link(3, 'eth0', { stats: stats(25) }), 1500);
    assert.deepEqual(graph.getNode(id)?.Metadata.Metric, { RxPackets: 10 }, 'events do not move the metric');
    writer.metrics(a, 2000);
    assert.deepEqual(graph.getNode(id)?.Metadata.Metric, { RxPackets: 25, Last: 2000 });
    assert.deepEqual(graph.getNode(id)?.Metadata.LastUpdateMetric, { RxPackets: 15, Start: 1000, Last: 2000 });
    const rev = graph.getNode(id)?.Revision;
    writer.metrics(a, 3000);
    assert.equal(graph.getNode(id)?.Revision, rev, 'no delta, no update');
  });
});
