// 1,000 captures created through the API, stored in a real etcd, watched and dispatched to an agent holding 1,000
// interfaces: every capture must start on its node, and the analyzer's heap must grow by less than 50 MB.
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Analyzer } from '../analyzer.js';
import { type TestEtcd, onDemandSettled, startTestAnalyzer, startTestEtcd, withTestEtcd } from '../testing.js';
import { TestWsClient } from '../ws/test-client.js';

const CAPTURES = 1000;
const MAX_GROWTH_BYTES = 50 * 1024 * 1024;

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

describe('1,000 captures', function () {
  this.timeout(120_000);
  let etcd: TestEtcd;
  let analyzer: Analyzer;
  let agent: TestWsClient;

  before(async () => {
    etcd = await startTestEtcd();
    const started = await startTestAnalyzer(withTestEtcd(etcd));
    analyzer = started.analyzer;
    agent = await TestWsClient.connect(`${started.ws}/ws/agent/topology`, { 'X-Host-ID': 'h1', 'X-Client-Type': 'agent' });
    const nodes = Array.from({ length: CAPTURES }, (_, i) => ({
      ID: `veth-${i}`, Metadata: { Name: `veth${i}`, Type: 'veth' }, Host: 'h1', Origin: 'agent.h1', CreatedAt: 1, UpdatedAt: 1, DeletedAt: null, Revision: 1,
    }));
    agent.send('Sync', { Nodes: nodes, Edges: [] });
    const deadline = Date.now() + 10_000;
    while (analyzer.graph.nodeCount < CAPTURES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  });

  after(async () => {
    await agent?.close();
    await analyzer?.stop();
    await etcd?.destroy();
  });

  it('stores, watches and starts them all with less than 50 MB of heap growth', async () => {
    const received = new Map<string, number>();
    agent.socket.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { Type: string; Obj: { Capture?: { UUID: string } } };
      if (m.Type === 'CaptureStart' && m.Obj.Capture) received.set(m.Obj.Capture.UUID, performance.now());
    });
    const posted = new Map<string, number>();
    const before = heapAfterGc();
    const t0 = Date.now();
    for (let i = 0; i < CAPTURES; i++) {
      const res = await analyzer.http!.inject({ method: 'POST', url: '/api/capture', payload: { GremlinQuery: `G.V().Has('Name', 'veth${i}')`, Name: `c${i}` } });
      assert.equal(res.statusCode, 201, res.body);
      posted.set((res.json() as { UUID: string }).UUID, performance.now());
    }
    const created = Date.now() - t0;
    const deadline = Date.now() + 60_000;
    while (analyzer.onDemand.status().Assignments < CAPTURES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await onDemandSettled(analyzer.onDemand);
    const dispatched = Date.now() - t0;
    const status = analyzer.onDemand.status();
    assert.equal(status.Captures, CAPTURES);
    assert.equal(status.Assignments, CAPTURES);
    const starts = (await agent.drain(0)).filter((m) => m.Namespace === 'OnDemand' && m.Type === 'CaptureStart').length;
    assert.equal(starts, CAPTURES);
    const list = await analyzer.http!.inject({ method: 'GET', url: '/api/capture' });
    assert.equal(Object.keys(list.json() as object).length, CAPTURES);
    const growth = heapAfterGc() - before;
    const latencies = [...posted].map(([id, at]) => (received.get(id) ?? Infinity) - at).sort((a, b) => a - b);
    const p95 = latencies[Math.floor(latencies.length * 0.95)] ?? Infinity;
    console.log(`      ${CAPTURES} captures: created in ${created} ms, all started in ${dispatched} ms, `
      + `create→CaptureStart p95 ${p95.toFixed(1)} ms, heap growth ${(growth / 1048576).toFixed(1)} MB`);
    assert.ok(p95 < 1000, `create→CaptureStart p95 ${p95} ms`);
    assert.ok(growth < MAX_GROWTH_BYTES, `heap grew by ${growth} bytes`);
  });
});
