import { strict as assert } from 'node:assert';
import { MemoryGraph, type Node } from '@topoflow/graph';
import { hostNodeId, ovsRowNodeId } from '../topology/ids.js';
import { LAYER2, OWNERSHIP, findLink, ownerOf } from '../topology/links.js';
import { OvsdbTopology } from './topology.js';
import type { Row, TableUpdates } from './values.js';

const HOST = 'h1';
const HOST_NODE = hostNodeId(HOST);
const uuid = (n: number): string => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;
const ref = (n: number): unknown => ['uuid', uuid(n)];
const set = (...v: unknown[]): unknown => ['set', v];
const map = (o: Record<string, string>): unknown => ['map', Object.entries(o)];
const rowId = (n: number): string => ovsRowNodeId(HOST, uuid(n));

function bridge(name: string, ports: number[], extra: Row = {}): Row {
  return { name, ports: set(...ports.map(ref)), external_ids: map({}), other_config: map({}), protocols: set(), ...extra };
}
function port(name: string, interfaces: number[], extra: Row = {}): Row {
  return { name, interfaces: set(...interfaces.map(ref)), external_ids: map({}), other_config: map({}), tag: set(), ...extra };
}
function intf(name: string, type: string, extra: Row = {}): Row {
  return {
    name, type, options: map({}), other_config: map({}), external_ids: map({}), status: map({}),
    ofport: set(), ifindex: set(), mac_in_use: set(), error: set(), ...extra,
  };
}
function inserts(tables: Record<string, Record<number, Row>>): TableUpdates {
  const out: TableUpdates = {};
  for (const [t, rows] of Object.entries(tables)) {
    out[t] = Object.fromEntries(Object.entries(rows).map(([n, r]) => [uuid(Number(n)), { new: r }]));
  }
  return out;
}
function setup(): { graph: MemoryGraph; topo: OvsdbTopology } {
  const graph = new MemoryGraph();
  graph.addNode({ ID: HOST_NODE, Metadata: { Type: 'host', Name: HOST } });
  return { graph, topo: new OvsdbTopology({ graph, hostId: HOST, hostNodeId: HOST_NODE }) };
}
function named(graph: MemoryGraph, name: string, type?: string): Node[] {
  return [...graph.nodes()].filter((n) => n.Metadata.Name === name && (type === undefined || n.Metadata.Type === type));
}
const has = (g: MemoryGraph, a: string, b: string, rel: string): boolean => findLink(g, a, b, rel) !== undefined;

// br0 (1) with internal port br0 (11 → intf 21) and a vxlan port vx0 (12 → intf 22).
const BR0 = {
  Bridge: { 1: bridge('br0', [11, 12]) },
  Port: { 11: port('br0', [21]), 12: port('vx0', [22], { tag: 42 }) },
  Interface: {
    21: intf('br0', 'internal', { ifindex: 7, ofport: 65534, mac_in_use: 'aa:bb:cc:dd:ee:01' }),
    22: intf('vx0', 'vxlan', { options: map({ remote_ip: '192.0.2.2', local_ip: '192.0.2.1', key: 'flow' }), ofport: 1 }),
  },
};

describe('ovsdb topology', () => {
  it('builds the bridge → port → interface tree with deterministic IDs', () => {
    const { graph, topo } = setup();
    topo.apply(inserts(BR0), true);
    const br = graph.getNode(rowId(1));
    assert.equal(br?.Metadata.Type, 'ovsbridge');
    assert.equal(ownerOf(graph, rowId(1)), HOST_NODE);
    for (const p of [11, 12]) {
      assert.equal(graph.getNode(rowId(p))?.Metadata.Type, 'ovsport');
      assert.equal(ownerOf(graph, rowId(p)), rowId(1));
      assert.ok(has(graph, rowId(1), rowId(p), LAYER2));
    }
    assert.equal(graph.getNode(rowId(12))?.Metadata.Vlans, 42);
    const internal = graph.getNode(rowId(21));
    assert.deepEqual(
      { ...internal?.Metadata, Ovs: undefined },
      { Name: 'br0', UUID: uuid(21), Type: 'internal', Driver: 'openvswitch', OfPort: 65534, IfIndex: 7, Ovs: undefined },
      'no MAC for an internal interface',
    );
    assert.ok(has(graph, rowId(11), rowId(21), LAYER2));
    assert.equal(ownerOf(graph, rowId(21)), rowId(1), 'an OVS-made internal interface with no other owner');
  });

  it('gives a vxlan interface its tunnel endpoints and its bridge as owner', () => {
    const { graph, topo } = setup();
    topo.apply(inserts(BR0), true);
    const vx = graph.getNode(rowId(22))?.Metadata;
    assert.equal(vx?.Type, 'vxlan');
    assert.equal(vx?.LocalIP, '192.0.2.1');
    assert.equal(vx?.RemoteIP, '192.0.2.2');
    assert.deepEqual((vx?.Ovs as Record<string, unknown>).Options, { remote_ip: '192.0.2.2', local_ip: '192.0.2.1', key: 'flow' });
    assert.equal(ownerOf(graph, rowId(22)), rowId(1));
    assert.ok(has(graph, rowId(12), rowId(22), LAYER2));
  });

  it('decorates a pre-existing netlink node of an internal port instead of making one', () => {
    const { graph, topo } = setup();
    graph.addNode({ ID: 'nl-br0', Metadata: { Name: 'br0', IfIndex: 7, Type: 'openvswitch', MAC: '02:00:00:00:00:07' } });
    graph.addEdge({ ID: 'own', Parent: HOST_NODE, Child: 'nl-br0', Metadata: { RelationType: OWNERSHIP } });
    topo.apply(inserts(BR0), true);
    assert.equal(graph.getNode(rowId(21)), undefined);
    const md = graph.getNode('nl-br0')?.Metadata;
    assert.equal(md?.UUID, uuid(21));
    assert.equal(md?.Type, 'internal');
    assert.equal(md?.MAC, '02:00:00:00:00:07', 'netlink keeps the MAC of internal interfaces');
    assert.equal(md?.OfPort, 65534);
    assert.equal(ownerOf(graph, 'nl-br0'), HOST_NODE, 'the netlink ownership wins');
    assert.ok(has(graph, rowId(11), 'nl-br0', LAYER2));
  });

  it('does not adopt a node with the same name but another IfIndex', () => {
    const { graph, topo } = setup();
    graph.addNode({ ID: 'other', Metadata: { Name: 'br0', IfIndex: 99, Type: 'veth' } });
    topo.apply(inserts(BR0), true);
    assert.ok(graph.getNode(rowId(21)));
    assert.equal(graph.getNode('other')?.Metadata.UUID, undefined);
  });

  it('adopts a netlink node that appears after OVS made its own, on the next update', () => {
    const { graph, topo } = setup();
    topo.apply(inserts(BR0), true);
    assert.ok(graph.getNode(rowId(21)));
    graph.addNode({ ID: 'nl-br0', Metadata: { Name: 'br0', IfIndex: 7, Type: 'openvswitch' } });
    topo.apply({ Interface: { [uuid(21)]: { old: { ofport: 65534 }, new: intf('br0', 'internal', { ifindex: 7, ofport: 65533 }) } } }, false);
    assert.equal(graph.getNode(rowId(21)), undefined, 'the OVS-made node is gone');
    assert.equal(graph.getNode('nl-br0')?.Metadata.OfPort, 65533);
    assert.ok(has(graph, rowId(11), 'nl-br0', LAYER2));
  });

  it('links a patch pair with exactly one layer2 edge of Type patch', () => {
    const { graph, topo } = setup();
    topo.apply(inserts({
      Bridge: { 1: bridge('br0', [11]), 2: bridge('br1', [12]) },
      Port: { 11: port('p0', [21]), 12: port('p1', [22]) },
      Interface: {
        21: intf('p0', 'patch', { options: map({ peer: 'p1' }) }),
        22: intf('p1', 'patch', { options: map({ peer: 'p0' }) }),
      },
    }), true);
    topo.apply({ Interface: { [uuid(21)]: { new: intf('p0', 'patch', { options: map({ peer: 'p1' }), ofport: 3 }) } } }, false);
    const patches = [...graph.edges()].filter((e) => e.Metadata.Type === 'patch');
    assert.equal(patches.length, 1);
    assert.equal(patches[0]?.Metadata.RelationType, LAYER2);
    assert.deepEqual(new Set([patches[0]?.Parent, patches[0]?.Child]), new Set([rowId(21), rowId(22)]));
    assert.equal(ownerOf(graph, rowId(21)), rowId(1));
    assert.equal(ownerOf(graph, rowId(22)), rowId(2));
  });

  it('deletes the nodes of deleted rows, and only strips OVS keys from a kernel interface', () => {
    const { graph, topo } = setup();
    graph.addNode({ ID: 'veth', Metadata: { Name: 'veth0', IfIndex: 9, Type: 'veth', Driver: 'veth' } });
    topo.apply(inserts({ ...BR0, Port: { ...BR0.Port, 13: port('veth0', [23]) }, Interface: { ...BR0.Interface, 23: intf('veth0', '', { ifindex: 9 }) },
      Bridge: { 1: bridge('br0', [11, 12, 13]) } }), true);
    assert.equal(graph.getNode('veth')?.Metadata.Type, 'veth', 'an empty OVS type keeps the netlink Type');
    assert.equal(graph.getNode('veth')?.Metadata.Driver, 'veth');
    assert.equal(ownerOf(graph, 'veth'), undefined, 'a kernel veth is not OVS-driven');
    topo.apply({
      Bridge: { [uuid(1)]: { new: bridge('br0', [11]) } },
      Port: { [uuid(12)]: {}, [uuid(13)]: {} },
      Interface: { [uuid(22)]: {}, [uuid(23)]: {} },
    }, false);
    for (const n of [12, 13, 22]) assert.equal(graph.getNode(rowId(n)), undefined);
    const veth = graph.getNode('veth')?.Metadata;
    assert.equal(veth?.UUID, undefined);
    assert.equal(veth?.Ovs, undefined);
    assert.ok(graph.getNode(rowId(21)));
    topo.apply({ Bridge: { [uuid(1)]: {} }, Port: { [uuid(11)]: {} }, Interface: { [uuid(21)]: {} } }, false);
    assert.deepEqual([...graph.nodes()].map((n) => n.ID).sort(), [HOST_NODE, 'veth'].sort());
  });

  it('follows a modify of a port\'s interfaces', () => {
    const { graph, topo } = setup();
    topo.apply(inserts({
      Bridge: { 1: bridge('br0', [11]) }, Port: { 11: port('bond0', [21]) },
      Interface: { 21: intf('tap1', 'tap'), 22: intf('tap2', 'tap') },
    }), true);
    assert.ok(has(graph, rowId(11), rowId(21), LAYER2));
    topo.apply({ Port: { [uuid(11)]: { old: { interfaces: set(ref(21)) }, new: { interfaces: set(ref(22)) } } } }, false);
    assert.ok(!has(graph, rowId(11), rowId(21), LAYER2));
    assert.equal(ownerOf(graph, rowId(21)), undefined);
    assert.ok(has(graph, rowId(11), rowId(22), LAYER2));
    assert.equal(ownerOf(graph, rowId(22)), rowId(1));
    assert.equal(graph.getNode(rowId(11))?.Metadata.Name, 'bond0', 'columns absent from the modify are kept');
  });

  it('resyncs from a new initial dump: rows missing from it are deleted', () => {
    const { graph, topo } = setup();
    topo.apply(inserts({ ...BR0, Bridge: { 1: bridge('br0', [11, 12]), 2: bridge('br9', []) } }), true);
    assert.equal(named(graph, 'br9', 'ovsbridge').length, 1);
    topo.apply(inserts(BR0), true);
    assert.equal(named(graph, 'br9').length, 0);
    assert.equal(named(graph, 'br0', 'ovsbridge').length, 1);
    assert.equal(topo.counts().Bridge, 1);
  });

  it('sets the Open_vSwitch row on the host\'s ovs-system node', () => {
    const { graph, topo } = setup();
    graph.addNode({ ID: 'ovs-system', Metadata: { Name: 'ovs-system', Type: 'openvswitch' } });
    graph.addEdge({ ID: 'o', Parent: HOST_NODE, Child: 'ovs-system', Metadata: { RelationType: OWNERSHIP } });
    topo.apply(inserts({ Open_vSwitch: { 1: { ovs_version: set('3.1.0'), db_version: '8.3.1', other_config: map({ a: 'b' }), external_ids: map({ hostname: 'x' }) } } }), true);
    const md = graph.getNode('ovs-system')?.Metadata;
    assert.deepEqual(md?.Ovs, { OtherConfig: { a: 'b' }, Version: '3.1.0', DBVersion: '8.3.1' });
    assert.deepEqual(md?.ExtID, { hostname: 'x' });
  });

  it('reports a row that cannot be applied and applies the others', () => {
    const inner = new MemoryGraph();
    inner.addNode({ ID: HOST_NODE, Metadata: { Type: 'host' } });
    const graph = new Proxy(inner, {
      get(target, prop) {
        if (prop === 'addNode') {
          return (input: { Metadata?: Record<string, unknown> }) => {
            if (input.Metadata?.Name === 'boom') throw new Error('refused');
            return target.addNode(input);
          };
        }
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const errors: string[] = [];
    const topo = new OvsdbTopology({ graph, hostId: HOST, hostNodeId: HOST_NODE, onRowError: (_e, table, id) => errors.push(`${table}/${id}`) });
    topo.apply(inserts({ Bridge: { 1: bridge('boom', []), 2: bridge('br2', []) }, Interface: { 21: intf('x', 'internal') } }), true);
    assert.deepEqual(errors, [`Bridge/${uuid(1)}`]);
    assert.ok(inner.getNode(rowId(2)));
    assert.ok(inner.getNode(rowId(21)));
  });
});
