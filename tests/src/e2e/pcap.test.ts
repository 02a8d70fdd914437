// Pcap uploads end to end: `topoflow client pcap inject` streams the reference trace to a real `topoflow analyzer`,
// whose Gremlin API then finds the flows of TestPCAP1 (reference §9.2) live with their original Start times and in
// flow history at the trace's time; a bad file is refused with the reader's offset and the analyzer keeps working.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gremlin } from '../support/api.js';
import { sharedData } from '../support/paths.js';
import { ServiceProcess, runTopoflow } from '../support/processes.js';

interface FlowJson {
  Application: string;
  NodeTID?: string;
  Start: number;
  Transport?: { A: number; B: number };
  Metric: { ABPackets: number; ABBytes: number; BAPackets: number; BABytes: number };
}

const TRACE = sharedData('pcap/eth-ip4-arp-dns-req-http-google.pcap');
/** Time of the trace's first frame (2016-02-05T08:05:13.465Z). */
const TRACE_START = 1454659513465;

describe('pcap upload with topoflow analyzer and the CLI', function () {
  this.timeout(60_000);
  let analyzer: ServiceProcess;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'topoflow-e2e-pcap-'));
    analyzer = await ServiceProcess.start('analyzer');
  });

  after(async () => {
    await analyzer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => runTopoflow([...args, '--analyzer', analyzer.address]);
  const summary = (f: FlowJson) => [f.Transport?.A, f.Metric.ABPackets, f.Metric.ABBytes, f.Metric.BAPackets, f.Metric.BABytes];

  it('injects the reference trace; Gremlin finds its flows live and in flow history with their original times', async () => {
    const r = await cli('client', 'pcap', 'inject', TRACE, '--node-tid', 'e2e-pcap');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { Packets: 58, Flows: 6 });
    assert.match(r.stderr, /58 packets, 6 flows/);

    const dns = await gremlin<FlowJson[]>(analyzer.url, "G.Flows().Has('NodeTID', 'e2e-pcap').Has('Application', 'DNS')");
    assert.deepEqual(dns.map(summary).sort(), [[33553, 2, 146, 2, 190], [37686, 2, 148, 2, 256]]);
    const http = await gremlin<FlowJson[]>(analyzer.url, "G.Flows().Has('NodeTID', 'e2e-pcap').Has('Transport.B', 80)");
    assert.deepEqual(http.map(summary).sort(), [[47838, 6, 516, 4, 760], [54785, 20, 1475, 18, 21080]]);
    const arp = await gremlin<FlowJson[]>(analyzer.url, "G.Flows().Has('NodeTID', 'e2e-pcap').Has('Application', 'ARP').Has('Link.B', 'ff:ff:ff:ff:ff:ff')");
    assert.deepEqual(arp.map((f) => [f.Metric.ABPackets, f.Metric.ABBytes]), [[1, 42]]);
    const all = [...dns, ...http, ...arp];
    assert.ok(all.every((f) => f.Start >= TRACE_START && f.Start < TRACE_START + 1000), 'flows keep the times of the trace');

    // the flows reach the flow store shortly after the upload
    const deadline = Date.now() + 10_000;
    let stored = 0;
    while (stored !== 2 && Date.now() < deadline) {
      stored = await gremlin<number>(analyzer.url, `G.At(${TRACE_START + 500}).Flows().Has('NodeTID', 'e2e-pcap').Has('Application', 'DNS').Count()`);
      if (stored !== 2) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(stored, 2);
  });

  it('refuses a truncated file with the offset, keeps its first frames, and keeps working', async () => {
    const cut = join(dir, 'cut.pcap');
    writeFileSync(cut, readFileSync(TRACE).subarray(0, 3000));
    const r = await cli('client', 'pcap', 'inject', cut, '--node-tid', 'e2e-cut');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /invalid capture file at byte 2771: truncated record.*22 frames before it were kept.*\[FLOW_PCAP_INVALID\]/);
    assert.ok(await gremlin<number>(analyzer.url, "G.Flows().Has('NodeTID', 'e2e-cut').Count()") > 0);

    const missing = await cli('client', 'pcap', 'inject', join(dir, 'missing.pcap'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /\[CLI_FILE_UNREADABLE\]/);

    const again = await cli('client', 'pcap', 'inject', sharedData('pcap/simple-tcpv4.pcap'));
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(again.stdout), { Packets: 8, Flows: 1 });
    assert.match(analyzer.output, /pcap upload ingested/);
  });
});
