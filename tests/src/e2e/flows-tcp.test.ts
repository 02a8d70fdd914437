// A TCP connection between two test namespaces, transmit offload off on both veth ends (so the capture sees the
// segments the wire carries, not GSO super-frames), captured with ExtraTCPMetric through the agent API of
// `topoflow allinone`: the flow reaches the analyzer with its ports, byte counts that match the segments, SYN and
// FIN times, an RTT, the captured veth's TID, and once idle past the agent's flow expiry a FinishType. Test traffic
// never leaves the namespaces: the prefix is unreachable from the root namespace; the server listens on the
// test address inside its namespace.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { gremlin, request } from '../support/api.js';
import { until } from '../support/net.js';
import { PingNet } from '../support/captures.js';
import { ServiceProcess, freePort, runTopoflow } from '../support/processes.js';

interface TcpFlowJson {
  UUID: string;
  NodeTID: string;
  ANodeTID?: string;
  BNodeTID?: string;
  FinishType?: number;
  Network?: { A: string; B: string };
  Transport?: { Protocol: string; A: number; B: number };
  Metric?: { ABPackets: number; BAPackets: number; ABBytes: number; BABytes: number; RTT?: number };
  TCPMetric?: { ABSynStart: number; BASynStart: number; ABSynTTL?: number; ABFinStart: number; BAFinStart: number };
}

/** Bytes the client sends, and the server answers once the client has finished sending. */
const CLIENT_BYTES = 200_000;
const SERVER_BYTES = 30_000;
/**
 * Ethernet + IPv4 + TCP with the timestamp option: every segment but the SYNs (whose options take 8 bytes more:
 * MSS, SACK permitted, timestamps, window scale), as Linux sends them with its defaults (fresh namespaces).
 */
const SEGMENT_HEADERS = 14 + 20 + 32;
const SYN_EXTRA = 8;
/** FinishType of a flow the table expired (reference §5.3: FIN/RST only count on a flow's first packet). */
const TIMEOUT = 1;

// The server counts what it reads; when the client has finished, it answers SERVER_BYTES and closes.
const SERVER = `
const net = require('node:net');
const [host, port, answer] = process.argv.slice(1);
const srv = net.createServer((s) => {
  let n = 0;
  s.on('data', (d) => { n += d.length; });
  s.on('end', () => { console.log(JSON.stringify({ received: n })); s.end(Buffer.alloc(Number(answer), 0x62)); });
});
srv.listen(Number(port), host, () => console.log('listening'));`;
// The client sends CLIENT_BYTES, closes its side, reads the answer to the end and reports its port.
const CLIENT = `
const net = require('node:net');
const [host, port, size] = process.argv.slice(1);
let localPort = 0;
let n = 0;
const s = net.connect({ host, port: Number(port) }, () => {
  localPort = s.localPort;
  s.end(Buffer.alloc(Number(size), 0x61));
});
s.on('data', (d) => { n += d.length; });
s.on('close', () => console.log(JSON.stringify({ localPort, received: n })));`;

describe('a TCP flow with offload off, captured with ExtraTCPMetric', function () {
  this.timeout(120_000);
  const pings = new PingNet();
  const net = pings.net;
  let prefix = '';
  let allinone: ServiceProcess | undefined;
  let server: ChildProcess | undefined;
  let agentUrl = '';
  let ns1 = '';
  let ns2 = '';
  const [va, vb] = [net.name('va'), net.name('vb')];
  const port = 20_000 + randomInt(20_000);

  const query = async <T>(q: string): Promise<T> => {
    const r = await runTopoflow(['client', 'query', q, '--analyzer', (allinone as ServiceProcess).address]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };

  /** Starts the server in ns2 on the test address and resolves once it listens; lines after that go to `lines`. */
  const startServer = async (lines: string[]): Promise<void> => {
    server = spawn('ip', ['netns', 'exec', ns2, process.execPath, '-e', SERVER, `${prefix}.2`, String(port), String(SERVER_BYTES)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const rl = createInterface({ input: server.stdout as NodeJS.ReadableStream });
    await new Promise<void>((resolve, reject) => {
      server?.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
      rl.on('line', (l) => (l === 'listening' ? resolve() : lines.push(l)));
    });
  };

  before(async () => {
    pings.route();
    ({ ns1, ns2, prefix } = pings.pair(''));
    execFileSync('ip', ['netns', 'exec', ns1, 'ethtool', '-K', va, 'tx', 'off'], { stdio: 'ignore' });
    execFileSync('ip', ['netns', 'exec', ns2, 'ethtool', '-K', vb, 'tx', 'off'], { stdio: 'ignore' });
    const agentAddress = `127.0.0.1:${await freePort()}`;
    agentUrl = `http://${agentAddress}`;
    allinone = await ServiceProcess.start('allinone', {
      TOPOFLOW_HOST_ID: `e2e-tcp-${randomUUID().slice(0, 8)}`,
      TOPOFLOW_AGENT_LISTEN: agentAddress,
      TOPOFLOW_AGENT_TOPOLOGY_OVSDB_ADDRESS: `unix:/tmp/${net.prefix}-no-ovsdb.sock`,
      TOPOFLOW_AGENT_FLOW_UPDATE: '1s',
      TOPOFLOW_AGENT_FLOW_EXPIRE: '2s',
    });
    await until(async () => ((await gremlin<unknown[]>(allinone!.url, `G.V().Has('Name', '${va}', 'LinkFlags', 'UP')`)).length === 1 ? true : undefined),
      20_000, 'the veth up at the analyzer');
  });
  after(async () => {
    if (server?.exitCode === null) server.kill('SIGKILL');
    await allinone?.stop();
    pings.cleanup();
  });

  it('shows the connection with its ports, byte counts, SYN and FIN times, RTT, capture node and FinishType', async () => {
    const offload = execFileSync('ip', ['netns', 'exec', ns1, 'ethtool', '-k', va], { encoding: 'utf8' });
    assert.match(offload, /^tx-checksumming: off/m);
    assert.match(offload, /^\ttx-tcp-segmentation: off/m);
    const started = await request<{ State: string }>(agentUrl, 'POST', '/api/capture', { Interface: va, Namespace: ns1, ID: 'tcp-1', ExtraTCPMetric: true });
    assert.ok(started.status === 201 || started.status === 200, JSON.stringify(started.body));
    assert.equal(started.body.State, 'active');
    const serverLines: string[] = [];
    await startServer(serverLines);
    const client = JSON.parse(execFileSync('ip', ['netns', 'exec', ns1, process.execPath, '-e', CLIENT, `${prefix}.2`, String(port), String(CLIENT_BYTES)],
      { encoding: 'utf8', timeout: 20_000 })) as { localPort: number; received: number };
    assert.equal(client.received, SERVER_BYTES);
    await until(async () => (serverLines.length > 0 ? true : undefined), 5000, 'the server report');
    assert.deepEqual(JSON.parse(serverLines[0] as string), { received: CLIENT_BYTES });

    // The table expires the idle flow as TIMEOUT (2 s): its last report carries every segment.
    const [flow] = await until(async () => {
      const f = await query<TcpFlowJson[]>(`G.Flows().Has('Transport.Protocol', 'TCP', 'Transport.B', ${port})`);
      return f.length === 1 && f[0]?.FinishType !== undefined ? f : undefined;
    }, 30_000, 'the finished TCP flow at the analyzer');
    assert.ok(flow !== undefined);
    const [tidA] = await gremlin<string[]>(allinone!.url, `G.V().Has('Name', '${va}').Values('TID')`);
    const [tidB] = await gremlin<string[]>(allinone!.url, `G.V().Has('Name', '${vb}').Values('TID')`);
    assert.ok(tidA !== undefined && tidB !== undefined);
    assert.equal(flow.NodeTID, tidA);
    assert.deepEqual([flow.ANodeTID, flow.BNodeTID], [tidA, tidB], 'the enhancer names the veth owning each address');
    const fromNode = await query<TcpFlowJson[]>(`G.V().Has('Name', '${va}').Flows().Has('Transport.Protocol', 'TCP')`);
    assert.deepEqual(fromNode.map((f) => f.UUID), [flow.UUID]);
    assert.equal(flow.FinishType, TIMEOUT);
    assert.deepEqual(flow.Network, { Protocol: 'IPV4', A: `${prefix}.1`, B: `${prefix}.2`, ID: 0 });
    assert.deepEqual(flow.Transport, { Protocol: 'TCP', A: client.localPort, B: port, ID: 0 });

    const m = flow.Metric;
    assert.ok(m !== undefined);
    // every segment is at most one MSS (1448 bytes with timestamps): offload off, nothing coalesced
    assert.ok(m.ABPackets >= 3 + Math.ceil(CLIENT_BYTES / 1448), `AB packets ${m.ABPackets}`);
    assert.ok(m.BAPackets >= 2 + Math.ceil(SERVER_BYTES / 1448), `BA packets ${m.BAPackets}`);
    // bytes = payload + the headers of every frame, each direction with one SYN
    assert.equal(m.ABBytes, CLIENT_BYTES + SEGMENT_HEADERS * m.ABPackets + SYN_EXTRA);
    assert.equal(m.BABytes, SERVER_BYTES + SEGMENT_HEADERS * m.BAPackets + SYN_EXTRA);
    assert.ok((m.RTT ?? 0) > 0, `RTT ${m.RTT}`);
    assert.ok((m.RTT ?? 0) < 1e9, `RTT ${m.RTT} ns under a second`);

    const t = flow.TCPMetric;
    assert.ok(t !== undefined, 'TCPMetric present with ExtraTCPMetric');
    assert.ok(t.ABSynStart > 0 && t.BASynStart >= t.ABSynStart, `SYN ${t.ABSynStart}, SYN+ACK ${t.BASynStart}`);
    assert.equal(t.ABSynTTL, 64);
    assert.ok(t.ABFinStart >= t.ABSynStart && t.BAFinStart >= t.ABFinStart, `FIN ${t.ABFinStart}, ${t.BAFinStart}`);

    assert.equal((await request(agentUrl, 'DELETE', '/api/capture/tcp-1')).status, 204);
  });
});
