// Captures across restarts, with `topoflow analyzer` (embedded etcd) and `topoflow agent` as separate processes so
// that one survives the other's end: a SIGKILL of the analyzer under a running capture (restarted on the same data
// dir, address and etcd: the capture is still in the API, still active on its node, never restarted by the agent,
// and new pings give flows with the node's TID), then a SIGTERM and start of the agent (the on-demand server
// dispatches the capture again: active once more, one entry per ID, flows back), then a deletion right before a
// SIGKILL of the analyzer (the restarted analyzer stops the capture the node still carries). Pings stay between test
// namespaces.
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gremlin, metric, request } from '../support/api.js';
import {
  PingNet, type VethPair, capturesOf, createCapture, ping, tidOf, untilActive, untilFlow, untilGone,
} from '../support/captures.js';
import { until } from '../support/net.js';
import { ServiceProcess, freePort } from '../support/processes.js';

interface AgentCapture {
  ID: string;
  NodeID: string;
  State: string;
}

describe('captures across analyzer and agent restarts', function () {
  this.timeout(120_000);
  const net = new PingNet();
  const hostId = `e2e-restart-${randomUUID().slice(0, 8)}`;
  let dir = '';
  let analyzerEnv: Record<string, string> = {};
  let agentEnv: Record<string, string> = {};
  let analyzer: ServiceProcess | undefined;
  let agent: ServiceProcess | undefined;
  let pair: VethPair;
  let captureId = '';

  const url = (): string => (analyzer as ServiceProcess).url;
  const agentCaptures = async (id: string): Promise<AgentCapture[]> => {
    const r = await request<AgentCapture[]>((agent as ServiceProcess).url, 'GET', `/api/capture/${id}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const agentStarts = async (): Promise<number | undefined> => metric((agent as ServiceProcess).url, 'topoflow_agent_capture_starts_total');

  before(async () => {
    net.route();
    pair = net.pair('r');
    dir = mkdtempSync(join(tmpdir(), 'topoflow-e2e-restarts-'));
    const address = `127.0.0.1:${await freePort()}`;
    analyzerEnv = {
      TOPOFLOW_ANALYZER_LISTEN: address, TOPOFLOW_ANALYZER_DATA_DIR: dir, TOPOFLOW_ETCD_ENABLED: 'true',
      TOPOFLOW_ETCD_LISTEN: `127.0.0.1:${await freePort()}`, TOPOFLOW_ETCD_PEER_LISTEN: `127.0.0.1:${await freePort()}`,
    };
    agentEnv = {
      TOPOFLOW_HOST_ID: hostId, TOPOFLOW_AGENT_LISTEN: `127.0.0.1:${await freePort()}`, TOPOFLOW_AGENT_ANALYZERS: `[${address}]`,
      TOPOFLOW_AGENT_TOPOLOGY_OVSDB_ADDRESS: `unix:/tmp/${net.net.prefix}-no-ovsdb.sock`, TOPOFLOW_AGENT_FLOW_UPDATE: '1s',
      TOPOFLOW_AGENT_FORWARDER_RECONNECT_MAX: '500ms',
    };
    analyzer = await ServiceProcess.start('analyzer', analyzerEnv);
    agent = await ServiceProcess.start('agent', agentEnv);
    await until(async () => ((await capturesOf(url(), pair.vb)).length === 0 && (await tidOf(url(), pair.vb)) ? true : undefined), 20_000, 'vb with its TID at the analyzer');
    captureId = await createCapture(url(), { GremlinQuery: `G.V().Has('Name', '${pair.vb}')`, Name: 'restarts' });
    await untilActive(url(), pair.vb, captureId, 15_000);
  });

  after(async () => {
    await agent?.stop();
    await analyzer?.stop();
    rmSync(dir, { recursive: true, force: true });
    net.cleanup();
  });

  it('keeps a running capture through a SIGKILL of the analyzer and sends its flows to the restarted one', async () => {
    const tid = await tidOf(url(), pair.vb);
    await ping(pair, 2);
    await untilFlow(url(), pair, tid, 0, 20_000);
    assert.equal(await agentStarts(), 1);

    await (analyzer as ServiceProcess).kill();
    const restartedAt = Date.now();
    analyzer = await ServiceProcess.start('analyzer', analyzerEnv);

    const got = await request<{ UUID: string; Name: string }>(url(), 'GET', `/api/capture/${captureId}`);
    assert.equal(got.status, 200, JSON.stringify(got.body));
    assert.equal(got.body.Name, 'restarts');
    const entries = await untilActive(url(), pair.vb, captureId, 20_000);
    assert.deepEqual(entries.map((e) => [e.ID, e.State]), [[captureId, 'active']]);
    assert.equal(await tidOf(url(), pair.vb), tid, 'the same TID after the restart');
    await ping(pair, 3);
    const flow = await untilFlow(url(), pair, tid, restartedAt, 20_000);
    assert.equal(flow.CaptureID, captureId);
    // The restarted analyzer dispatched the capture again; the agent kept the one it ran.
    await until(async () => ((await request<{ Captures: { Assignments: number } }>(url(), 'GET', '/api/status')).body.Captures.Assignments === 1 ? true : undefined),
      10_000, 'the capture assigned again');
    assert.equal(await agentStarts(), 1, 'the agent never restarted the capture');
    assert.equal((await agentCaptures(captureId)).length, 1);
  });

  it('dispatches the capture again to a restarted agent, once per interface, and flows come back', async () => {
    const tid = await tidOf(url(), pair.vb);
    assert.equal(await (agent as ServiceProcess).stop(), 0, 'the agent stops cleanly');
    // the agent's subgraph goes with its connection
    await until(async () => ((await gremlin<unknown[]>(url(), `G.V().Has('Name', '${pair.vb}')`)).length === 0 ? true : undefined), 15_000, 'vb gone');
    const restartedAt = Date.now();
    agent = await ServiceProcess.start('agent', agentEnv);

    const entries = await untilActive(url(), pair.vb, captureId, 20_000);
    assert.deepEqual(entries.map((e) => [e.ID, e.State]), [[captureId, 'active']]);
    await ping(pair, 3);
    const flow = await untilFlow(url(), pair, tid, restartedAt, 20_000);
    assert.equal(flow.CaptureID, captureId);
    const running = await agentCaptures(captureId);
    assert.equal(running.length, 1, JSON.stringify(running));
    assert.equal(running[0]?.State, 'active');
    assert.equal(await agentStarts(), 1, 'one start on the restarted agent');

  });

  it('stops a capture deleted just before a SIGKILL of the analyzer, once the analyzer is back', async () => {
    assert.equal((await request(url(), 'DELETE', `/api/capture/${captureId}`)).status, 200);
    // the kill may come before or after the stop order went out: either way the capture must end
    await (analyzer as ServiceProcess).kill();
    analyzer = await ServiceProcess.start('analyzer', analyzerEnv);
    assert.equal((await request(url(), 'GET', `/api/capture/${captureId}`)).status, 404);
    await until(async () => ((await request((agent as ServiceProcess).url, 'GET', `/api/capture/${captureId}`)).status === 404 ? true : undefined),
      20_000, 'the agent stopped the capture');
    await untilGone(url(), pair.vb, captureId, 10_000);
    assert.ok(await tidOf(url(), pair.vb), 'vb is still there');
  });
});
