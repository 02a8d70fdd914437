// The agent's netlink and netns probes end to end, every assertion through Gremlin at a real analyzer fed by a
// real agent process: a Linux bridge and its ports; a rename with MAC and MTU changes keeping the node ID;
// vxlan and macvlan links, addresses, routes and static neighbours inside a namespace; a deleted namespace
// taking its interfaces with it; SIGKILL of the agent removing its subgraph, and a restart restoring the same
// IDs. Links in the root namespace stay down and test namespaces have IPv6 disabled: no traffic is sent.
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { TestNet, until } from '../support/net.js';
import { ServiceProcess } from '../support/processes.js';
import { query } from '../support/ws.js';

interface El { ID: string; Origin?: string; Parent?: string; Child?: string; Metadata: Record<string, unknown> }

describe('agent topology end to end (netlink, netns)', function () {
  this.timeout(60_000);
  const hostId = `e2e-topo-${randomUUID().slice(0, 8)}`;
  const origin = `agent.${hostId}`;
  const net = new TestNet();
  const started: ServiceProcess[] = [];
  let analyzer: ServiceProcess;
  let agent: ServiceProcess;

  const startAgent = async (): Promise<ServiceProcess> => {
    const p = await ServiceProcess.start('agent', {
      TOPOFLOW_HOST_ID: hostId,
      TOPOFLOW_AGENT_ANALYZERS: `[${analyzer.address}]`,
      TOPOFLOW_AGENT_FORWARDER_RECONNECT_MIN: '50ms',
      TOPOFLOW_AGENT_TOPOLOGY_OVSDB_ADDRESS: `unix:/tmp/${net.prefix}-no-ovsdb.sock`,
    });
    started.push(p);
    return p;
  };
  const g = async (gremlin: string): Promise<El[]> => {
    const r = await query(analyzer.url, gremlin);
    assert.equal(r.status, 200, `${gremlin}: ${JSON.stringify(r.body)}`);
    return r.body as El[];
  };
  const values = async (gremlin: string): Promise<unknown[]> => (await g(gremlin)) as unknown as unknown[];
  /** The single node named `name`, once it exists and satisfies `ok`. */
  const node = async (name: string, ok: (n: El) => boolean = () => true, timeoutMs = 10_000): Promise<El> => {
    let last: El[] = [];
    try {
      return await until(async () => {
        last = await g(`G.V().Has('Name', '${name}')`);
        return last.length === 1 && ok(last[0] as El) ? last[0] : undefined;
      }, timeoutMs, `node ${name} at the analyzer`);
    } catch (err) {
      const mine = ((await (await fetch(`${agent.url}/api/topology`)).json()) as { Nodes: El[] }).Nodes.filter((n) => n.Metadata.Name === name);
      throw new Error(`${(err as Error).message}; last seen: ${JSON.stringify(last)}; the agent has: ${JSON.stringify(mine)}; agent metrics: ${(await (await fetch(`${agent.url}/metrics`)).text()).split('\n').filter((l) => l.includes('netlink') && !l.startsWith('#')).join(' ')}; agent output: ${agent.output.split("\n").filter((l) => !l.includes("\"level\":30")).join("\n").slice(-4000)}`);
    }
  };
  /** Names of the nodes owned by the node named `owner`, sorted. */
  const ownedBy = async (owner: string): Promise<string[]> =>
    ((await values(`G.V().Has('Name', '${owner}').OutE('RelationType', 'ownership').OutV().Values('Name')`)) as string[]).sort();
  const ownerOf = async (name: string): Promise<string[]> =>
    (await values(`G.V().Has('Name', '${name}').InE('RelationType', 'ownership').InV().Values('Name')`)) as string[];

  before(async () => {
    analyzer = await ServiceProcess.start('analyzer');
    started.push(analyzer);
    agent = await startAgent();
    await node(hostId);
  });
  afterEach(() => net.cleanup());
  after(async () => {
    net.cleanup();
    for (const p of started.reverse()) await p.stop();
    assert.deepEqual(net.leftovers(), [], 'nothing left behind');
  });

  it('shows a Linux bridge with two veth ports: layer2 bridge→port edges and the ports\' MasterIndex', async () => {
    const [br, a, b] = [net.name('br'), net.name('pa'), net.name('pb')];
    net.ip(undefined, 'link', 'add', br, 'type', 'bridge');
    net.ip(undefined, 'link', 'add', a, 'type', 'veth', 'peer', 'name', net.name('qa'));
    net.ip(undefined, 'link', 'add', b, 'type', 'veth', 'peer', 'name', net.name('qb'));
    net.ip(undefined, 'link', 'set', a, 'master', br);
    net.ip(undefined, 'link', 'set', b, 'master', br);
    const brIndex = net.ifIndex(undefined, br);
    const bridge = await node(br);
    assert.equal(bridge.Metadata.Type, 'bridge');
    assert.equal(bridge.Metadata.IfIndex, brIndex);
    assert.deepEqual(await ownerOf(br), [hostId]);
    await until(async () => {
      const ports = (await values(`G.V().Has('Name', '${br}').OutE('RelationType', 'layer2').OutV().Values('Name')`)) as string[];
      return ports.sort().join() === [a, b].sort().join() ? true : undefined;
    }, 10_000, 'layer2 edges bridge → ports');
    for (const port of [a, b]) {
      const n = await node(port, (x) => x.Metadata.MasterIndex !== undefined);
      assert.equal(n.Metadata.MasterIndex, brIndex, `${port} MasterIndex`);
      assert.equal(n.Metadata.Type, 'veth');
      assert.deepEqual(await ownerOf(port), [hostId], 'a bridge port stays owned by the host');
    }
    // the bridge→port edge is a plain layer2 edge, the port's veth peering is the other layer2 edge
    const fromBridge = await values(`G.V().Has('Name', '${br}').OutE('RelationType', 'layer2').Values('Type')`);
    assert.deepEqual(fromBridge, [], 'bridge→port edges carry no Type');
    net.ip(undefined, 'link', 'set', b, 'nomaster');
    await until(async () => {
      const ports = (await values(`G.V().Has('Name', '${br}').OutE('RelationType', 'layer2').OutV().Values('Name')`)) as string[];
      return ports.join() === a ? true : undefined;
    }, 10_000, 'edge removed when a port leaves the bridge');
  });

  it('keeps the node ID when a link is renamed and its MAC and MTU change', async () => {
    const [before, after, peer] = [net.name('r0'), net.name('rn'), net.name('r1')];
    net.ip(undefined, 'link', 'add', before, 'type', 'veth', 'peer', 'name', peer);
    const n0 = await node(before);
    net.ip(undefined, 'link', 'set', 'dev', before, 'name', after, 'address', '02:18:00:aa:bb:cc', 'mtu', '1400');
    const n1 = await node(after, (n) => n.Metadata.MAC === '02:18:00:aa:bb:cc' && n.Metadata.MTU === 1400);
    assert.equal(n1.ID, n0.ID, '@ID unchanged by the rename');
    assert.equal(n1.Metadata.Name, after);
    assert.equal(n1.Metadata.IfIndex, n0.Metadata.IfIndex);
    assert.deepEqual(await g(`G.V().Has('Name', '${before}')`), [], 'no node keeps the old name');
    assert.equal(((await g(`G.V('${n0.ID}')`))[0] as El).Metadata.Name, after, 'G.V(id) sees the new name');
  });

  it('shows vxlan and macvlan links of a namespace, owned by its netns node, with the macvlan ParentIndex', async () => {
    const ns = net.namespace('n1');
    const [va, vb, vx, mv] = [net.name('1a'), net.name('1b'), net.name('1x'), net.name('1m')];
    net.ip(ns, 'link', 'add', va, 'type', 'veth', 'peer', 'name', vb);
    net.ip(ns, 'link', 'add', vx, 'type', 'vxlan', 'id', '42', 'dstport', '4789');
    net.ip(ns, 'link', 'add', mv, 'link', va, 'type', 'macvlan', 'mode', 'bridge');
    const vaIndex = net.ifIndex(ns, va);
    assert.equal((await node(vx)).Metadata.Type, 'vxlan');
    const macvlan = await node(mv, (n) => n.Metadata.ParentIndex !== undefined);
    assert.equal(macvlan.Metadata.Type, 'macvlan');
    assert.equal(macvlan.Metadata.ParentIndex, vaIndex);
    await until(async () => ((await ownedBy(ns)).join() === ['lo', mv, va, vb, vx].sort().join() ? true : undefined), 10_000,
      'the namespace owns lo, the veth pair, the vxlan and the macvlan');
    assert.deepEqual(await ownerOf(ns), [hostId]);
    const vethEdge = await query(analyzer.url, `G.V().Has('Name', '${va}').BothE('RelationType', 'layer2').Has('Type', 'veth').Count()`);
    assert.equal(vethEdge.body, 1, 'the veth ends inside one namespace are linked once');
  });

  it('shows an address, a route and a static neighbour added inside a namespace', async () => {
    const ns = net.namespace('n2');
    const [va, vb] = [net.name('2a'), net.name('2b')];
    net.ip(ns, 'link', 'add', va, 'type', 'veth', 'peer', 'name', vb);
    net.ip(ns, 'link', 'set', va, 'up');
    net.ip(ns, 'link', 'set', vb, 'up');
    net.ip(ns, 'address', 'add', '198.18.7.1/24', 'dev', va);
    net.ip(ns, 'route', 'add', '198.18.9.0/24', 'via', '198.18.7.2', 'dev', va);
    net.ip(ns, 'neigh', 'add', '198.18.7.2', 'lladdr', '02:18:00:00:07:02', 'nud', 'permanent', 'dev', va);
    const vaIndex = net.ifIndex(ns, va);
    interface Route { Prefix: string; NextHops?: { IP?: string; IfIndex?: number }[] }
    interface Table { ID: number; Routes: Route[] }
    interface Neighbor { IP?: string; MAC: string; State: string[]; IfIndex: number }
    const routeOf = (n: El): Route | undefined =>
      ((n.Metadata.RoutingTables ?? []) as Table[]).flatMap((t) => t.Routes).find((r) => r.Prefix === '198.18.9.0/24');
    const neighOf = (n: El): Neighbor | undefined => ((n.Metadata.Neighbors ?? []) as Neighbor[]).find((x) => x.IP === '198.18.7.2');
    const n = await node(va, (x) => Array.isArray(x.Metadata.IPV4) && routeOf(x) !== undefined && neighOf(x) !== undefined);
    assert.deepEqual(n.Metadata.IPV4, ['198.18.7.1/24']);
    assert.deepEqual(routeOf(n)?.NextHops?.map((h) => [h.IP, h.IfIndex]), [['198.18.7.2', vaIndex]]);
    const tables = n.Metadata.RoutingTables as Table[];
    assert.ok(tables.some((t) => t.ID === 254 && t.Routes.some((r) => r.Prefix === '198.18.7.0/24')), 'the connected route of the main table');
    const neigh = neighOf(n) as Neighbor;
    assert.equal(neigh.MAC, '02:18:00:00:07:02');
    assert.ok(neigh.State.includes('NUD_PERMANENT'), JSON.stringify(neigh));
    assert.equal(neigh.IfIndex, vaIndex);
    // removals reach the analyzer too
    net.ip(ns, 'neigh', 'del', '198.18.7.2', 'dev', va);
    net.ip(ns, 'route', 'del', '198.18.9.0/24');
    net.ip(ns, 'address', 'del', '198.18.7.1/24', 'dev', va);
    await node(va, (x) => x.Metadata.IPV4 === undefined && routeOf(x) === undefined && neighOf(x) === undefined);
  });

  it('removes the netns node and every interface it owned when the namespace is deleted', async () => {
    const ns = net.namespace('n3');
    const [va, vb, vx] = [net.name('3a'), net.name('3b'), net.name('3x')];
    net.ip(ns, 'link', 'add', va, 'type', 'veth', 'peer', 'name', vb);
    net.ip(ns, 'link', 'add', vx, 'type', 'vxlan', 'id', '43', 'dstport', '4789');
    await until(async () => ((await ownedBy(ns)).length === 4 ? true : undefined), 10_000, 'the namespace and its 4 links');
    const nsNode = await node(ns);
    const owned = await g(`G.V().Has('Name', '${ns}').OutE('RelationType', 'ownership').OutV()`);
    const ids = [nsNode.ID, ...owned.map((o) => o.ID)];
    net.ip(undefined, 'netns', 'del', ns);
    await until(async () => {
      const left = (await g('G.V()')).filter((x) => ids.includes(x.ID));
      return left.length === 0 ? true : undefined;
    }, 10_000, 'netns node and its interfaces removed');
    const edges = (await g('G.E()')).filter((e) => ids.includes(e.Parent ?? '') || ids.includes(e.Child ?? ''));
    assert.deepEqual(edges, [], 'no edge left around the removed nodes');
  });

  it('removes the agent\'s subgraph when it is SIGKILLed and restores the same IDs when it restarts', async () => {
    const ns = net.namespace('n4');
    const [va, vb, ra, rb] = [net.name('4a'), net.name('4b'), net.name('4r'), net.name('4s')];
    net.ip(ns, 'link', 'add', va, 'type', 'veth', 'peer', 'name', vb);
    net.ip(undefined, 'link', 'add', ra, 'type', 'veth', 'peer', 'name', rb, 'netns', ns);
    // the subgraph under test: host, netns, the namespace's interfaces and the root end of the cross veth
    const snapshot = async (): Promise<string[]> => {
      const host = await g(`G.V().Has('Type', 'host').Has('Name', '${hostId}')`);
      const nsNode = await g(`G.V().Has('Type', 'netns').Has('Name', '${ns}')`);
      const owned = await g(`G.V().Has('Name', '${ns}').OutE('RelationType', 'ownership').OutV()`);
      const root = await g(`G.V().Has('Name', '${ra}')`);
      return [...host, ...nsNode, ...owned, ...root].map((n) => n.ID).sort();
    };
    const crossEdge = `G.V().Has('Name', '${ra}').BothE('RelationType', 'layer2').Has('Type', 'veth').Count()`;
    let seen: unknown[] = [];
    const ids = await until(async () => {
      const s = await snapshot();
      seen = [s.length, (await query(analyzer.url, crossEdge)).body];
      return s.length === 7 && seen[1] === 1 ? s : undefined;
    }, 10_000, 'host, netns, lo, va, vb, rb and ra at the analyzer').catch(async (err: Error) => {
      throw new Error(`${err.message}; last seen (nodes, cross veth edges): ${JSON.stringify(seen)}; the agent has: ${JSON.stringify(((await (await fetch(`${agent.url}/api/topology`)).json()) as { Nodes: El[] }).Nodes.filter((n) => [ra, rb].includes(n.Metadata.Name as string)))} ${JSON.stringify(await (await fetch(`${agent.url}/api/status`)).json())}`);
    });

    const t0 = Date.now();
    await agent.kill();
    await until(async () => {
      const [nodes, edges] = await Promise.all([g('G.V()'), g('G.E()')]);
      return nodes.every((n) => n.Origin !== origin) && edges.every((e) => e.Origin !== origin) ? true : undefined;
    }, 5_000, 'the killed agent\'s whole subgraph removed');
    assert.ok(Date.now() - t0 < 5_000);
    assert.deepEqual(await snapshot(), []);

    agent = await startAgent();
    const again = await until(async () => {
      const s = await snapshot();
      return s.length === ids.length && (await query(analyzer.url, crossEdge)).body === 1 ? s : undefined;
    }, 15_000, 'the subgraph back after the restart');
    assert.deepEqual(again, ids, 'same node IDs after the restart');
    const netnsNode = await node(ns);
    assert.deepEqual(await ownerOf(ns), [hostId]);
    assert.equal(netnsNode.Origin, origin);
  });
});
