import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { isAppError, silentReporter } from '@topoflow/common';
import { type Graph, MemoryGraph, type Node } from '@topoflow/graph';
import { prepareNamespaces } from '../netns/native.js';
import { waitFor } from '../netns/test-namespaces.js';
import { ROOT_NS, hostNodeId, interfaceNodeId, netnsNodeId } from '../topology/ids.js';
import { LAYER2, findLink, ownerOf } from '../topology/links.js';
import { NetlinkErrors } from './errors.js';
import { NetlinkProbe, type NetlinkProbeConfig, defaultNetlinkProbeConfig } from './probe.js';
import { NetlinkTestEnv } from './test-env.js';

const HOST = 'nl-test-host';
const HOST_ID = hostNodeId(HOST);

function setup(config: Partial<NetlinkProbeConfig> = {}) {
  const graph = new MemoryGraph();
  graph.addNode({ ID: HOST_ID, Metadata: { Type: 'host', Name: HOST } });
  const reporter = silentReporter('agent');
  const probe = new NetlinkProbe({ ...defaultNetlinkProbeConfig(), metricsInterval: '0s', ...config }, {
    graph, hostId: HOST, hostNodeId: HOST_ID, reporter: reporter.child('netlink'),
  });
  return { graph, probe, reporter };
}

interface NsStatus {
  key: string;
  nsids: Record<string, string>;
}

/** Adds the netns node the netns probe would make, and watches the namespace. */
async function watchNs(graph: Graph, probe: NetlinkProbe, ns: { name: string; path: string; key: string }): Promise<string> {
  const nodeId = netnsNodeId(HOST, ns.key);
  graph.addNode({ ID: nodeId, Metadata: { Type: 'netns', Name: ns.name, Path: ns.path } });
  assert.equal(await probe.addNamespace({ key: ns.key, path: ns.path, nodeId }), true);
  return nodeId;
}

const md = (g: Graph, id: string): Node['Metadata'] => g.getNode(id)?.Metadata ?? {};

describe('netlink probe (unit)', () => {
  it('rejects an invalid config', () => {
    const graph = new MemoryGraph();
    const deps = { graph, hostId: HOST, hostNodeId: HOST_ID, reporter: silentReporter().child('netlink') };
    assert.throws(() => new NetlinkProbe({ ...defaultNetlinkProbeConfig(), syncTimeout: 'soon' }, deps),
      (err) => isAppError(err, NetlinkErrors.CONFIG_INVALID));
  });

  it('refuses to start without the host node', async () => {
    const graph = new MemoryGraph();
    const probe = new NetlinkProbe(defaultNetlinkProbeConfig(), { graph, hostId: HOST, hostNodeId: HOST_ID, reporter: silentReporter().child('netlink') });
    await assert.rejects(probe.start(), (err) => isAppError(err, NetlinkErrors.HOST_MISSING));
    await probe.stop();
  });
});

describe('netlink probe (real namespaces)', function () {
  this.timeout(20000);
  const env = new NetlinkTestEnv();
  let ctx: ReturnType<typeof setup> | undefined;
  before(() => prepareNamespaces());
  afterEach(async () => {
    await ctx?.probe.stop();
    ctx = undefined;
    env.cleanup();
  });

  it('finds both ends of a root↔namespace veth, live, with their metadata and a layer2 veth edge', async () => {
    ctx = setup();
    const { graph, probe } = ctx;
    await probe.start();
    assert.ok(graph.getNode(interfaceNodeId(HOST, ROOT_NS, 1)), 'lo of the root namespace');
    const ns = env.namespace();
    const nsNode = await watchNs(graph, probe, ns);
    const [a, b] = [env.name(), env.name()];
    env.ownRootLink(a);
    env.ip(undefined, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b, 'netns', ns.name);
    const la = env.link(undefined, a);
    const lb = env.link(ns.name, b);
    const ida = interfaceNodeId(HOST, ROOT_NS, la.ifindex);
    const idb = interfaceNodeId(HOST, ns.key, lb.ifindex);
    await waitFor(() => findLink(graph, ida, idb, LAYER2, true) !== undefined, 5000, 'the veth edge');
    for (const [id, l, owner] of [[ida, la, HOST_ID], [idb, lb, nsNode]] as const) {
      const m = md(graph, id);
      assert.deepEqual([m.Name, m.Type, m.IfIndex, m.MAC, m.MTU, m.State, m.Driver], [l.ifname, 'veth', l.ifindex, l.address, l.mtu, l.operstate, 'veth']);
      assert.equal(ownerOf(graph, id), owner);
    }
    assert.equal(md(graph, ida).PeerIfIndex, lb.ifindex);
    assert.equal(findLink(graph, ida, idb, LAYER2, true)?.Metadata.Type, 'veth');
    env.ip(undefined, 'link', 'del', a);
    await waitFor(() => !graph.getNode(ida) && !graph.getNode(idb), 5000, 'both ends removed');
  });

  it('pairs a new root↔namespace veth while another root veth names a namespace not watched', async () => {
    ctx = setup();
    const { graph, probe } = ctx;
    const unwatched = env.namespace();
    const c = env.name();
    env.ownRootLink(c);
    env.ip(undefined, 'link', 'add', c, 'type', 'veth', 'peer', 'name', 'u0', 'netns', unwatched.name);
    await probe.start(); // the root asks in vain for the nsid of c's peer namespace
    const ns = env.namespace();
    await watchNs(graph, probe, ns); // the new namespace has no nsid in the root yet: asking now gets none
    const [a, b] = [env.name(), env.name()];
    env.ownRootLink(a);
    env.ip(undefined, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b, 'netns', ns.name);
    const ida = interfaceNodeId(HOST, ROOT_NS, env.link(undefined, a).ifindex);
    const idb = interfaceNodeId(HOST, ns.key, env.link(ns.name, b).ifindex);
    await waitFor(() => findLink(graph, ida, idb, LAYER2, true) !== undefined, 5000, 'the veth edge');
    await waitFor(() => md(graph, ida).LinkNetNsName === ns.name, 5000, 'the name of the peer namespace');
  });

  it('pairs every veth created straight into a watched namespace (its end is announced with IFLA_LINK 0)', async () => {
    ctx = setup();
    const { graph, probe } = ctx;
    await probe.start();
    const ns = env.namespace();
    await watchNs(graph, probe, ns);
    for (let i = 0; i < 10; i++) {
      const [a, b] = [env.name(), env.name()];
      env.ownRootLink(a);
      env.ip(undefined, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b, 'netns', ns.name);
      const ida = interfaceNodeId(HOST, ROOT_NS, env.link(undefined, a).ifindex);
      const lb = env.link(ns.name, b);
      const idb = interfaceNodeId(HOST, ns.key, lb.ifindex);
      await waitFor(() => findLink(graph, ida, idb, LAYER2, true) !== undefined, 5000, `veth edge ${i}`);
      assert.equal(md(graph, ida).PeerIfIndex, lb.ifindex);
      env.ip(undefined, 'link', 'del', a);
    }
  });

  it('pairs a veth between two namespaces found by the initial dumps', async () => {
    ctx = setup();
    const { graph, probe } = ctx;
    const [n1, n2] = [env.namespace(), env.namespace()];
    env.ip(n1.name, 'link', 'add', 'x0', 'type', 'veth', 'peer', 'name', 'y0', 'netns', n2.name);
    await probe.start();
    await watchNs(graph, probe, n1);
    await watchNs(graph, probe, n2);
    const i1 = interfaceNodeId(HOST, n1.key, env.link(n1.name, 'x0').ifindex);
    const i2 = interfaceNodeId(HOST, n2.key, env.link(n2.name, 'y0').ifindex);
    await waitFor(() => findLink(graph, i1, i2, LAYER2, true) !== undefined, 5000, 'the veth edge');
    const nsid = md(graph, i1).LinkNetNsID;
    assert.equal(typeof nsid, 'number');
    const nsids = (): Record<string, string> | undefined =>
      (probe.status().namespaces as NsStatus[]).find((s) => s.key === n1.key)?.nsids;
    await waitFor(() => nsids()?.[String(nsid)] === n2.key, 5000, 'the nsid of the peer namespace');
    await waitFor(() => md(graph, i1).LinkNetNsName === n2.name, 5000, 'the name of the peer namespace');
    probe.removeNamespace(n2.key);
    assert.equal(graph.getNode(i2), undefined, 'removing a namespace deletes its interfaces');
    assert.ok(graph.getNode(i1));
  });

  it('links a bridge to its port and follows the port leaving it', async () => {
    ctx = setup();
    const { graph, probe } = ctx;
    await probe.start();
    const ns = env.namespace();
    await watchNs(graph, probe, ns);
    env.ip(ns.name, 'link', 'add', 'br0', 'type', 'bridge');
    env.ip(ns.name, 'link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1');
    env.ip(ns.name, 'link', 'set', 'p0', 'master', 'br0');
    const br = interfaceNodeId(HOST, ns.key, env.link(ns.name, 'br0').ifindex);
    const p0 = interfaceNodeId(HOST, ns.key, env.link(ns.name, 'p0').ifindex);
    await waitFor(() => findLink(graph, br, p0, LAYER2) !== undefined, 5000, 'the bridge port edge');
    assert.deepEqual([md(graph, br).Type, md(graph, br).Driver], ['bridge', 'bridge']);
    assert.equal(md(graph, p0).MasterIndex, env.link(ns.name, 'br0').ifindex);
    env.ip(ns.name, 'link', 'set', 'p0', 'nomaster');
    await waitFor(() => findLink(graph, br, p0, LAYER2) === undefined && md(graph, p0).MasterIndex === undefined, 5000, 'the port to leave');
  });

  it('updates the same node on rename, MAC and MTU changes, and tracks addresses and routes', async () => {
    ctx = setup();
    const { graph, probe } = ctx;
    await probe.start();
    const ns = env.namespace();
    await watchNs(graph, probe, ns);
    env.ip(ns.name, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    const id = interfaceNodeId(HOST, ns.key, env.link(ns.name, 'v0').ifindex);
    await waitFor(() => graph.getNode(id) !== undefined, 5000, 'the node');
    env.ip(ns.name, 'link', 'set', 'v0', 'name', 'renamed0', 'address', '02:00:5e:10:00:01', 'mtu', '1280');
    await waitFor(() => md(graph, id).Name === 'renamed0' && md(graph, id).MAC === '02:00:5e:10:00:01' && md(graph, id).MTU === 1280,
      5000, 'the renamed node');
    env.ip(ns.name, 'addr', 'add', '198.18.40.1/24', 'dev', 'renamed0');
    await waitFor(() => JSON.stringify(md(graph, id).IPV4) === '["198.18.40.1/24"]', 5000, 'the address');
    env.ip(ns.name, 'link', 'set', 'renamed0', 'up');
    env.ip(ns.name, 'route', 'add', '198.19.41.0/24', 'dev', 'renamed0');
    const hasRoute = (): boolean => JSON.stringify(md(graph, id).RoutingTables ?? []).includes('"198.19.41.0/24"');
    await waitFor(hasRoute, 5000, 'the route');
    env.ip(ns.name, 'route', 'del', '198.19.41.0/24', 'dev', 'renamed0');
    await waitFor(() => !hasRoute(), 5000, 'the route to go');
    env.ip(ns.name, 'addr', 'del', '198.18.40.1/24', 'dev', 'renamed0');
    await waitFor(() => md(graph, id).IPV4 === undefined, 5000, 'the address to go');
    env.ip(ns.name, 'link', 'del', 'renamed0');
    await waitFor(() => graph.getNode(id) === undefined, 5000, 'the node to go');
  });

  it('reads ethtool Features and Speed of a veth, refreshes them and writes nothing when they did not change', async () => {
    ctx = setup({ ethtoolInterval: '100ms' });
    const { graph, probe } = ctx;
    await probe.start();
    const ns = env.namespace();
    await watchNs(graph, probe, ns);
    env.ip(ns.name, 'link', 'add', 'e0', 'type', 'veth', 'peer', 'name', 'e1');
    const id = interfaceNodeId(HOST, ns.key, env.link(ns.name, 'e0').ifindex);
    const lo = interfaceNodeId(HOST, ns.key, env.link(ns.name, 'lo').ifindex);
    await waitFor(() => md(graph, id).Features !== undefined, 5000, 'the features');
    const m = md(graph, id);
    assert.equal(m.Driver, 'veth');
    assert.equal(m.Speed, 10000, 'veth reports 10000 Mb/s');
    const features = m.Features as Record<string, unknown>;
    // kernel feature names (ETH_SS_FEATURES), as this kernel reports them for a veth
    assert.ok(Object.keys(features).length > 10, 'a full feature map');
    assert.ok(Object.values(features).every((v) => typeof v === 'boolean'));
    assert.equal(features['tx-checksum-ip-generic'], true);
    assert.equal(features.highdma, true);
    assert.equal(features['vlan-challenged'], false);
    // lo has no driver information: no ethtool keys
    assert.equal(md(graph, lo).Driver, undefined);
    assert.deepEqual([md(graph, lo).Features, md(graph, lo).Speed], [undefined, undefined]);
    // the refresh makes no revision while nothing changes, and puts back what changed
    const rev = graph.getNode(id)?.Revision;
    await new Promise((r) => setTimeout(r, 350));
    assert.equal(graph.getNode(id)?.Revision, rev, 'no update when nothing changed');
    graph.updateNode(id, { delete: ['Features', 'Speed'] });
    await waitFor(() => md(graph, id).Features !== undefined && md(graph, id).Speed === 10000, 2000, 'the refreshed keys');
  });

  it('stops cleanly and finds the same node IDs again on restart', async () => {
    ctx = setup();
    const { graph, probe } = ctx;
    const ns = env.namespace();
    env.ip(ns.name, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    await probe.start();
    await watchNs(graph, probe, ns);
    const id = interfaceNodeId(HOST, ns.key, env.link(ns.name, 'v0').ifindex);
    const rev = graph.getNode(id)?.Revision;
    await probe.stop();
    await probe.stop();
    await probe.start();
    assert.equal(await probe.addNamespace({ key: ns.key, path: ns.path, nodeId: netnsNodeId(HOST, ns.key) }), true);
    assert.equal(graph.getNode(id)?.Revision, rev, 'a resync of an unchanged link makes no revision');
    assert.equal(await probe.addNamespace({ key: 'gone', path: '/var/run/netns/tf-nl-missing', nodeId: HOST_ID }), false);
  });

  it('gives up a namespace removed before its initial dump ended, at once', async () => {
    ctx = setup();
    const { graph, probe } = ctx;
    await probe.start();
    const ns = env.namespace();
    const nodeId = netnsNodeId(HOST, ns.key);
    graph.addNode({ ID: nodeId, Metadata: { Type: 'netns' } });
    const t0 = Date.now();
    const added = probe.addNamespace({ key: ns.key, path: ns.path, nodeId });
    probe.removeNamespace(ns.key);
    assert.equal(await added, false);
    assert.ok(Date.now() - t0 < 1000);
    assert.equal([...graph.outEdges(nodeId)].length, 0);
  });

  it('recovers from a socket overrun by dumping the namespace again', async () => {
    ctx = setup({ receiveBuffer: 4096 });
    const { graph, probe, reporter } = ctx;
    await probe.start();
    const ns = env.namespace();
    const nsNode = await watchNs(graph, probe, ns);
    const batch = Array.from({ length: 40 }, (_, i) => `link add a${i} type veth peer name b${i}`).join('\n');
    // execFileSync blocks the event loop: the kernel queues the events until the small buffer overflows
    execFileSync('ip', ['-n', ns.name, '-batch', '-'], { input: `${batch}\n` });
    const owned = (): number => [...graph.outEdges(nsNode)].length;
    await waitFor(() => owned() === 81, 10000, 'every link after the resync');
    const overruns = await reporter.registry.getSingleMetric('topoflow_agent_netlink_overruns_total')?.get();
    assert.ok((overruns?.values[0]?.value ?? 0) > 0, 'the overrun was counted');
    const dropped = await reporter.registry.getSingleMetric('topoflow_agent_netlink_messages_dropped_total')?.get();
    assert.equal(dropped?.values.find((v) => v.labels.reason === 'poll_error'), undefined, 'the watcher survives the overrun');
  });
});
