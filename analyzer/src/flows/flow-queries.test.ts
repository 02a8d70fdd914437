// Flow Gremlin steps through the analyzer's REST API: flows sent by an agent on /ws/agent/flow are found by
// G.Flows(), from their capture node, and their raw packets download as a pcap file.
import assert from 'node:assert/strict';
import { FLOW_WS_PATH } from '@topoflow/flow';
import type { Analyzer } from '../analyzer.js';
import { sampleFlow, startTestAnalyzer } from '../testing.js';
import { TestWsClient } from '../ws/test-client.js';

async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('flow queries over REST', () => {
  let analyzer: Analyzer;
  let base: string;
  let client: TestWsClient;

  before(async () => {
    const started = await startTestAnalyzer();
    analyzer = started.analyzer;
    base = started.base;
    analyzer.graph.addNode({ ID: 'n1', Metadata: { Name: 'veth1', Type: 'veth', TID: 'tid-1', MAC: '02:00:00:00:00:01' } });
    analyzer.graph.addNode({ ID: 'n2', Metadata: { Name: 'lo', Type: 'device', TID: 'tid-2' } });
    client = await TestWsClient.connect(`${started.ws}${FLOW_WS_PATH}`, { 'X-Host-ID': 'h1', 'X-Client-Type': 'agent' });
    const packet = Buffer.from('0200000000020200000000010800', 'hex').toString('base64');
    client.socket.send(JSON.stringify({
      Flows: [
        sampleFlow('f1', 1000, 2000, { LastRawPackets: [{ Timestamp: 1500, Index: 0, Data: packet, LinkType: 1 }], RawPacketsCaptured: 1 }),
        sampleFlow('f2', 1000, 3000, { NodeTID: 'tid-2', Network: { Protocol: 'IPV4', A: '10.0.0.9', B: '10.0.0.2', ID: 0 } }),
      ],
    }));
    await waitFor(() => analyzer.flows.source.live({}).length === 2);
  });
  after(async () => {
    await client?.close();
    await analyzer?.stop();
  });

  const query = async (q: string, accept = 'application/json'): Promise<Response> =>
    fetch(`${base}/api/topology`, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ GremlinQuery: q }) });

  it('finds flows by a dotted field', async () => {
    const flows = await (await query("G.Flows().Has('Network.A', '10.0.0.9')")).json() as Array<{ UUID: string }>;
    assert.deepEqual(flows.map((f) => f.UUID), ['f2']);
  });

  it('reaches flows from their capture node and the node from its flows', async () => {
    const flows = await (await query("G.V().Has('Name', 'veth1').Flows()")).json() as Array<{ UUID: string }>;
    assert.deepEqual(flows.map((f) => f.UUID), ['f1']);
    const nodes = await (await query("G.Flows().Has('UUID', 'f1').Hops()")).json() as Array<{ ID: string }>;
    assert.deepEqual(nodes.map((n) => n.ID), ['n1']);
  });

  it('downloads raw packets as a pcap file and refuses other results as pcap', async () => {
    const res = await query("G.Flows().Has('UUID', 'f1').RawPackets()", 'application/vnd.tcpdump.pcap');
    assert.equal(res.status, 200);
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(body.readUInt32LE(0), 0xa1b2c3d4);
    assert.equal(body.length, 24 + 16 + 14, 'global header, one record header, 14 bytes of packet');
    const refused = await query('G.Flows().Count()', 'application/vnd.tcpdump.pcap');
    assert.equal(refused.status, 406);
  });

  it('filters raw packets with BPF', async () => {
    const packets = async (filter: string): Promise<number> => {
      const body = await (await query(`G.Flows().RawPackets().BPF('${filter}')`)).json() as Array<Record<string, unknown[]>>;
      return body.flatMap((m) => Object.values(m).flat()).length;
    };
    assert.equal(await packets('ip'), 1);
    assert.equal(await packets('arp'), 0);
  });
});
