// The agent's probes end to end: a real agent process with its default probes forwards a network namespace
// created with `ip netns add` to a real analyzer, owned by the host node, and its removal; a host without
// Open vSwitch stays healthy. No traffic is sent.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { uuidV5 } from '@topoflow/graph';
import { until } from '../support/net.js';
import { ServiceProcess } from '../support/processes.js';
import { query } from '../support/ws.js';

describe('agent probes end to end (netns, netlink)', function () {
  this.timeout(60_000);
  const hostId = `e2e-ns-${randomUUID().slice(0, 8)}`;
  const ns = `tf-e2e-${randomUUID().slice(0, 8)}`;
  const started: ServiceProcess[] = [];
  let analyzer: ServiceProcess;
  let agent: ServiceProcess;

  before(async () => {
    analyzer = await ServiceProcess.start('analyzer');
    started.push(analyzer);
    agent = await ServiceProcess.start('agent', {
      TOPOFLOW_HOST_ID: hostId, TOPOFLOW_AGENT_ANALYZERS: `[${analyzer.address}]`,
      TOPOFLOW_AGENT_TOPOLOGY_OVSDB_ADDRESS: `unix:/tmp/${ns}-no-ovsdb.sock`,
    });
    started.push(agent);
  });
  after(async () => {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    for (const p of started.reverse()) await p.stop();
  });

  const netnsNodes = async () => {
    const r = await query(analyzer.url, `G.V().Has('Name', '${hostId}').Out('Type', 'netns').Has('Name', '${ns}')`);
    assert.equal(r.status, 200);
    return r.body as { ID: string; Metadata: Record<string, unknown> }[];
  };

  it('shows a new namespace at the analyzer, owned by the host, then removes it', async () => {
    execFileSync('ip', ['netns', 'add', ns]);
    const seen = await until(async () => ((await netnsNodes()).length === 1 ? (await netnsNodes())[0] : undefined), 10_000, 'netns node at the analyzer');
    const md = seen.Metadata;
    assert.equal(md.Type, 'netns');
    assert.equal(md.Path, `/var/run/netns/${ns}`);
    assert.equal(typeof md.Inode, 'number');
    assert.equal(typeof md.Device, 'number');
    const tid = await until(async () => {
      const n = (await netnsNodes())[0];
      return typeof n?.Metadata.TID === 'string' ? n.Metadata.TID : undefined;
    }, 5_000, 'netns TID');
    assert.equal(tid, uuidV5(uuidV5(hostId) + `/var/run/netns/${ns}` + 'netns'), 'Skydive TID rule');
    execFileSync('ip', ['netns', 'del', ns]);
    await until(async () => ((await netnsNodes()).length === 0 ? true : undefined), 10_000, 'netns node removed');
  });

  it('links the two ends of a veth pair across namespaces at the analyzer, each owned by its namespace', async () => {
    const ns2 = `${ns}b`;
    const [outer, inner] = [`tfo${ns.slice(-6)}`, `tfi${ns.slice(-6)}`];
    execFileSync('ip', ['netns', 'add', ns2]);
    try {
      execFileSync('ip', ['link', 'add', outer, 'type', 'veth', 'peer', 'name', inner, 'netns', ns2]);
      const q = `G.V().Has('Name', '${ns2}').Out('Name', '${inner}').BothE('RelationType', 'layer2').BothV().Has('Name', '${outer}')`;
      const found = await until(async () => {
        const r = await query(analyzer.url, q);
        return (r.body as unknown[]).length === 1 ? (r.body as { Metadata: Record<string, unknown> }[])[0] : undefined;
      }, 10_000, 'veth pair linked at the analyzer');
      assert.equal(found.Metadata.Type, 'veth');
      const owner = await query(analyzer.url, `G.V().Has('Name', '${outer}').InE('RelationType', 'ownership').InV().Values('Name')`);
      assert.deepEqual(owner.body, [hostId], 'the root-namespace end is owned by the host');
      const edge = await query(analyzer.url, `G.V().Has('Name', '${outer}').BothE('RelationType', 'layer2').Values('Type')`);
      assert.deepEqual(edge.body, ['veth']);
      execFileSync('ip', ['link', 'del', outer]);
      await until(async () => ((await query(analyzer.url, `G.V().Has('Name', '${inner}').Count()`)).body === 0 ? true : undefined), 10_000, 'veth removed');
    } finally {
      try {
        execFileSync('ip', ['link', 'del', outer], { stdio: 'ignore' });
      } catch {
        // deleted by the test
      }
      execFileSync('ip', ['netns', 'del', ns2], { stdio: 'ignore' });
    }
  });

  it('stays healthy on a host without Open vSwitch', async () => {
    const r = await fetch(`${agent.url}/healthz`);
    const body = (await r.json()) as { checks: Record<string, { ok: boolean; detail?: string }> };
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.equal(body.checks['ovsdb.connection']?.ok, true);
    assert.match(body.checks['ovsdb.connection']?.detail ?? '', /not reachable/);
    const status = (await (await fetch(`${agent.url}/api/status`)).json()) as { TopologyProbes: Record<string, { connected?: boolean }> };
    assert.deepEqual(Object.keys(status.TopologyProbes), ['netlink', 'netns', 'ovsdb']);
    assert.equal(status.TopologyProbes.ovsdb?.connected, false);
  });
});
