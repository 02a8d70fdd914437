// Flows end to end with `topoflow allinone`: two test namespaces joined by a veth pair ping each other while a
// capture runs on one veth. With a capture started directly on the agent (its API), then with one created through
// the analyzer's capture API (etcd) by a Gremlin expression: the flows reach the analyzer with the capture node's
// TID, `G.V().Has('Name', …).Flows()` finds them, the node shows its Captures state, an interface created later
// that matches starts capturing by itself, and deleting the capture stops it. Test traffic never leaves the test
// namespaces: the prefix is unreachable from the root namespace.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gremlin, request } from '../support/api.js';
import { until } from '../support/net.js';
import { type CaptureEntry, type FlowJson, PingNet } from '../support/captures.js';
import { ServiceProcess, freePort, runTopoflow } from '../support/processes.js';

const run = promisify(execFile);

describe('flows with topoflow allinone', function () {
  this.timeout(120_000);
  const pings = new PingNet();
  const net = pings.net;
  let prefix = '';
  let allinone: ServiceProcess | undefined;
  let agentUrl = '';
  let ns1 = '';
  let ns2 = '';
  const [va, vb] = [net.name('va'), net.name('vb')];

  const ping = async (count: number, to = `${prefix}.2`, ns = ns1): Promise<void> => {
    await run('ip', ['netns', 'exec', ns, 'ping', '-c', String(count), '-i', '0.1', '-W', '2', to]);
  };
  const cli = (...args: string[]) => runTopoflow([...args, '--analyzer', (allinone as ServiceProcess).address]);
  const query = async <T>(q: string): Promise<T> => {
    const r = await cli('client', 'query', q);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };
  const tidOf = async (name: string): Promise<string> => {
    const [tid] = await gremlin<string[]>((allinone as ServiceProcess).url, `G.V().Has('Name', '${name}').Values('TID')`);
    assert.ok(tid, `${name} has a TID`);
    return tid;
  };
  const capturesOf = async (name: string): Promise<CaptureEntry[]> => {
    const [list] = await gremlin<CaptureEntry[][]>((allinone as ServiceProcess).url, `G.V().Has('Name', '${name}').Values('Captures')`);
    return list ?? [];
  };

  before(async () => {
    pings.route();
    ({ ns1, ns2, prefix } = pings.pair(''));
    const agentAddress = `127.0.0.1:${await freePort()}`;
    agentUrl = `http://${agentAddress}`;
    allinone = await ServiceProcess.start('allinone', {
      TOPOFLOW_HOST_ID: `e2e-flows-${randomUUID().slice(0, 8)}`,
      TOPOFLOW_AGENT_LISTEN: agentAddress,
      TOPOFLOW_AGENT_TOPOLOGY_OVSDB_ADDRESS: `unix:/tmp/${net.prefix}-no-ovsdb.sock`,
      TOPOFLOW_AGENT_FLOW_UPDATE: '1s',
      TOPOFLOW_ETCD_ENABLED: 'true',
    });
    await until(async () => ((await gremlin<unknown[]>(allinone!.url, `G.V().Has('Name', '${va}', 'LinkFlags', 'UP')`)).length === 1 ? true : undefined),
      20_000, 'the veth up at the analyzer');
  });
  after(async () => {
    await allinone?.stop();
    pings.cleanup();
  });

  it('shows the flow of a ping captured through the agent API, with its metrics and capture node', async () => {
    const started = await request<{ ID: string; State: string }>(agentUrl, 'POST', '/api/capture', { Interface: va, Namespace: ns1, ID: 'direct-1' });
    assert.ok(started.status === 201 || started.status === 200, JSON.stringify(started.body));
    assert.equal(started.body.State, 'active');
    await ping(3);
    const flows = await until(async () => {
      const f = await query<FlowJson[]>(`G.Flows().Has('Network.A', '${prefix}.1', 'ICMP.Type', 'ECHO')`);
      return f.length > 0 && (f[0]?.Metric?.BAPackets ?? 0) >= 3 ? f : undefined;
    }, 20_000, 'the ICMP flow at the analyzer');
    const [flow] = flows;
    assert.equal(flows.length, 1);
    assert.equal(flow?.Network?.B, `${prefix}.2`);
    assert.equal(flow?.Metric?.ABPackets, 3);
    assert.equal(flow?.Metric?.ABBytes, 3 * 98);
    assert.equal(flow?.NodeTID, await tidOf(va));
    const fromNode = await query<FlowJson[]>(`G.V().Has('Name', '${va}').Flows().Has('ICMP.Type', 'ECHO')`);
    assert.deepEqual(fromNode.map((f) => f.UUID), [flow?.UUID]);
    const hops = await query<Array<{ Metadata: { Name: string } }>>(`G.Flows().Has('UUID', '${flow?.UUID}').Hops()`);
    assert.deepEqual(hops.map((n) => n.Metadata.Name), [va]);
    assert.deepEqual((await capturesOf(va)).map((c) => [c.ID, c.State]), [['direct-1', 'active']]);
    // The flow history (SQLite beside the graph's) answers the same flow over the last two minutes.
    await until(async () => {
      const past = await query<FlowJson[]>(`G.At('-0s', 120).Flows().Has('UUID', '${flow?.UUID}')`);
      return past.length === 1 && (past[0]?.Metric?.ABPackets ?? 0) >= 3 ? true : undefined;
    }, 15_000, 'the flow in the flow history');
    assert.equal((await request(agentUrl, 'DELETE', '/api/capture/direct-1')).status, 204);
    await until(async () => ((await capturesOf(va)).length === 0 ? true : undefined), 10_000, 'the capture gone from the node');
  });

  it('captures by Gremlin through the capture API, follows a new matching interface and stops on delete', async () => {
    const created = await cli('client', 'capture', 'create', '--gremlin', `G.V().Has('Name', Regex('${net.prefix}v[bd]'))`);
    assert.equal(created.code, 0, created.stderr);
    const id = (JSON.parse(created.stdout) as { UUID: string }).UUID;
    await until(async () => ((await capturesOf(vb)).some((c) => c.ID === id && c.State === 'active') ? true : undefined), 15_000, 'the capture active on vb');
    await ping(2);
    const tid = await tidOf(vb);
    await until(async () => {
      const f = await query<FlowJson[]>(`G.Flows().Has('NodeTID', '${tid}', 'Network.A', '${prefix}.1')`);
      return f.some((x) => (x.Metric?.ABPackets ?? 0) >= 2) ? true : undefined;
    }, 20_000, 'flows captured on vb');

    // A veth created later whose name matches starts capturing by itself.
    const [vc, vd] = [net.name('vc'), net.name('vd')];
    const ns3 = net.namespace('c');
    net.ip(ns2, 'link', 'add', vc, 'type', 'veth', 'peer', 'name', vd, 'netns', ns3);
    net.ip(ns3, 'link', 'set', vd, 'up');
    net.ip(ns2, 'link', 'set', vc, 'up');
    await until(async () => ((await capturesOf(vd)).some((c) => c.ID === id && c.State === 'active') ? true : undefined), 20_000, 'the capture active on the new vd');

    const deleted = await cli('client', 'capture', 'delete', id);
    assert.equal(deleted.code, 0, deleted.stderr);
    await until(async () => ((await capturesOf(vb)).length === 0 && (await capturesOf(vd)).length === 0 ? true : undefined), 15_000, 'the capture stopped everywhere');
  });
});
