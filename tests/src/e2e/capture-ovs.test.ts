// An ovssflow capture end to end: `topoflow allinone` whose agent watches a private Open vSwitch (ovsdb-server and a
// userspace ovs-vswitchd), a netdev bridge with two test namespaces attached through veths, and a capture created
// through the capture API by Gremlin on the ovsbridge node. The bridge samples to the agent's sFlow collector:
// flows with the bridge's TID reach the analyzer, the bridge node gets SFlow counters, and deleting the capture
// clears the bridge's sFlow. Root-namespace ports carry no address and no IPv6; the prefix is unreachable.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gremlin, request } from '../support/api.js';
import { type FlowJson, createCapture, untilActive, untilGone } from '../support/captures.js';
import { PrivateOvs, TestNet, until } from '../support/net.js';
import { ServiceProcess } from '../support/processes.js';

const run = promisify(execFile);

interface SflowMetadata {
  Metric?: { IfInOctets?: number; IfOutOctets?: number; IfInUcastPkts?: number };
}

describe('an ovssflow capture on an Open vSwitch netdev bridge', function () {
  this.timeout(120_000);
  const net = new TestNet();
  const prefix = `10.${200 + randomInt(50)}.${randomInt(256)}`;
  const [br, p1, p2, h1, h2] = [net.name('br'), net.name('p1'), net.name('p2'), net.name('h1'), net.name('h2')];
  const bridgeQuery = `G.V().Has('Name', '${br}', 'Type', 'ovsbridge')`;
  let ovs: PrivateOvs | undefined;
  let allinone: ServiceProcess | undefined;
  let routeAdded = false;
  let ns1 = '';

  const url = (): string => (allinone as ServiceProcess).url;
  const vsctl = (...args: string[]): string => (ovs as PrivateOvs).checkedVsctl(...args);

  before(async () => {
    net.ip(undefined, 'route', 'add', 'unreachable', `${prefix}.0/24`);
    routeAdded = true;
    ns1 = net.namespace('a');
    const ns2 = net.namespace('b');
    ovs = PrivateOvs.start();
    ovs.netdevBridge(net, br, [[p1, h1, ns1, `${prefix}.1/24`], [p2, h2, ns2, `${prefix}.2/24`]]);
    const portMin = 40_000 + randomInt(20_000);
    allinone = await ServiceProcess.start('allinone', {
      TOPOFLOW_HOST_ID: `e2e-ovssflow-${randomUUID().slice(0, 8)}`, TOPOFLOW_ETCD_ENABLED: 'true', TOPOFLOW_ANALYZER_HISTORY_BACKEND: 'none',
      TOPOFLOW_AGENT_TOPOLOGY_OVSDB_ADDRESS: `unix:${ovs.socket}`, TOPOFLOW_AGENT_TOPOLOGY_OVSDB_RECONNECT_INTERVAL: '100ms',
      TOPOFLOW_AGENT_FLOW_UPDATE: '1s', TOPOFLOW_AGENT_CAPTURE_SFLOW_PORT_MIN: String(portMin), TOPOFLOW_AGENT_CAPTURE_SFLOW_PORT_MAX: String(portMin + 10),
    });
    await until(async () => ((await gremlin<unknown[]>(url(), `${bridgeQuery}.Values('TID')`)).length === 1 ? true : undefined), 20_000, 'the bridge with its TID');
  });

  after(async () => {
    await allinone?.stop();
    if (ovs !== undefined) {
      try {
        ovs.vsctl('--if-exists', 'del-br', br);
      } catch {
        // ovs-vswitchd may be gone; the tap device goes with the links below
      }
      await ovs.stop();
    }
    net.cleanup();
    if (routeAdded) net.ip(undefined, 'route', 'del', 'unreachable', `${prefix}.0/24`);
    assert.deepEqual(net.leftovers(), [], 'nothing left behind');
  });

  it('samples the bridge into flows with its TID and SFlow counters on the node, and clears the export on delete', async () => {
    const id = await createCapture(url(), { GremlinQuery: bridgeQuery, SamplingRate: 1, PollingInterval: 1, HeaderSize: 128 });
    const [entry] = (await untilActive(url(), br, id, 20_000, 'ovsbridge')).filter((e) => e.ID === id);
    assert.equal((entry as { Type?: string }).Type, 'ovssflow');
    assert.match(vsctl('get', 'bridge', br, 'sflow'), /^[0-9a-f-]{36}$/, 'the bridge exports sFlow');
    const [tid] = await gremlin<string[]>(url(), `${bridgeQuery}.Values('TID')`);

    await run('ip', ['netns', 'exec', ns1, 'ping', '-c', '10', '-i', '0.1', '-W', '2', `${prefix}.2`]);
    const flows = await until(async () => {
      const f = await gremlin<FlowJson[]>(url(), `G.Flows().Has('NodeTID', '${tid}', 'Network.A', '${prefix}.1', 'ICMP.Type', 'ECHO')`);
      return f.some((x) => (x.Metric?.ABPackets ?? 0) >= 5) ? f : undefined;
    }, 20_000, 'sampled ICMP flows with the bridge\'s TID');
    assert.ok(flows.every((f) => f.CaptureID === id));
    const fromNode = await gremlin<FlowJson[]>(url(), `${bridgeQuery}.Flows().Has('ICMP.Type', 'ECHO')`);
    assert.ok(fromNode.length >= 1, 'the bridge node finds its flows');
    const sflow = await until(async () => {
      const [s] = await gremlin<SflowMetadata[]>(url(), `${bridgeQuery}.Values('SFlow')`);
      return (s?.Metric?.IfInOctets ?? 0) > 0 ? s : undefined;
    }, 15_000, 'SFlow counters on the bridge node');
    assert.ok((sflow.Metric?.IfInUcastPkts ?? 0) > 0, JSON.stringify(sflow));
    const [counted] = await gremlin<{ PacketsReceived: number }[][]>(url(), `${bridgeQuery}.Values('Captures')`);
    assert.ok((counted?.[0]?.PacketsReceived ?? 0) > 0, `packets counted: ${JSON.stringify(counted)}`);

    assert.equal((await request(url(), 'DELETE', `/api/capture/${id}`)).status, 200);
    await untilGone(url(), br, id, 15_000, 'ovsbridge');
    await until(async () => (vsctl('get', 'bridge', br, 'sflow') === '[]' ? true : undefined), 10_000, 'the bridge\'s sFlow cleared');
    assert.equal(vsctl('--columns=_uuid', '--bare', 'list', 'sflow'), '');
  });
});
