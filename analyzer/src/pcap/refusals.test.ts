// POST /api/pcap refusals over real HTTP: malformed or truncated captures (400, the frames before the problem are
// kept), bodies above analyzer.flow.pcapBodyLimit (413, declared or streamed), wrong content types and parameters,
// a client that goes away, and an upload beyond analyzer.flow.pcapMaxUploads (429); the analyzer keeps answering
// after each.
import assert from 'node:assert/strict';
import { trace } from '@topoflow/flow/testing';
import type { Analyzer } from '../analyzer.js';
import { startTestAnalyzer } from '../testing.js';
import { type Answer, chunksOf, openUpload, postChunks } from './test-upload.js';

const GOOGLE = 'eth-ip4-arp-dns-req-http-google.pcap';
const BIG = 'iperf-same-L2L3.pcap';

describe('POST /api/pcap refusals', function () {
  this.timeout(20_000);
  let analyzer: Analyzer;
  let base: string;

  before(async () => {
    ({ analyzer, base } = await startTestAnalyzer((c) => {
      c.analyzer.flow.pcapBodyLimit = '100KiB';
      c.analyzer.flow.pcapMaxUploads = 1;
    }));
  });

  after(() => analyzer.stop());

  const upload = async (body: Uint8Array | string, query = '', type = 'application/vnd.tcpdump.pcap'): Promise<Answer> => {
    const r = await fetch(`${base}/api/pcap${query}`, { method: 'POST', body, headers: { 'content-type': type } });
    return { status: r.status, headers: Object.fromEntries(r.headers), body: await r.json() as Record<string, unknown> };
  };
  const liveCount = async (tid: string): Promise<number> => {
    const r = await fetch(`${base}/api/topology`, { method: 'POST', body: JSON.stringify({ GremlinQuery: `G.Flows().Has('NodeTID', '${tid}').Count()` }) });
    return await r.json() as number;
  };
  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`${base}/metrics`)).text();
    return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };
  const stillWorks = async (): Promise<void> => {
    const r = await upload(trace('simple-tcpv4.pcap'));
    assert.deepEqual([r.status, r.body], [202, { Packets: 8, Flows: 1 }]);
  };

  it('answers 400 FLOW_PCAP_INVALID for a truncated file with the offset and reason, keeping the frames before it', async () => {
    const r = await upload(trace(GOOGLE).subarray(0, 3000), '?NodeTID=cut');
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'FLOW_PCAP_INVALID');
    const d = r.body.details as { offset: number; reason: string; packets: number; flows: number };
    assert.equal(d.offset, 2771);
    assert.match(d.reason, /truncated record/);
    assert.equal(d.packets, 22);
    assert.ok(d.flows > 0);
    assert.equal(await liveCount('cut'), d.flows);
    await stillWorks();
  });

  it('answers 400 FLOW_PCAP_INVALID for garbage and for an empty body, and keeps working', async () => {
    const garbage = await upload('this is not a capture file at all');
    assert.equal(garbage.body.code, 'FLOW_PCAP_INVALID');
    assert.deepEqual([garbage.status, (garbage.body.details as { offset: number }).offset, (garbage.body.details as { packets: number }).packets], [400, 0, 0]);
    const corrupt = Buffer.from(trace(GOOGLE));
    corrupt.writeUInt32LE(0x7fffffff, 24 + 8);
    const huge = await upload(corrupt);
    assert.deepEqual([huge.status, huge.body.code, (huge.body.details as { offset: number }).offset], [400, 'FLOW_PCAP_INVALID', 32]);
    const empty = await fetch(`${base}/api/pcap`, { method: 'POST' });
    assert.deepEqual([empty.status, (await empty.json() as { code: string }).code], [400, 'FLOW_PCAP_INVALID']);
    await stillWorks();
  });

  it('answers 413 to a declared length above the limit without reading it, and closes the connection', async () => {
    const before = await metric('topoflow_analyzer_pcap_packets_total');
    const r = await upload(trace(BIG), '?NodeTID=big');
    assert.deepEqual([r.status, r.body.code, r.headers.connection], [413, 'ANALYZER_BODY_TOO_LARGE', 'close']);
    assert.equal(await metric('topoflow_analyzer_pcap_packets_total'), before);
    assert.equal(await liveCount('big'), 0);
    await stillWorks();
  });

  it('answers 413 to a streamed body once it passes the limit, keeping the frames before it', async () => {
    const r = await postChunks(`${base}/api/pcap?NodeTID=stream`, chunksOf(trace(BIG), 8192));
    assert.deepEqual([r?.status, r?.body.code], [413, 'ANALYZER_BODY_TOO_LARGE']);
    const d = r?.body.details as { limit: number; packets: number; flows: number };
    assert.equal(d.limit, 100 * 1024);
    assert.ok(d.packets > 0 && d.flows === 1, JSON.stringify(d));
    assert.equal(await liveCount('stream'), 1);
    await stillWorks();
  });

  it('refuses other content types (415) and unknown or bad parameters (400)', async () => {
    const json = await upload(trace(GOOGLE), '', 'application/json');
    assert.deepEqual([json.status, json.body.code], [415, 'ANALYZER_UNSUPPORTED_MEDIA_TYPE']);
    const unknown = await upload(trace(GOOGLE), '?NodeTid=x');
    assert.deepEqual([unknown.status, unknown.body.code], [400, 'ANALYZER_VALIDATION_ERROR']);
    assert.equal((unknown.body.details as { violations: { path: string }[] }).violations[0]?.path, '/NodeTid');
    for (const q of ['?LayerKeyMode=L4', '?RawPacketLimit=11', '?ExtraTCPMetric=yes', '?ExtraLayers=256']) {
      assert.equal((await upload(trace(GOOGLE), q)).status, 400, q);
    }
    await stillWorks();
  });

  it('answers 429 ANALYZER_TOO_MANY_UPLOADS while pcapMaxUploads uploads are being read, and counts it as busy', async () => {
    const before = await metric('topoflow_analyzer_pcap_uploads_total\\{result="busy"\\}');
    const data = trace(GOOGLE);
    const first = await openUpload(`${base}/api/pcap?NodeTID=first`, data.subarray(0, 1000));
    // the first upload counts from the moment its handler runs, which the retries wait for
    const deadline = Date.now() + 5000;
    let busy = await upload(trace('simple-tcpv4.pcap'));
    while (busy.status === 202) {
      assert.ok(Date.now() < deadline, 'the second upload is refused while the first is read');
      await new Promise((r) => setTimeout(r, 20));
      busy = await upload(trace('simple-tcpv4.pcap'));
    }
    assert.deepEqual([busy.status, busy.body.code, (busy.body.details as { limit: number }).limit], [429, 'ANALYZER_TOO_MANY_UPLOADS', 1]);
    assert.equal(await metric('topoflow_analyzer_pcap_uploads_total\\{result="busy"\\}'), before + 1);
    const done = await first.finish(data.subarray(1000));
    assert.equal(done.status, 202);
    await stillWorks();
  });

  it('keeps the frames read when the client goes away, counts the upload as aborted, and keeps working', async () => {
    const before = await metric('topoflow_analyzer_pcap_uploads_total\\{result="aborted"\\}');
    assert.equal(await postChunks(`${base}/api/pcap?NodeTID=gone`, chunksOf(trace(GOOGLE), 4096), { abortAfter: 3 }), undefined);
    const deadline = Date.now() + 5000;
    while (await metric('topoflow_analyzer_pcap_uploads_total\\{result="aborted"\\}') === before) {
      assert.ok(Date.now() < deadline, 'the aborted upload is counted');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(await liveCount('gone') > 0);
    await stillWorks();
  });
});
