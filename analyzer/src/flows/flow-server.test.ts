// /ws/agent/flow over a real WebSocket on loopback: batches become enhanced live flows; malformed messages,
// bad flows and oversized batches are refused and counted while the connection keeps working; hold timeout,
// live TTL, disconnects and the live-flow limit with a fake clock.
import assert from 'node:assert/strict';
import { ManualClock } from '@topoflow/common/testing';
import { type Flow, FLOW_WS_PATH } from '@topoflow/flow';
import { WebSocket } from 'ws';
import type { Analyzer } from '../analyzer.js';
import type { AnalyzerServiceConfig } from '../config.js';
import { sampleFlow, startTestAnalyzer } from '../testing.js';
import { TestWsClient, refusedUpgrade } from '../ws/test-client.js';

const HEADERS = { 'X-Host-ID': 'h1', 'X-Client-Type': 'agent' };
const stats = { CaptureID: 'cap-1', FlowCount: 2, FlowDropped: 0, KernelFlowDropped: 0, PacketsDropped: 1, PacketsReceived: 40 };
const batch = (flows: unknown[], extra: object = {}) => JSON.stringify({ Flows: flows, ...extra });

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('flow server', () => {
  let analyzer: Analyzer;
  let base: string;
  let url: string;
  let clock: ManualClock;
  const clients: TestWsClient[] = [];

  const start = async (tweak: (c: AnalyzerServiceConfig) => void = () => undefined) => {
    clock = new ManualClock(1_700_000_000_000);
    const started = await startTestAnalyzer(tweak, { clock });
    analyzer = started.analyzer;
    base = started.base;
    url = `${started.ws}${FLOW_WS_PATH}`;
    const g = analyzer.graph;
    g.addNode({ ID: 'ia', Metadata: { Name: 'eth0', Type: 'veth', TID: 'tid-a', MAC: '02:00:00:00:00:01', IPV4: ['10.0.0.1/24'] } });
    g.addNode({ ID: 'ib', Metadata: { Name: 'eth1', Type: 'veth', TID: 'tid-b', MAC: '02:00:00:00:00:02', IPV4: ['10.0.0.2/24'] } });
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await analyzer?.stop();
  });

  const connect = async (headers: Record<string, string> = HEADERS): Promise<TestWsClient> => {
    const c = await TestWsClient.connect(url, headers);
    clients.push(c);
    return c;
  };
  const live = (): Flow[] => analyzer.flows.source.live({});
  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  const sent = async (c: TestWsClient, text: string | Buffer, counted: () => Promise<boolean>) => {
    c.socket.send(text);
    await waitFor(counted);
  };

  it('turns a batch into live flows whose ends name the interfaces owning their MACs and IPs', async () => {
    await start();
    const c = await connect();
    const l3 = sampleFlow('f2', 10, 20, { Network: { Protocol: 'IPV4', A: '10.0.0.2', B: '10.0.0.99', ID: 0 }, NodeTID: 'tid-b', CaptureID: 'cap-2' });
    delete l3.Link;
    const packets = [{ Timestamp: 15, Index: 0, Data: Buffer.from('frame').toString('base64'), LinkType: 1 }];
    c.sendRaw(batch([sampleFlow('f1', 10, 20, { LastRawPackets: packets, RawPacketsCaptured: 1 }), l3], { Stats: [stats] }));
    await waitFor(() => analyzer.flows.liveCount === 2);
    const [f1, f2] = live();
    assert.deepEqual([f1?.UUID, f1?.ANodeTID, f1?.BNodeTID, f1?.NodeTID, f1?.CaptureID], ['f1', 'tid-a', 'tid-b', 'tid-1', 'cap-1']);
    assert.equal(f1?.LastRawPackets, undefined, 'raw packets stay out of live flows');
    assert.deepEqual(analyzer.flows.source.liveRawPackets(['f1', 'f2']), [{ UUID: 'f1', Packet: packets[0] }]);
    assert.deepEqual([f2?.ANodeTID, f2?.BNodeTID, f2?.NodeTID, f2?.CaptureID], ['tid-b', undefined, 'tid-b', 'cap-2']);
    assert.deepEqual(analyzer.flows.source.live({ nodeTIDs: ['tid-b'] }).map((f) => f.UUID), ['f2']);
    assert.deepEqual(analyzer.flows.captureStats(), [stats]);
    assert.equal(analyzer.flows.source.hasHistory, false);
    await assert.rejects(analyzer.flows.source.history({}, { from: 0, to: 1 }), (err: { code?: string }) => err.code === 'ANALYZER_HISTORY_UNAVAILABLE');
    assert.equal(await metric('topoflow_analyzer_flows_received_total'), 2);
    assert.equal(await metric('topoflow_analyzer_flows_batches_total'), 1);
    assert.equal(await metric('topoflow_analyzer_flows_live'), 2);
    assert.equal(await metric('topoflow_analyzer_flows_ends_total{result="found"}'), 3);
    const status = await (await fetch(`${base}/api/status`)).json() as { Flows: { Live: number; Captures: number; Agents: Record<string, { Flows: number; ServiceType: string }> } };
    assert.deepEqual([status.Flows.Live, status.Flows.Captures, status.Flows.Agents.h1?.Flows, status.Flows.Agents.h1?.ServiceType], [2, 1, 2, 'agent']);
  });

  it('refuses malformed JSON, wrong shapes, binary frames and oversized messages, counting them, and keeps the connection', async () => {
    await start((cfg) => {
      cfg.analyzer.flow.maxBatchFlows = 3;
      cfg.analyzer.flow.maxMessageSize = '8KiB';
    });
    const c = await connect();
    const refused = (code: string) => metric(`topoflow_analyzer_flows_invalid_messages_total{code="${code}"}`);
    await sent(c, 'not json', async () => await refused('ANALYZER_INVALID_JSON') === 1);
    for (const [i, text] of ['{"Flows": 3}', '[1, 2]', '{"Flows": [], "Extra": 1}', '{"Stats": []}', 'null'].entries()) {
      await sent(c, text, async () => await refused('ANALYZER_VALIDATION_ERROR') === i + 1);
    }
    await sent(c, Buffer.from(batch([sampleFlow('bin', 0, 1)])), async () => await refused('ANALYZER_WS_INVALID_MESSAGE') === 1);
    const four = [1, 2, 3, 4].map((i) => sampleFlow(`m${i}`, 0, 1));
    await sent(c, batch(four), async () => await refused('ANALYZER_FLOW_BATCH_TOO_LARGE') === 1);
    await sent(c, batch([sampleFlow('big', 0, 1, { LayersPath: 'x'.repeat(1000) }), sampleFlow('pad', 0, 1, { Application: 'y'.repeat(9000) })]),
      async () => await refused('ANALYZER_FLOW_BATCH_TOO_LARGE') === 2);
    assert.equal(await metric('topoflow_analyzer_ws_messages_rejected_total{endpoint="flow",code="ANALYZER_FLOW_BATCH_TOO_LARGE"}'), 2);
    assert.equal(analyzer.flows.liveCount, 0, 'nothing of a refused message is kept');
    assert.equal(c.socket.readyState, WebSocket.OPEN);
    c.sendRaw(batch(four.slice(0, 3)));
    await waitFor(() => analyzer.flows.liveCount === 3);
    assert.equal(c.socket.readyState, WebSocket.OPEN);
  });

  it('refuses the bad flows and stats of a batch and keeps the rest', async () => {
    await start();
    const c = await connect();
    c.sendRaw(batch([
      sampleFlow('ok1', 0, 1),
      { UUID: 5 },
      sampleFlow('backwards', 10, 5),
      { ...sampleFlow('extra', 0, 1), Unknown: true },
      sampleFlow('negative', 0, 1, { Metric: { ABPackets: -1, ABBytes: 0, BAPackets: 0, BABytes: 0, Start: 0, Last: 1 } }),
      sampleFlow('ok2', 0, 1, { FinishType: 3 }),
    ], { Stats: [stats, { CaptureID: 'x' }] }));
    await waitFor(() => analyzer.flows.liveCount === 2);
    assert.deepEqual(live().map((f) => f.UUID), ['ok1', 'ok2']);
    await waitFor(async () => await metric('topoflow_analyzer_flows_invalid_flows_total') === 5);
    assert.deepEqual(analyzer.flows.captureStats(), [stats]);
  });

  it('removes a finished flow after the hold timeout and a silent one after the live TTL', async () => {
    await start((cfg) => {
      cfg.analyzer.flow.holdTimeout = '15s';
      cfg.analyzer.flow.liveTTL = '20m';
    });
    const c = await connect();
    c.sendRaw(batch([sampleFlow('fin', 0, 1, { FinishType: 2 }), sampleFlow('open', 0, 1)]));
    await waitFor(() => analyzer.flows.liveCount === 2);
    clock.advance(14_999);
    analyzer.flows.sweep();
    assert.equal(analyzer.flows.liveCount, 2);
    clock.advance(1);
    analyzer.flows.sweep();
    assert.deepEqual(live().map((f) => f.UUID), ['open']);
    c.sendRaw(batch([sampleFlow('open', 0, 2)]));
    await waitFor(() => live()[0]?.Last === 2);
    clock.advance(20 * 60_000 - 1);
    analyzer.flows.sweep();
    assert.equal(analyzer.flows.liveCount, 1);
    clock.advance(1);
    analyzer.flows.sweep();
    assert.equal(analyzer.flows.liveCount, 0);
    assert.equal(await metric('topoflow_analyzer_flows_live_expired_total{reason="finished"}'), 1);
    assert.equal(await metric('topoflow_analyzer_flows_live_expired_total{reason="idle"}'), 1);
  });

  it("keeps an agent's live flows through a disconnect until the live TTL, and takes it back when it reconnects", async () => {
    await start((cfg) => {
      cfg.analyzer.flow.liveTTL = '1m';
    });
    const c = await connect();
    c.sendRaw(batch([sampleFlow('a', 0, 1), sampleFlow('b', 0, 1)]));
    await waitFor(() => analyzer.flows.liveCount === 2);
    await c.close();
    await waitFor(async () => Object.keys((await (await fetch(`${base}/api/status`)).json() as { Flows: { Agents: object } }).Flows.Agents).length === 0);
    clock.advance(30_000);
    analyzer.flows.sweep();
    assert.equal(analyzer.flows.liveCount, 2);
    const again = await connect();
    again.sendRaw(batch([sampleFlow('a', 0, 2)]));
    await waitFor(() => analyzer.flows.source.live({ filter: (f) => f.UUID === 'a' && f.Last === 2 }).length === 1);
    clock.advance(30_000);
    analyzer.flows.sweep();
    assert.deepEqual(live().map((f) => f.UUID), ['a']);
  });

  it('evicts the least recently reported flow beyond maxLiveFlows and counts it', async () => {
    await start((cfg) => {
      cfg.analyzer.flow.maxLiveFlows = 2;
    });
    const c = await connect();
    c.sendRaw(batch([sampleFlow('a', 0, 1), sampleFlow('b', 0, 1), sampleFlow('c', 0, 1)]));
    await waitFor(async () => await metric('topoflow_analyzer_flows_live_evicted_total') === 1);
    assert.deepEqual(live().map((f) => f.UUID), ['b', 'c']);
  });

  it('takes one flow connection per host ID, beside its topology connection, and refuses a bad handshake', async () => {
    await start();
    await connect();
    const conflict = await refusedUpgrade(url, HEADERS);
    assert.equal(conflict.status, 409);
    assert.equal((conflict.body as { code: string }).code, 'ANALYZER_WS_HOST_CONFLICT');
    clients.push(await TestWsClient.connect(url.replace(FLOW_WS_PATH, '/ws/agent/topology'), HEADERS));
    const bad = await refusedUpgrade(url, { 'X-Host-ID': 'h2', 'X-Client-Protocol': 'protobuf' });
    assert.equal(bad.status, 400);
    assert.equal(await metric('topoflow_analyzer_ws_connections_refused_total{endpoint="flow",code="ANALYZER_WS_BAD_HANDSHAKE"}'), 1);
  });
});
