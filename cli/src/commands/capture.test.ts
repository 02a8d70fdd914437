// topoflow client capture create|list|get|delete against an analyzer backed by a real etcd.
import { strict as assert } from 'node:assert';
import type { Analyzer } from '@topoflow/analyzer';
import { type TestEtcd, startTestAnalyzer, startTestEtcd, withTestEtcd } from '@topoflow/analyzer/testing';
import { runCli } from '../cli.js';
import { captureBody } from './capture.js';

function io() {
  const out: string[] = [];
  const info: string[] = [];
  return { out, info, ctx: { out: (t: string) => void out.push(t), info: (t: string) => void info.push(t), env: {} } };
}

const code = (c: string) => (err: unknown) => (err as { code?: string }).code === c;

describe('topoflow client capture', function () {
  this.timeout(30_000);
  let etcd: TestEtcd;
  let analyzer: Analyzer;
  let address: string;

  before(async () => {
    etcd = await startTestEtcd();
    const started = await startTestAnalyzer(withTestEtcd(etcd));
    analyzer = started.analyzer;
    address = started.base.replace('http://', '');
  });

  after(async () => {
    await analyzer?.stop();
    await etcd?.destroy();
  });

  const run = async (...argv: string[]) => {
    const t = io();
    await runCli([...argv, '--analyzer', address], t.ctx, 'v');
    return { out: t.out.join(''), info: t.info.join('\n') };
  };

  it('creates a capture from flags, then lists, gets and deletes it', async () => {
    const created = await run('client', 'capture', 'create', '--gremlin', "G.V().Has('Name', 'eth0')", '--type', 'pcap', '--bpf', 'icmp',
      '--name', 'n', '--description', 'd', '--header-size', '128', '--raw-packets', '3', '--extra-tcp-metric', '--ip-defrag',
      '--reassemble-tcp', '--layer-key-mode', 'L3', '--sampling-rate', '10', '--polling-interval', '5', '--port', '6343');
    const capture = JSON.parse(created.out) as Record<string, unknown>;
    const id = capture.UUID as string;
    assert.deepEqual(capture, {
      UUID: id, GremlinQuery: "G.V().Has('Name', 'eth0')", BPFFilter: 'icmp', Name: 'n', Description: 'd', Type: 'pcap', Count: 0,
      Port: 6343, SamplingRate: 10, PollingInterval: 5, RawPacketLimit: 3, HeaderSize: 128, ExtraTCPMetric: true, IPDefrag: true,
      ReassembleTCP: true, LayerKeyMode: 'L3',
    });
    assert.match(created.info, new RegExp(`created capture ${id}`));
    assert.deepEqual(Object.keys(JSON.parse((await run('client', 'capture', 'list')).out) as object), [id]);
    assert.equal((JSON.parse((await run('client', 'capture', 'get', id)).out) as { UUID: string }).UUID, id);
    assert.match((await run('client', 'capture', 'delete', id)).info, /deleted capture/);
    assert.deepEqual(JSON.parse((await run('client', 'capture', 'list')).out), {});
  });

  it('reports the analyzer\'s refusals with their codes', async () => {
    await assert.rejects(run('client', 'capture', 'create', '--gremlin', "G.V().Has('Name'"), code('GREMLIN_PARSE_ERROR'));
    await assert.rejects(run('client', 'capture', 'create', '--gremlin', 'G.V()', '--type', 'tcpdump'), code('ANALYZER_CAPTURE_INVALID'));
    await assert.rejects(run('client', 'capture', 'create', '--gremlin', 'G.V()', '--sampling-rate', '-1'), code('ANALYZER_CAPTURE_INVALID'));
    await assert.rejects(run('client', 'capture', 'create', '--gremlin', 'G.V()', '--header-size', '5'), code('ANALYZER_CAPTURE_INVALID'));
    await assert.rejects(run('client', 'capture', 'get', 'nope'), code('ANALYZER_CAPTURE_NOT_FOUND'));
    await assert.rejects(run('client', 'capture', 'delete', 'nope'), code('ANALYZER_CAPTURE_NOT_FOUND'));
  });

  it('refuses a create without --gremlin, a number that is not one, and misplaced arguments', async () => {
    await assert.rejects(run('client', 'capture', 'create', '--type', 'pcap'), code('CLI_USAGE'));
    await assert.rejects(run('client', 'capture', 'create', '--gremlin', 'G.V()', '--port', 'http'), code('CLI_USAGE'));
    await assert.rejects(run('client', 'capture', 'get'), code('CLI_USAGE'));
    await assert.rejects(run('client', 'capture', 'list', '--type', 'pcap'), code('CLI_USAGE'));
    await assert.rejects(run('client', 'capture', 'delete', 'a', 'b'), code('CLI_USAGE'));
  });

  it('reports an unreachable analyzer clearly', async () => {
    await assert.rejects(runCli(['client', 'capture', 'list', '--analyzer', '127.0.0.1:1'], io().ctx, 'v'), code('CLI_CONNECT_FAILED'));
  });

  it('turns only the given flags into fields', () => {
    assert.deepEqual(captureBody({ gremlin: 'G.V()', 'ip-defrag': false, port: '0' }), { GremlinQuery: 'G.V()', Port: 0 });
  });
});
