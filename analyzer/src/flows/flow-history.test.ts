// Flow history in the analyzer on both backends: reports sent on /ws/agent/flow are written to the flow store
// and read back through the FlowQuerySource; restarts, retention, and a store that cannot be opened.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@topoflow/common/testing';
import { FLOW_WS_PATH, type Flow, type FlowMetric } from '@topoflow/flow';
import { type TestPostgres, startTestPostgres } from '@topoflow/graph/testing';
import type { Analyzer } from '../analyzer.js';
import type { AnalyzerServiceConfig } from '../config.js';
import { sampleFlow, startTestAnalyzer } from '../testing.js';
import { TestWsClient } from '../ws/test-client.js';

const T = 1_700_000_000_000;
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const metric = (start: number, last: number, n: number): FlowMetric => ({ ABPackets: n, ABBytes: 100 * n, BAPackets: 0, BABytes: 0, Start: start, Last: last });
const packet = (index: number, ts: number) => ({ Index: index, Timestamp: ts, Data: Buffer.from(`frame${index}`).toString('base64'), LinkType: 1 });
const codeOf = (code: string) => (err: unknown) => (err as { code?: string }).code === code;

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const backend of ['sqlite', 'postgres'] as const) describe(`flow history (${backend})`, function () {
  this.timeout(30_000);
  let dir: string;
  let schema: string;
  let pg: TestPostgres | undefined;
  let clock: ManualClock;
  const running: Analyzer[] = [];
  const clients: TestWsClient[] = [];
  before(async () => {
    if (backend === 'postgres') pg = await startTestPostgres({ fast: true });
  });
  after(async () => pg?.stop());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'topoflow-flow-history-'));
    schema = `f_${Math.random().toString(36).slice(2, 10)}`;
    clock = new ManualClock(T + 10 * MIN);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(running.splice(0).map((a) => a.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (tweak: (c: AnalyzerServiceConfig) => void = () => undefined) => {
    const s = await startTestAnalyzer((c) => {
      c.analyzer.dataDir = dir;
      c.analyzer.history.backend = backend;
      c.analyzer.history.postgres.url = pg?.url ?? '';
      c.analyzer.history.postgres.schema = schema;
      c.analyzer.history.retryInterval = '50ms';
      tweak(c);
    }, { clock });
    running.push(s.analyzer);
    s.analyzer.graph.addNode({ ID: 'ia', Metadata: { Name: 'eth0', Type: 'veth', TID: 'tid-a', MAC: '02:00:00:00:00:01' } });
    s.analyzer.graph.addNode({ ID: 'ib', Metadata: { Name: 'eth1', Type: 'veth', TID: 'tid-b', MAC: '02:00:00:00:00:02' } });
    const agent = await TestWsClient.connect(`${s.ws}${FLOW_WS_PATH}`, { 'X-Host-ID': 'h1', 'X-Client-Type': 'agent' });
    clients.push(agent);
    const send = (flows: Flow[]) => agent.sendRaw(JSON.stringify({ Flows: flows }));
    return { ...s, send };
  };
  /** f1 reported three times (one with packets) on tid-1, f2 once on tid-2. */
  const reports = () => [
    sampleFlow('f1', T, T + 60, { LastUpdateMetric: metric(T, T + 60, 1), LastRawPackets: [packet(1, T + 50), packet(0, T)] }),
    sampleFlow('f1', T, T + 120, { LastUpdateMetric: metric(T + 60, T + 120, 2), LastRawPackets: [packet(2, T + 110)] }),
    sampleFlow('f1', T, T + 180, { LastUpdateMetric: metric(T + 120, T + 180, 3), FinishType: 2 }),
    sampleFlow('f2', T + 100, T + 150, { NodeTID: 'tid-2', LastUpdateMetric: metric(T + 100, T + 150, 4) }),
  ];

  it('writes reports to the flow store and reads them back through the flow query source', async () => {
    const { analyzer, send } = await start();
    const source = analyzer.flows.source;
    assert.equal(source.hasHistory, true);
    send(reports().slice(0, 2));
    send(reports().slice(2));
    await waitFor(() => analyzer.flows.liveCount === 2);
    const now = { from: T, to: clock.now() };
    const stored = await source.history({}, now);
    assert.deepEqual(stored.map((f) => `${f.UUID}@${f.Last}`), ['f2@' + (T + 150), 'f1@' + (T + 180)]);
    const f1 = stored[1] as Flow;
    assert.deepEqual([f1.ANodeTID, f1.BNodeTID, f1.FinishType, f1.LastRawPackets], ['tid-a', 'tid-b', 2, undefined]);
    assert.deepEqual(f1, analyzer.flows.source.live({ filter: (f) => f.UUID === 'f1' })[0], 'the stored revision is the live one');
    assert.deepEqual((await source.history({ nodeTIDs: ['tid-2'] }, now)).map((f) => f.UUID), ['f2']);
    assert.deepEqual((await source.history({}, { from: T + 160, to: T + 170 })).map((f) => f.UUID), ['f1']);
    assert.deepEqual((await source.history({ filter: (f) => f.UUID !== 'f2', limit: 1 }, now)).map((f) => f.UUID), ['f1']);
    const metrics = await source.metrics(['f1', 'f2'], { from: T + 60, to: T + 180 });
    assert.deepEqual(metrics.map((m) => `${m.UUID}:${m.Metric.ABPackets}`), ['f1:2', 'f2:4', 'f1:3']);
    const packets = await source.rawPackets(['f1'], undefined);
    assert.deepEqual(packets.map((p) => `${p.Packet.Index}@${p.Packet.Timestamp - T}`), ['0@0', '1@50', '2@110']);
    assert.deepEqual((await source.rawPackets(['f1'], { from: T + 40, to: T + 60 })).map((p) => p.Packet.Index), [1]);
  });

  it('keeps flow history across a restart', async () => {
    const first = await start();
    first.send(reports());
    await waitFor(() => first.analyzer.flows.liveCount === 2);
    await first.analyzer.flows.history.recorder.durable(5000);
    await first.analyzer.stop();
    const second = await start();
    assert.equal(second.analyzer.flows.liveCount, 0);
    const stored = await second.analyzer.flows.source.history({}, { from: T, to: T + 1000 });
    assert.deepEqual(stored.map((f) => f.UUID), ['f2', 'f1']);
    if (backend === 'sqlite') assert.ok(existsSync(join(dir, 'flows.sqlite')), 'flows.sqlite lies beside history.db');
  });

  it('removes flow history older than analyzer.flow.retention', async () => {
    const { analyzer, send, base } = await start((c) => {
      c.analyzer.flow.retention = '7d';
    });
    clock.set(T + 8 * DAY);
    send([sampleFlow('old', T, T + 10, { LastUpdateMetric: metric(T, T + 10, 1) }), sampleFlow('new', T + 8 * DAY - MIN, T + 8 * DAY)]);
    await waitFor(() => analyzer.flows.liveCount === 2);
    await analyzer.flows.history.recorder.durable(5000);
    await analyzer.flows.history.prune();
    const all = { from: 0, to: T + 9 * DAY };
    assert.deepEqual((await analyzer.flows.source.history({}, all)).map((f) => f.UUID), ['new']);
    assert.deepEqual(await analyzer.flows.source.metrics(['old'], all), []);
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /topoflow_analyzer_flows_store_pruned_total\{kind="flows"\} 1\n/);
  });

  it('runs on without a store that cannot be opened: live flows work, reports beyond the buffer are counted as dropped', async () => {
    const { analyzer, send, base } = await start((c) => {
      c.analyzer.flow.maxBufferSize = 3;
      if (backend === 'sqlite') {
        writeFileSync(join(dir, 'blocker'), '');
        c.analyzer.history.sqlite.path = join(dir, 'blocker', 'history.db');
      } else {
        c.analyzer.history.postgres.url = pg!.url.replace(/:\d+\//, ':1/');
      }
    });
    send([1, 2, 3, 4, 5].map((i) => sampleFlow(`f${i}`, T, T + 1)));
    await waitFor(() => analyzer.flows.liveCount === 5);
    await assert.rejects(analyzer.flows.source.history({}, { from: T, to: T + 1 }), codeOf('FLOW_STORE_UNAVAILABLE'));
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /topoflow_analyzer_flows_dropped_total\{reason="buffer_full"\} 2\n/);
    assert.match(text, /topoflow_analyzer_flows_store_available 0\n/);
    assert.match(text, /topoflow_analyzer_flows_store_open_errors_total [1-9]/);
    assert.equal(analyzer.flows.history.recorder.pending, 3);
  });
});
