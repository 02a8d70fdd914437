// topoflow client pcap inject against a test analyzer: the summary, the flows it made, and clear failures.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Analyzer } from '@topoflow/analyzer';
import { startTestAnalyzer } from '@topoflow/analyzer/testing';
import { runCli } from '../cli.js';
import { pcapQuery } from './pcap.js';

function io() {
  const out: string[] = [];
  const info: string[] = [];
  return { out, info, ctx: { out: (t: string) => void out.push(t), info: (t: string) => void info.push(t), env: {} } };
}

/** A shared packet trace (`../shared/data/pcap` beside the repository; this file runs from cli/dist/commands). */
const tracePath = (name: string) => resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/pcap', name);

const code = (c: string) => (err: unknown) => (err as { code?: string }).code === c;

describe('topoflow client pcap inject', function () {
  this.timeout(20_000);
  let analyzer: Analyzer;
  let address: string;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'topoflow-cli-pcap-'));
    const started = await startTestAnalyzer((c) => {
      c.analyzer.flow.pcapBodyLimit = '100KiB';
    });
    analyzer = started.analyzer;
    address = started.base.replace('http://', '');
  });

  after(async () => {
    await analyzer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (...argv: string[]) => {
    const t = io();
    await runCli([...argv, '--analyzer', address], t.ctx, 'v');
    return { out: t.out.join(''), info: t.info.join('\n') };
  };

  it('streams the file and prints the summary; the flows carry the given NodeTID and CaptureID', async () => {
    const r = await run('client', 'pcap', 'inject', tracePath('eth-ip4-arp-dns-req-http-google.pcap'), '--node-tid', 'cli-tid', '--capture-id', 'c1');
    assert.deepEqual(JSON.parse(r.out), { Packets: 58, Flows: 6 });
    assert.match(r.info, /injected .*eth-ip4-arp-dns-req-http-google\.pcap: 58 packets, 6 flows/);
    const flows = analyzer.flows.source.live({ nodeTIDs: ['cli-tid'] });
    assert.equal(flows.length, 6);
    assert.ok(flows.every((f) => f.CaptureID === 'c1'));
  });

  it('sends the table options as query parameters', async () => {
    assert.equal(pcapQuery({}), '');
    assert.equal(pcapQuery({ 'node-tid': 'a b', 'layer-key-mode': 'L3', 'ip-defrag': true, 'reassemble-tcp': false }),
      '?NodeTID=a+b&LayerKeyMode=L3&IPDefrag=true');
    const r = await run('client', 'pcap', 'inject', tracePath('layer-key-mode.pcap'), '--layer-key-mode', 'L3');
    assert.deepEqual(JSON.parse(r.out), { Packets: 4, Flows: 1 });
  });

  it('fails clearly for a missing or unreadable file', async () => {
    await assert.rejects(run('client', 'pcap', 'inject', join(dir, 'nope.pcap')), code('CLI_FILE_UNREADABLE'));
    await assert.rejects(run('client', 'pcap', 'inject', dir), code('CLI_FILE_UNREADABLE'));
  });

  it('reports the analyzer\'s refusals with their codes', async () => {
    const garbage = join(dir, 'garbage.pcap');
    writeFileSync(garbage, 'not a capture');
    await assert.rejects(run('client', 'pcap', 'inject', garbage), code('FLOW_PCAP_INVALID'));
    await assert.rejects(run('client', 'pcap', 'inject', tracePath('iperf-same-L2L3.pcap')), code('ANALYZER_BODY_TOO_LARGE'));
    await assert.rejects(run('client', 'pcap', 'inject', tracePath('simple-tcpv4.pcap'), '--layer-key-mode', 'L9'), code('ANALYZER_VALIDATION_ERROR'));
  });

  it('refuses a missing file argument and fails clearly without an analyzer', async () => {
    await assert.rejects(run('client', 'pcap', 'inject'), code('CLI_USAGE'));
    await assert.rejects(run('client', 'pcap', 'inject', 'a', 'b'), code('CLI_USAGE'));
    await assert.rejects(runCli(['client', 'pcap', 'inject', tracePath('simple-tcpv4.pcap'), '--analyzer', '127.0.0.1:1'], io().ctx, 'v'),
      code('CLI_CONNECT_FAILED'));
  });
});
