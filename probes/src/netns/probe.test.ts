import { strict as assert } from 'node:assert';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Reporter, isAppError, silentReporter } from '@topoflow/common';
import { MemoryGraph } from '@topoflow/graph';
import { hostNodeId, namespaceKey, netnsNodeId } from '../topology/ids.js';
import { LAYER2, OWNERSHIP, ensureLink, ownerOf, setOwner } from '../topology/links.js';
import { NetnsErrors } from './errors.js';
import { type NamespaceHandle, NetnsProbe, type NetnsProbeConfig, defaultNetnsProbeConfig, deleteOwnedTree } from './probe.js';
import { TestNamespaces, waitFor } from './test-namespaces.js';

const HOST = 'test-host';

function setup(config: Partial<NetnsProbeConfig>) {
  const graph = new MemoryGraph();
  const hostId = hostNodeId(HOST);
  graph.addNode({ ID: hostId, Metadata: { Type: 'host', Name: HOST } });
  const events: { change: string; ns: NamespaceHandle; existed: boolean }[] = [];
  const reporter: Reporter = silentReporter('agent');
  const probe = new NetnsProbe({ ...defaultNetnsProbeConfig(), dirPollMs: 20, ...config }, {
    graph, hostId: HOST, hostNodeId: hostId, reporter: reporter.child('netns'),
    onNamespace: (change, ns) => events.push({ change, ns, existed: graph.getNode(ns.nodeId) !== undefined }),
  });
  const netnsNodes = () => [...graph.nodes()].filter((n) => n.Metadata.Type === 'netns');
  return { graph, hostId, probe, events, reporter, netnsNodes };
}

const keyOf = (path: string): string => {
  const s = statSync(path, { bigint: true });
  return namespaceKey(s.dev, s.ino);
};

describe('netns probe (unit)', () => {
  it('rejects an empty run path list', () => {
    assert.throws(() => setup({ runPaths: [] }), (err) => isAppError(err, NetnsErrors.CONFIG_INVALID));
  });

  it('refuses to start without the host node', async () => {
    const { graph, hostId, probe } = setup({ runPaths: ['/nonexistent-run-path'] });
    graph.deleteNode(hostId);
    await assert.rejects(probe.start(), (err) => isAppError(err, NetnsErrors.HOST_MISSING));
    await probe.stop();
  });

  it('deletes a node with what it owns, recursively, and nothing else', () => {
    const g = new MemoryGraph();
    for (const id of ['host', 'ns', 'eth0', 'eth0.addr', 'br0', 'other']) g.addNode({ ID: id });
    setOwner(g, 'host', 'ns');
    setOwner(g, 'ns', 'eth0');
    setOwner(g, 'eth0', 'eth0.addr');
    setOwner(g, 'ns', 'br0');
    ensureLink(g, 'br0', 'eth0', LAYER2);
    ensureLink(g, 'other', 'eth0', LAYER2);
    ensureLink(g, 'ns', 'other', LAYER2);
    deleteOwnedTree(g, 'ns');
    assert.deepEqual([...g.nodes()].map((n) => n.ID).sort(), ['host', 'other']);
    assert.equal(g.edgeCount, 0);
  });
});

describe('netns probe (real namespaces)', function () {
  this.timeout(20000);
  const t = new TestNamespaces();
  let ctx: ReturnType<typeof setup> | undefined;
  afterEach(async () => {
    await ctx?.probe.stop();
    ctx = undefined;
    t.cleanup();
  });

  it('makes a netns node per namespace with its nsfs identity, owned by the host', async () => {
    const dir = t.tempDir();
    ctx = setup({ runPaths: [dir] });
    await ctx.probe.start();
    const ns = t.add();
    t.bind(ns.path, join(dir, 'blue'));
    const key = keyOf(ns.path);
    const id = netnsNodeId(HOST, key);
    await waitFor(() => ctx?.graph.getNode(id) !== undefined, 5000, 'the netns node');
    const s = statSync(ns.path, { bigint: true });
    assert.deepEqual(ctx.graph.getNode(id)?.Metadata, {
      Name: 'blue', Type: 'netns', Path: join(dir, 'blue'), Inode: Number(s.ino), Device: Number(s.dev),
    });
    assert.equal(ownerOf(ctx.graph, id), ctx.hostId);
    assert.deepEqual(ctx.events.map((e) => [e.change, e.ns.key, e.ns.nodeId, e.existed]), [['added', key, id, true]]);
  });

  it('reports a namespace reachable through two paths once and keeps it while one path remains', async () => {
    const [a, b] = [t.tempDir(), t.tempDir()];
    ctx = setup({ runPaths: [a, b] });
    await ctx.probe.start();
    const ns = t.add();
    t.bind(ns.path, join(a, 'first'));
    await waitFor(() => ctx?.netnsNodes().length === 1, 5000, 'the netns node');
    t.bind(ns.path, join(b, 'alias'));
    const paths = () => (ctx?.probe.status().namespaces as { paths: string[] }[])[0]?.paths.length;
    await waitFor(() => paths() === 2, 5000, 'the second path');
    assert.equal(ctx.netnsNodes().length, 1);
    assert.equal(ctx.netnsNodes()[0]?.Metadata.Name, 'first');
    t.unbind(join(a, 'first'));
    await waitFor(() => paths() === 1, 5000, 'the first path to go');
    assert.equal(ctx.netnsNodes().length, 1);
    assert.equal(ctx.events.length, 1);
  });

  it('removes the netns node and what it owns when the namespace goes, after the hook', async () => {
    const dir = t.tempDir();
    ctx = setup({ runPaths: [dir] });
    await ctx.probe.start();
    const ns = t.add();
    t.bind(ns.path, join(dir, 'red'));
    const id = netnsNodeId(HOST, keyOf(ns.path));
    await waitFor(() => ctx?.graph.getNode(id) !== undefined, 5000, 'the netns node');
    const { graph } = ctx;
    graph.addNode({ ID: 'veth0', Metadata: { Name: 'veth0', Type: 'veth' } });
    graph.addNode({ ID: 'veth0-child', Metadata: { Name: 'x' } });
    graph.addNode({ ID: 'peer', Metadata: { Name: 'peer', Type: 'veth' } });
    setOwner(graph, id, 'veth0');
    setOwner(graph, 'veth0', 'veth0-child');
    setOwner(graph, ctx.hostId, 'peer');
    ensureLink(graph, 'veth0', 'peer', LAYER2);
    t.unbind(join(dir, 'red'));
    await waitFor(() => graph.getNode(id) === undefined, 5000, 'the netns node to go');
    for (const gone of ['veth0', 'veth0-child']) assert.equal(graph.getNode(gone), undefined);
    assert.ok(graph.getNode('peer') !== undefined);
    assert.deepEqual([...graph.edges()].map((e) => [e.Parent, e.Child, e.Metadata.RelationType]), [[ctx.hostId, 'peer', OWNERSHIP]]);
    assert.deepEqual(ctx.events.map((e) => [e.change, e.existed]), [['added', true], ['removed', true]]);
  });

  it('follows ip netns add and del in /var/run/netns', async () => {
    mkdirSync('/var/run/netns', { recursive: true });
    ctx = setup({ runPaths: ['/var/run/netns'] });
    await ctx.probe.start();
    const ns = t.add();
    const id = netnsNodeId(HOST, keyOf(ns.path));
    await waitFor(() => ctx?.graph.getNode(id) !== undefined, 5000, 'the netns node');
    assert.equal(ctx.graph.getNode(id)?.Metadata.Name, ns.name);
    t.del(ns.name);
    await waitFor(() => ctx?.graph.getNode(id) === undefined, 5000, 'the netns node to go');
  });

  it('never makes a node for the root namespace', async () => {
    const dir = t.tempDir();
    ctx = setup({ runPaths: [dir] });
    await ctx.probe.start();
    t.bind('/proc/self/ns/net', join(dir, 'self'));
    const ns = t.add();
    t.bind(ns.path, join(dir, 'real'));
    await waitFor(() => ctx?.netnsNodes().length === 1, 5000, 'the real namespace');
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(ctx.netnsNodes().map((n) => n.Metadata.Name), ['real']);
  });

  it('finds namespaces present at start, in a run directory that appears later, and waits for bind mounts', async () => {
    const dir = t.tempDir();
    const later = join(dir, 'later');
    const ns = t.add();
    t.bind(ns.path, join(dir, 'early'));
    ctx = setup({ runPaths: [dir, later] });
    await ctx.probe.start();
    assert.deepEqual(ctx.netnsNodes().map((n) => n.Metadata.Name), ['early'], 'reported before start resolves');
    mkdirSync(later);
    const other = t.add();
    writeFileSync(join(later, 'slow'), '');
    await new Promise((r) => setTimeout(r, 60));
    t.bind(other.path, join(later, 'slow'));
    await waitFor(() => ctx?.netnsNodes().length === 2, 5000, 'the late namespace');
    assert.deepEqual(ctx.netnsNodes().map((n) => n.Metadata.Name).sort(), ['early', 'slow']);
  });

  it('gives up on a file that is never mounted, counting it', async () => {
    const dir = t.tempDir();
    ctx = setup({ runPaths: [dir], mountRetries: 3, mountRetryMs: 5 });
    await ctx.probe.start();
    writeFileSync(join(dir, 'never'), '');
    const metric = async () => (await ctx?.reporter.registry.getSingleMetric('topoflow_agent_netns_unmounted_total')?.get())?.values[0]?.value;
    const end = Date.now() + 5000;
    while ((await metric()) !== 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await metric(), 1);
    assert.deepEqual(ctx.probe.status().pendingFiles, []);
    rmSync(join(dir, 'never'));
  });

  it('stops idempotently, ignores changes while stopped and keeps node IDs across a restart', async () => {
    const dir = t.tempDir();
    ctx = setup({ runPaths: [dir] });
    const ns = t.add();
    t.bind(ns.path, join(dir, 'kept'));
    await ctx.probe.start();
    await ctx.probe.start();
    const id = netnsNodeId(HOST, keyOf(ns.path));
    assert.ok(ctx.graph.getNode(id) !== undefined);
    await ctx.probe.stop();
    await ctx.probe.stop();
    const other = t.add();
    t.bind(other.path, join(dir, 'while-stopped'));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(ctx.netnsNodes().length, 1);
    await ctx.probe.start();
    assert.deepEqual(ctx.netnsNodes().map((n) => n.ID).sort(), [id, netnsNodeId(HOST, keyOf(other.path))].sort());
  });
});
