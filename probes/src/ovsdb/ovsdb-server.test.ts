// Runs the probe against a private ovsdb-server (no ovs-vswitchd) driven by ovs-vsctl, including a server
// restart during which a bridge is deleted offline.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentReporter } from '@topoflow/common';
import { MemoryGraph, type Node } from '@topoflow/graph';
import { hostNodeId } from '../topology/ids.js';
import { LAYER2, findLink, ownerOf } from '../topology/links.js';
import { OvsdbProbe, defaultOvsdbProbeConfig } from './probe.js';

const SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';
const SETUP_HINT = 'run `node scripts/setup.mjs` (it installs openvswitch-switch and openvswitch-common from scripts/system-packages.txt)';

function requireTools(): void {
  for (const tool of ['ovsdb-server', 'ovsdb-tool', 'ovs-vsctl']) {
    const r = spawnSync(tool, ['--version'], { stdio: 'ignore' });
    if (r.error !== undefined || r.status !== 0) throw new Error(`${tool} is not installed: ${SETUP_HINT}`);
  }
  if (!existsSync(SCHEMA)) throw new Error(`${SCHEMA} is missing: ${SETUP_HINT}`);
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True while the process runs; a zombie (exited, not yet reaped by init) counts as gone. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('ovsdb probe against a private ovsdb-server', function () {
  this.timeout(30_000);
  const HOST = 'it-host';
  const hostNode = hostNodeId(HOST);
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  const pids = new Set<number>();
  let graph: MemoryGraph;
  let probe: OvsdbProbe | undefined;

  const vsctl = (...args: string[]): string =>
    execFileSync('ovs-vsctl', [`--db=unix:${join(dir, 'db.sock')}`, '--no-wait', ...args], { env, encoding: 'utf8' });
  const startServer = (): number => {
    execFileSync('ovsdb-server', [join(dir, 'conf.db'), `--remote=punix:${join(dir, 'db.sock')}`, `--unixctl=${join(dir, 'ctl')}`,
      `--pidfile=${join(dir, 'pid')}`, '--detach', '--no-chdir', `--log-file=${join(dir, 'ovsdb-server.log')}`], { env, stdio: 'ignore' });
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8').trim());
    pids.add(pid);
    return pid;
  };
  const stopServer = async (pid: number): Promise<void> => {
    if (alive(pid)) process.kill(pid, 'SIGTERM');
    await waitFor('ovsdb-server to exit', () => !alive(pid));
    pids.delete(pid);
  };
  const nodes = (name: string, type?: string): Node[] =>
    [...graph.nodes()].filter((n) => n.Metadata.Name === name && (type === undefined || n.Metadata.Type === type));
  const one = (name: string, type: string): Node => {
    const found = nodes(name, type);
    assert.equal(found.length, 1, `one ${type} ${name}`);
    return found[0] as Node;
  };

  before(async () => {
    requireTools();
    dir = mkdtempSync(join(tmpdir(), 'topoflow-ovsdb-'));
    env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir };
    execFileSync('ovsdb-tool', ['create', join(dir, 'conf.db'), SCHEMA], { env });
    startServer();
    vsctl('init');
    graph = new MemoryGraph();
    graph.addNode({ ID: hostNode, Metadata: { Name: HOST, Type: 'host' } });
    probe = new OvsdbProbe(
      { ...defaultOvsdbProbeConfig(), address: `unix:${join(dir, 'db.sock')}`, reconnectInterval: '50ms', maxReconnectInterval: '200ms', requestTimeout: '2s' },
      { graph, hostId: HOST, hostNodeId: hostNode, reporter: silentReporter('agent').child('ovsdb') },
    );
    await probe.start();
    assert.equal(probe.status().connected, true);
  });

  after(async () => {
    await probe?.stop();
    for (const pid of pids) {
      try {
        await stopServer(pid);
      } catch {
        if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
    }
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('shows a bridge with its internal port and interface', async () => {
    vsctl('add-br', 'br0');
    await waitFor('br0', () => nodes('br0', 'internal').length === 1);
    const bridge = one('br0', 'ovsbridge');
    const port = one('br0', 'ovsport');
    const intf = one('br0', 'internal');
    assert.equal(ownerOf(graph, bridge.ID), hostNode);
    assert.equal(ownerOf(graph, port.ID), bridge.ID);
    assert.ok(findLink(graph, bridge.ID, port.ID, LAYER2));
    assert.ok(findLink(graph, port.ID, intf.ID, LAYER2));
    assert.equal(intf.Metadata.Driver, 'openvswitch');
    assert.equal(ownerOf(graph, intf.ID), bridge.ID, 'no kernel device here, so the bridge owns it');
  });

  it('links a patch pair between two bridges with one edge', async () => {
    vsctl('add-br', 'br1', '--',
      'add-port', 'br0', 'patch0', '--', 'set', 'interface', 'patch0', 'type=patch', 'options:peer=patch1', '--',
      'add-port', 'br1', 'patch1', '--', 'set', 'interface', 'patch1', 'type=patch', 'options:peer=patch0');
    await waitFor('the patch pair', () => nodes('patch0', 'patch').length === 1 && nodes('patch1', 'patch').length === 1);
    const p0 = one('patch0', 'patch');
    const p1 = one('patch1', 'patch');
    const patchEdges = [...graph.edges()].filter((e) => e.Metadata.Type === 'patch');
    assert.equal(patchEdges.length, 1);
    assert.deepEqual(new Set([patchEdges[0]?.Parent, patchEdges[0]?.Child]), new Set([p0.ID, p1.ID]));
    assert.equal(ownerOf(graph, p0.ID), one('br0', 'ovsbridge').ID);
    assert.equal(ownerOf(graph, p1.ID), one('br1', 'ovsbridge').ID);
  });

  it('shows a vxlan interface owned by its bridge, and removes a deleted port', async () => {
    vsctl('add-port', 'br0', 'vx0', '--', 'set', 'interface', 'vx0', 'type=vxlan', 'options:remote_ip=192.0.2.7', 'external_ids:role=test');
    await waitFor('vx0', () => nodes('vx0', 'vxlan').length === 1);
    const vx = one('vx0', 'vxlan');
    assert.equal(vx.Metadata.RemoteIP, '192.0.2.7');
    assert.deepEqual(vx.Metadata.ExtID, { role: 'test' });
    assert.equal(ownerOf(graph, vx.ID), one('br0', 'ovsbridge').ID);
    assert.ok(findLink(graph, one('vx0', 'ovsport').ID, vx.ID, LAYER2));
    vsctl('del-port', 'br0', 'vx0');
    await waitFor('vx0 to go', () => nodes('vx0').length === 0);
  });

  it('reconnects after a server restart and drops a bridge deleted while it was down', async () => {
    const p = probe as OvsdbProbe;
    const br1Uuid = one('br1', 'ovsbridge').Metadata.UUID as string;
    await stopServer(Number(readFileSync(join(dir, 'pid'), 'utf8').trim()));
    await waitFor('the probe to notice', () => p.status().connected === false);
    assert.equal(nodes('br1', 'ovsbridge').length, 1, 'nodes are kept while the server is away');
    execFileSync('ovsdb-tool', ['transact', join(dir, 'conf.db'), JSON.stringify(['Open_vSwitch',
      { op: 'mutate', table: 'Open_vSwitch', where: [], mutations: [['bridges', 'delete', ['set', [['uuid', br1Uuid]]]]] }])], { env });
    startServer();
    await waitFor('the resync', () => p.status().connected === true && nodes('br1').length === 0);
    assert.equal(nodes('patch1').length, 0);
    assert.equal(nodes('br0', 'ovsbridge').length, 1);
    assert.equal(nodes('patch0', 'patch').length, 1);
    assert.equal([...graph.edges()].filter((e) => e.Metadata.Type === 'patch').length, 0);
    assert.ok((p.status().reconnects as number) >= 1);
  });
});
