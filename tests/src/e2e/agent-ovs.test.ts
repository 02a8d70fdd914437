// The agent's OVSDB probe end to end with a private Open vSwitch (ovsdb-server and a userspace ovs-vswitchd), every
// assertion through Gremlin at a real analyzer fed by a real agent process: a netdev bridge's internal port is
// one node merging the netlink (tap device) and OVSDB views; a patch pair is one layer2 edge; a vxlan port is
// owned by its bridge. The bridges' tap devices stay down and the vxlan remote is unreachable: no traffic.
import { strict as assert } from 'node:assert';
import { randomBytes, randomUUID } from 'node:crypto';
import { PrivateOvs, TestNet, until } from '../support/net.js';
import { ServiceProcess } from '../support/processes.js';
import { query } from '../support/ws.js';

interface El { ID: string; Origin?: string; Metadata: Record<string, unknown> }

describe('agent topology end to end (Open vSwitch, userspace datapath)', function () {
  this.timeout(60_000);
  const hostId = `e2e-ovs-${randomUUID().slice(0, 8)}`;
  const net = new TestNet();
  // a per-run vxlan remote in 198.18.0.0/15, made unreachable from the root namespace for the test's duration
  const remote = `198.19.${randomBytes(1)[0] ?? 1}.${1 + ((randomBytes(1)[0] ?? 0) % 254)}`;
  const started: ServiceProcess[] = [];
  let ovs: PrivateOvs | undefined;
  let routeAdded = false;
  let analyzer: ServiceProcess;
  const [br0, br1, patch0, patch1, vx] = [net.name('b0'), net.name('b1'), net.name('p0'), net.name('p1'), net.name('vx')];

  const g = async (gremlin: string): Promise<El[]> => {
    const r = await query(analyzer.url, gremlin);
    assert.equal(r.status, 200, `${gremlin}: ${JSON.stringify(r.body)}`);
    return r.body as El[];
  };
  const values = async (gremlin: string): Promise<unknown[]> => (await g(gremlin)) as unknown as unknown[];
  const ownerOf = async (name: string, type: string): Promise<El[]> =>
    g(`G.V().Has('Name', '${name}').Has('Type', '${type}').InE('RelationType', 'ownership').InV()`);
  const vsctl = (...args: string[]): string => {
    try {
      return (ovs as PrivateOvs).vsctl(...args);
    } catch (err) {
      throw new Error(`ovs-vsctl ${args.join(' ')} failed: ${(err as Error).message}\nvswitchd log:\n${ovs?.log().slice(-3000)}`);
    }
  };
  const withLog = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (err) {
      throw new Error(`${(err as Error).message}\nvswitchd log (tail):\n${ovs?.log().slice(-3000)}`);
    }
  };

  before(async () => {
    net.ip(undefined, 'route', 'add', 'unreachable', `${remote}/32`);
    routeAdded = true;
    ovs = PrivateOvs.start();
    analyzer = await ServiceProcess.start('analyzer');
    started.push(analyzer);
    started.push(await ServiceProcess.start('agent', {
      TOPOFLOW_HOST_ID: hostId,
      TOPOFLOW_AGENT_ANALYZERS: `[${analyzer.address}]`,
      TOPOFLOW_AGENT_TOPOLOGY_OVSDB_ADDRESS: `unix:${ovs.socket}`,
      TOPOFLOW_AGENT_TOPOLOGY_OVSDB_RECONNECT_INTERVAL: '100ms',
    }));
    await until(async () => ((await g(`G.V().Has('Type', 'host').Has('Name', '${hostId}')`)).length === 1 ? true : undefined), 10_000, 'host node');
  });
  after(async () => {
    for (const p of started.reverse()) await p.stop();
    if (ovs !== undefined) {
      for (const br of [br0, br1]) {
        try {
          ovs.vsctl('--if-exists', 'del-br', br);
        } catch {
          // ovs-vswitchd may be gone; the tap devices are deleted below
        }
      }
      await ovs.stop();
    }
    net.cleanup();
    if (routeAdded) net.ip(undefined, 'route', 'del', 'unreachable', `${remote}/32`);
    assert.deepEqual(net.leftovers(), [], 'nothing left behind');
  });

  it('merges a netdev bridge\'s internal port (tap device and OVSDB row) into one interface node owned by the host', async () => {
    vsctl('add-br', br0, '--', 'set', 'bridge', br0, 'datapath_type=netdev');
    const bridge = await withLog(until(async () => {
      const b = await g(`G.V().Has('Name', '${br0}').Has('Type', 'ovsbridge')`);
      return b.length === 1 ? b[0] : undefined;
    }, 10_000, 'ovsbridge node'));
    assert.equal(typeof bridge.Metadata.UUID, 'string');
    assert.deepEqual((await ownerOf(br0, 'ovsbridge')).map((n) => n.Metadata.Name), [hostId]);
    const ports = await withLog(until(async () => {
      const p = await g(`G.V().Has('Name', '${br0}').Has('Type', 'ovsbridge').OutE('RelationType', 'layer2').OutV().Has('Type', 'ovsport')`);
      return p.length === 1 ? p : undefined;
    }, 10_000, 'ovsport linked from the bridge'));
    assert.equal(ports[0]?.Metadata.Name, br0);
    assert.deepEqual((await ownerOf(br0, 'ovsport')).map((n) => n.ID), [bridge.ID], 'the port is owned by its bridge');

    // the kernel's tap device (netlink) and the OVSDB Interface row end up as a single node
    let last: El[] = [];
    const intf = await withLog(until(async () => {
      last = await g(`G.V().Has('Name', '${br0}').Has('Type', Without('ovsport', 'ovsbridge'))`);
      const n = last[0];
      return last.length === 1 && n?.Metadata.Type === 'internal' && n.Metadata.UUID !== undefined && n.Metadata.IfIndex !== undefined
        && (await ownerOf(br0, 'internal')).length === 1 ? n : undefined;
    }, 10_000, 'one merged internal interface node').catch((err: Error) => {
      throw new Error(`${err.message}; last seen: ${JSON.stringify(last)}`);
    }));
    const ifIndex = net.ifIndex(undefined, br0);
    assert.equal(intf.Metadata.IfIndex, ifIndex, 'IfIndex of the tap device');
    assert.equal(intf.Metadata.UUID, vsctl('get', 'interface', br0, '_uuid').trim());
    assert.equal(intf.Metadata.OfPort, 65534);
    assert.equal(typeof intf.Metadata.MAC, 'string');
    assert.deepEqual((await ownerOf(br0, 'internal')).map((n) => n.Metadata.Name), [hostId], 'owned by the host (netlink wins)');
    const fromPort = await values(`G.V().Has('Name', '${br0}').Has('Type', 'ovsport').OutE('RelationType', 'layer2').OutV().Values('Type')`);
    assert.deepEqual(fromPort, ['internal'], 'layer2 port → interface');
    const count = await query(analyzer.url, `G.V().Has('Name', '${br0}').Count()`);
    assert.equal(count.body, 3, 'bridge, port and one interface');
  });

  it('links a patch pair between two netdev bridges with one layer2 edge of Type patch', async () => {
    vsctl('--may-exist', 'add-br', br0, '--', 'set', 'bridge', br0, 'datapath_type=netdev', '--',
      'add-br', br1, '--', 'set', 'bridge', br1, 'datapath_type=netdev', '--',
      'add-port', br0, patch0, '--', 'set', 'interface', patch0, 'type=patch', `options:peer=${patch1}`, '--',
      'add-port', br1, patch1, '--', 'set', 'interface', patch1, 'type=patch', `options:peer=${patch0}`);
    const q = `G.V().Has('Name', '${patch0}').Has('Type', 'patch').BothE('RelationType', 'layer2').Has('Type', 'patch')`;
    await withLog(until(async () => ((await g(q)).length === 1 ? true : undefined), 10_000, 'the patch edge'));
    const ends = (await values(`${q}.BothV().Values('Name')`)) as string[];
    assert.deepEqual(ends.sort(), [patch0, patch1].sort());
    const edges = await g(`G.E().Has('RelationType', 'layer2').Has('Type', 'patch')`);
    assert.equal(edges.filter((e) => e.Origin === `agent.${hostId}`).length, 1, 'one edge for the pair');
    assert.deepEqual((await ownerOf(patch0, 'patch')).map((n) => [n.Metadata.Type, n.Metadata.Name]), [['ovsbridge', br0]]);
    assert.deepEqual((await ownerOf(patch1, 'patch')).map((n) => [n.Metadata.Type, n.Metadata.Name]), [['ovsbridge', br1]]);
  });

  it('shows a vxlan port\'s interface owned by its bridge', async () => {
    vsctl('--may-exist', 'add-br', br0, '--', 'set', 'bridge', br0, 'datapath_type=netdev', '--',
      'add-port', br0, vx, '--', 'set', 'interface', vx, 'type=vxlan', `options:remote_ip=${remote}`);
    const n = await withLog(until(async () => {
      const found = await g(`G.V().Has('Name', '${vx}').Has('Type', 'vxlan')`);
      return found.length === 1 ? found[0] : undefined;
    }, 10_000, 'vxlan interface node'));
    assert.equal(n.Metadata.RemoteIP, remote);
    assert.equal(typeof n.Metadata.UUID, 'string');
    assert.deepEqual((await ownerOf(vx, 'vxlan')).map((o) => [o.Metadata.Type, o.Metadata.Name]), [['ovsbridge', br0]], 'ownership edge from the ovsbridge');
    const viaPort = await values(`G.V().Has('Name', '${vx}').Has('Type', 'ovsport').OutE('RelationType', 'layer2').OutV().Values('Type')`);
    assert.deepEqual(viaPort, ['vxlan']);
    vsctl('del-port', br0, vx);
    await withLog(until(async () => ((await g(`G.V().Has('Name', '${vx}')`)).length === 0 ? true : undefined), 10_000, 'vxlan port and interface removed'));
  });
});
