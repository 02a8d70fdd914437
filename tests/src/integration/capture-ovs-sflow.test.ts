// sFlow from a userspace Open vSwitch bridge to an SflowSource on loopback: OvsSflowExport configures the bridge
// through OVSDB, two test namespaces attached to the bridge ping each other, and sampled frames and counter
// samples arrive; removing the export clears the bridge's sFlow. Traffic stays between the test namespaces (root
// ports carry no address and no IPv6; the test prefix is unreachable from the root namespace).
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import {
  AgentErrors, defaultOvsSflowExportConfig, defaultSflowSourceConfig, OvsSflowExport, type OvsSflowExportConfig, SflowSource,
} from '@topoflow/agent';
import { isAppError, silentReporter } from '@topoflow/common';
import { LinkType, type SflowCounterSample, SflowMetrics } from '@topoflow/flow';
import { defaultOvsdbClientConfig, OvsdbClient } from '@topoflow/probes';
import { PrivateOvs, TestNet, until } from '../support/net.js';
import { RecordingSink } from '../support/sinks.js';

const run = promisify(execFile);

describe('sFlow from an Open vSwitch bridge (userspace datapath)', function () {
  this.timeout(90_000);
  const net = new TestNet();
  const prefix = `10.${200 + randomInt(50)}.${randomInt(256)}`;
  const reporter = silentReporter().child('capture');
  const [br, p1, p2, h1, h2] = [net.name('br'), net.name('p1'), net.name('p2'), net.name('h1'), net.name('h2')];
  let ovs: PrivateOvs | undefined;
  let client: OvsdbClient | undefined;
  let routeAdded = false;
  let ns1 = '';
  const cleanups: (() => Promise<void>)[] = [];

  const vsctl = (...args: string[]): string => (ovs as PrivateOvs).checkedVsctl(...args);
  const exporter = (config: Partial<OvsSflowExportConfig>): OvsSflowExport => {
    const e = new OvsSflowExport({ ...defaultOvsSflowExportConfig(), bridge: br, probeId: 'it-sflow', ...config }, { client: client as OvsdbClient, reporter });
    cleanups.push(() => e.stop());
    return e;
  };

  before(async () => {
    net.ip(undefined, 'route', 'add', 'unreachable', `${prefix}.0/24`);
    routeAdded = true;
    ns1 = net.namespace('a');
    const ns2 = net.namespace('b');
    ovs = PrivateOvs.start();
    ovs.netdevBridge(net, br, [[p1, h1, ns1, `${prefix}.1/24`], [p2, h2, ns2, `${prefix}.2/24`]]);
    client = new OvsdbClient({ ...defaultOvsdbClientConfig(), address: `unix:${ovs.socket}`, reconnectInterval: '100ms' }, { reporter });
    await client.start();
    await until(async () => (client?.connected === true ? true : undefined), 5000, 'ovsdb client connected');
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });
  after(async () => {
    await client?.stop();
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

  it('exports sampled frames and counter samples to an SflowSource, and stops when the export is removed', async () => {
    const sink = new RecordingSink();
    const counters: SflowCounterSample[] = [];
    const base = 40000 + randomInt(20000);
    const source = new SflowSource({ ...defaultSflowSourceConfig(), portMin: base, portMax: base + 10 }, { sink, reporter, onCounters: (c) => counters.push(...c) });
    cleanups.push(() => source.stop());
    await source.start();
    const e = exporter({ target: source.target, headerSize: 128, samplingRate: 1, pollingInterval: 1 });
    await e.start();
    assert.equal(vsctl('get', 'bridge', br, 'sflow'), e.uuid);
    assert.match(vsctl('get', 'sflow', e.uuid as string, 'targets'), new RegExp(`127\\.0\\.0\\.1:${source.port}`));

    await run('ip', ['netns', 'exec', ns1, 'ping', '-c', '10', '-i', '0.1', '-W', '2', `${prefix}.2`]);
    // OVS refreshes port statistics on its own period: the first counter samples may predate the ping.
    const countsPing = (c: SflowCounterSample) => (c.interface?.IfInUcastPkts ?? 0) > 0 || (c.interface?.IfOutUcastPkts ?? 0) > 0;
    await until(async () => (sink.icmp(0).length >= 5 && counters.some(countsPing) && counters.some((c) => c.ovsDp !== undefined) ? true : undefined), 15_000,
      `sampled echo replies, port counters counting the ping and datapath counters (frames ${sink.count}, counter samples ${counters.length})`);
    for (const f of sink.icmp()) {
      assert.equal(f.linkType, LinkType.ETHERNET);
      assert.equal(f.wire, 98);
      assert.ok(f.caplen <= 128 && f.caplen >= 98 - 4, `caplen ${f.caplen}`);
    }
    assert.ok(counters.every((c) => c.agent === '127.0.0.1'), 'agent address of "lo"');
    assert.ok(counters.some((c) => (c.ovsDp?.OvsDpNHit ?? -1) >= 0 && (c.ovsDp?.OvsDpNFlows ?? -1) >= 0), 'datapath counters');
    const metrics = new SflowMetrics();
    for (const c of counters) metrics.add(c);
    assert.ok((metrics.snapshot(Date.now())?.Metric.IfInOctets ?? 0) > 0);
    assert.equal(source.stats().PacketsDropped, 0);

    await e.stop();
    assert.equal(vsctl('get', 'bridge', br, 'sflow'), '[]');
    assert.equal(vsctl('--columns=_uuid', '--bare', 'list', 'sflow'), '');
  });

  it('fails with AGENT_OVS_BRIDGE_NOT_FOUND for a missing bridge and leaves no sFlow row', async () => {
    const e = exporter({ bridge: net.name('nb'), target: '127.0.0.1:6399' });
    await assert.rejects(e.start(), (err) => isAppError(err, AgentErrors.OVS_BRIDGE_NOT_FOUND));
    assert.equal(vsctl('--columns=_uuid', '--bare', 'list', 'sflow'), '');
    assert.equal(e.uuid, null);
  });
});
