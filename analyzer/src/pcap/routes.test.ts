// POST /api/pcap on a test analyzer over real HTTP: the flows of the reference trace TestPCAP1 become live flows
// (and flow history) with their original timestamps, options come from the query string, pcapng works too.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@topoflow/flow/testing';
import type { Analyzer } from '../analyzer.js';
import { startTestAnalyzer } from '../testing.js';
import { chunksOf, postChunks, toPcapng } from './test-upload.js';

interface FlowJson {
  UUID: string;
  Application: string;
  LayersPath: string;
  NodeTID?: string;
  CaptureID?: string;
  Start: number;
  Link?: { A: string; B: string };
  Network?: { A: string; B: string };
  Transport?: { A: number; B: number };
  Metric: { ABPackets: number; ABBytes: number; BAPackets: number; BABytes: number; Start: number };
}

const GOOGLE = 'eth-ip4-arp-dns-req-http-google.pcap';
/** First frame of the trace: 2016-02-05T08:05:13.465Z. */
const TRACE_START = 1454659513465;

/** TestPCAP1 (reference §9.2): application, ports or link B, AB packets/bytes, BA packets/bytes. */
const PCAP1 = [
  ['ARP', 'ff:ff:ff:ff:ff:ff', 1, 42, 0, 0],
  ['DNS', '37686>53', 2, 148, 2, 256],
  ['TCP', '47838>80', 6, 516, 4, 760],
  ['DNS', '33553>53', 2, 146, 2, 190],
  ['TCP', '54785>80', 20, 1475, 18, 21080],
];

/** Every TestPCAP1 flow is there, among the 6 of the trace (the ARP reply is not asserted by the reference). */
function assertPcap1(flows: FlowJson[]): void {
  assert.equal(flows.length, 6);
  const rows = flows.map((f) => JSON.stringify(row(f)));
  for (const expected of PCAP1) assert.ok(rows.includes(JSON.stringify(expected)), `a flow like ${expected.join(' ')} in\n${rows.join('\n')}`);
}

const row = (f: FlowJson) => [
  f.Application, f.Transport ? `${f.Transport.A}>${f.Transport.B}` : f.Link?.B,
  f.Metric.ABPackets, f.Metric.ABBytes, f.Metric.BAPackets, f.Metric.BABytes,
];

describe('POST /api/pcap', function () {
  this.timeout(20_000);
  let analyzer: Analyzer;
  let base: string;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'topoflow-pcap-'));
    ({ analyzer, base } = await startTestAnalyzer((c) => {
      c.analyzer.history.backend = 'sqlite';
      c.analyzer.dataDir = dir;
    }));
  });

  after(async () => {
    await analyzer.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const gremlin = async <T>(q: string): Promise<T> => {
    const r = await fetch(`${base}/api/topology`, { method: 'POST', body: JSON.stringify({ GremlinQuery: q }) });
    assert.equal(r.status, 200, await r.clone().text());
    return await r.json() as T;
  };
  const upload = (body: Uint8Array, query = '', type = 'application/vnd.tcpdump.pcap') =>
    fetch(`${base}/api/pcap${query}`, { method: 'POST', body, headers: { 'content-type': type } });

  it('turns the reference trace into the TestPCAP1 flows, live, with their original timestamps', async () => {
    const r = await upload(trace(GOOGLE), '?NodeTID=pcap1');
    assert.equal(r.status, 202);
    assert.deepEqual(await r.json(), { Packets: 58, Flows: 6 });
    const dns = await gremlin<FlowJson[]>("G.Flows().Has('NodeTID', 'pcap1').Has('Application', 'DNS')");
    assert.deepEqual(dns.map(row).sort(), PCAP1.filter((p) => p[0] === 'DNS').sort());
    const all = await gremlin<FlowJson[]>("G.Flows().Has('NodeTID', 'pcap1')");
    assertPcap1(all);
    assert.ok(all.every((f) => f.Start >= TRACE_START && f.Start < TRACE_START + 1000 && f.Metric.Start === f.Start), 'Start is the frame time');
    assert.equal(Math.min(...all.map((f) => f.Start)), TRACE_START);
    const tcp = await gremlin<FlowJson[]>("G.Flows().Has('NodeTID', 'pcap1').Has('Network.B', '216.58.211.67')");
    assert.deepEqual(tcp.map((f) => [f.Link?.A, f.Network?.A]), [['fa:16:3e:29:e0:82', '192.168.0.5']]);
  });

  it('stores the flows in flow history, where the time of the trace finds them', async () => {
    await upload(trace(GOOGLE), '?NodeTID=hist');
    assert.equal(await analyzer.flows.history.recorder.durable(5000), true);
    const at = await gremlin<number>(`G.At(${TRACE_START + 500}).Flows().Has('NodeTID', 'hist').Has('Application', 'DNS').Count()`);
    assert.equal(at, 2);
  });

  it('waits for the flow store rather than dropping flows when they outnumber its buffer', async () => {
    const small = await startTestAnalyzer((c) => {
      c.analyzer.history.backend = 'sqlite';
      c.analyzer.dataDir = join(dir, 'small');
      c.analyzer.flow.maxBufferSize = 7;
    });
    try {
      const r = await fetch(`${small.base}/api/pcap`, { method: 'POST', body: trace('icmpv4-symetric.pcap') });
      assert.deepEqual(await r.json(), { Packets: 200, Flows: 100 });
      assert.equal(await small.analyzer.flows.history.recorder.durable(5000), true);
      const stored = await small.analyzer.flows.history.store().stats();
      assert.equal(stored.flows, 100);
      const metrics = await (await fetch(`${small.base}/metrics`)).text();
      assert.doesNotMatch(metrics, /^topoflow_analyzer_flows_dropped_total\{[^}]*\} [1-9]/m);
    } finally {
      await small.analyzer.stop();
    }
  });

  it('stamps NodeTID and CaptureID, and takes the table options from the query string', async () => {
    const r = await upload(trace('layer-key-mode.pcap'), '?NodeTID=l3&CaptureID=cap-9&LayerKeyMode=L3&ExtraTCPMetric=true&IPDefrag=1');
    assert.deepEqual(await r.json(), { Packets: 4, Flows: 1 });
    const [flow, ...rest] = await gremlin<FlowJson[]>("G.Flows().Has('NodeTID', 'l3')");
    assert.equal(rest.length, 0);
    assert.equal(flow?.CaptureID, 'cap-9');
    assert.deepEqual([flow?.Metric.ABPackets, flow?.Metric.BAPackets], [2, 2]);
    await upload(trace('layer-key-mode.pcap'), '?NodeTID=l2');
    assert.equal((await gremlin<FlowJson[]>("G.Flows().Has('NodeTID', 'l2')")).length, 2);
  });

  it('gives flows without a NodeTID when none is given', async () => {
    await upload(trace('simple-tcpv4.pcap'));
    const flows = await gremlin<FlowJson[]>("G.Flows().Has('Transport.B', 3333)");
    assert.equal(flows.length, 1);
    assert.equal(flows[0]?.NodeTID ?? '', '');
  });

  it('reads pcapng and a body streamed in small chunks the same way', async () => {
    const ng = await upload(toPcapng(trace(GOOGLE)), '?NodeTID=ng', 'application/octet-stream');
    assert.deepEqual(await ng.json(), { Packets: 58, Flows: 6 });
    const streamed = await postChunks(`${base}/api/pcap?NodeTID=chunks`, chunksOf(trace(GOOGLE), 333));
    assert.deepEqual([streamed?.status, streamed?.body], [202, { Packets: 58, Flows: 6 }]);
    for (const tid of ['ng', 'chunks']) assertPcap1(await gremlin<FlowJson[]>(`G.Flows().Has('NodeTID', '${tid}')`));
  });

  it('counts uploads and frames in its metrics', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1]);
    assert.ok(value('topoflow_analyzer_pcap_packets_total') >= 58 * 4);
    assert.ok(value('topoflow_analyzer_pcap_uploads_total\\{result="accepted"\\}') >= 6);
  });
});
