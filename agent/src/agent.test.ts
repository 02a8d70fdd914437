// The wired agent (no topology probes) against a fake analyzer on loopback: a capture started through the agent API
// runs on the injected table and source, and the flows its table holds reach the flow link when the agent stops.
import { strict as assert } from 'node:assert';
import { formatAddress, silentReporter } from '@topoflow/common';
import { FLOW_WS_PATH, type FlowBatch } from '@topoflow/flow';
import { hostNodeId } from '@topoflow/probes';
import type { Agent } from './agent.js';
import { FakeCaptureFactories, fakeFlow } from './capture/fakes.js';
import { unavailableTableFactory } from './capture/factories.js';
import type { CaptureEntry } from './capture/running.js';
import { defaultAgentServiceConfig } from './config.js';
import { AgentErrors } from './errors.js';
import { FakeAnalyzer, waitFor } from './forwarder/fake-analyzer.js';
import { type AgentDeps, createAgent } from './wiring.js';

describe('agent captures', () => {
  let analyzer: FakeAnalyzer;
  let agent: Agent | undefined;

  beforeEach(async () => {
    analyzer = await FakeAnalyzer.start();
  });
  afterEach(async () => {
    await agent?.stop();
    await analyzer.stop();
  });

  const run = async (deps: AgentDeps = {}): Promise<{ agent: Agent; base: string }> => {
    const config = defaultAgentServiceConfig();
    config.hostId = 'h1';
    config.agent.analyzers = [analyzer.address];
    config.agent.listen = '127.0.0.1:0';
    config.agent.topology.probes = [];
    config.agent.forwarder.reconnect = { min: '10ms', max: '50ms' };
    agent = createAgent(config, { reporter: silentReporter('agent'), hostInfo: { hostname: 'h1', os: 'linux', kernel: 'k', cpus: 1 }, ...deps });
    await agent.start();
    const host = hostNodeId('h1');
    agent.graph.addNode({ ID: 'eth', Metadata: { Name: 'eth0', Type: 'device', LinkFlags: ['UP'], EncapType: 'ether' } });
    agent.graph.addEdge({ ID: 'own-eth', Parent: host, Child: 'eth', Metadata: { RelationType: 'ownership' } });
    await waitFor(() => typeof agent?.graph.getNode('eth')?.Metadata.TID === 'string');
    return { agent, base: `http://${formatAddress(agent.address!)}` };
  };
  const post = (base: string, body: object) =>
    fetch(`${base}/api/capture`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('captures through the injected factories and sends the last flows on the flow link when stopping', async () => {
    const fakes = new FakeCaptureFactories();
    const { agent: a, base } = await run({ tableFactory: fakes.tableFactory, sourceFactory: fakes.sourceFactory });
    const r = await post(base, { ID: 'c1', Interface: 'eth0' });
    assert.equal(r.status, 201);
    const tid = a.graph.getNode('eth')?.Metadata.TID;
    assert.equal(fakes.tables[0]?.options.nodeTID, tid);
    assert.deepEqual((a.graph.getNode('eth')?.Metadata.Captures as CaptureEntry[]).map((c) => [c.ID, c.State]), [['c1', 'active']]);
    await waitFor(() => a.flowForwarder.connected);
    fakes.tables[0]?.hold(fakeFlow('f1'));
    await a.stop();
    const flowLink = analyzer.connections.find((c) => c.url === FLOW_WS_PATH);
    await waitFor(() => (flowLink?.frames.length ?? 0) > 0);
    const sent = (flowLink?.frames as FlowBatch[]).flatMap((b) => b.Flows);
    assert.deepEqual(sent.map((f) => [f.UUID, f.NodeTID, f.CaptureID]), [['f1', tid, 'c1']]);
    assert.equal(flowLink?.headers['x-host-id'], 'h1');
    assert.equal(fakes.sources[0]?.stops, 1);
  });

  it('refuses captures with AGENT_CAPTURE_UNAVAILABLE when the flow table factory refuses', async () => {
    const { base } = await run({ tableFactory: unavailableTableFactory });
    const r = await post(base, { Interface: 'eth0' });
    assert.equal(r.status, 503);
    assert.equal(((await r.json()) as { code: string }).code, AgentErrors.CAPTURE_UNAVAILABLE);
  });
});
