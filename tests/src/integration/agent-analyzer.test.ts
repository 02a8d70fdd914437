// An agent and an analyzer in one process over a real socket: the analyzer's copy of origin agent.<hostId>
// follows the agent's graph through bursts of events, and equals it again after the analyzer comes back.
import assert from 'node:assert/strict';
import { type Agent, createAgent, defaultAgentServiceConfig } from '@topoflow/agent';
import type { Analyzer } from '@topoflow/analyzer';
import { startTestAnalyzer } from '@topoflow/analyzer/testing';
import { silentReporter } from '@topoflow/common';
import type { Element, MemoryGraph, TopologyJson } from '@topoflow/graph';
import { freePort } from '../support/processes.js';

const HOST = 'it-agent';

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const byId = (a: Element, b: Element) => (a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0);
const sorted = (t: TopologyJson) => ({ Nodes: [...t.Nodes].sort(byId), Edges: [...t.Edges].sort(byId) });

/** The analyzer's elements of the agent's origin, sorted. */
function originOf(g: MemoryGraph, origin: string) {
  return sorted({ Nodes: [...g.nodes()].filter((n) => n.Origin === origin), Edges: [...g.edges()].filter((e) => e.Origin === origin) });
}

describe('agent forwarding to an in-process analyzer', function () {
  this.timeout(30_000);
  let analyzer: Analyzer | undefined;
  let agent: Agent | undefined;
  let port: number;

  const startAnalyzer = async (): Promise<Analyzer> => {
    const started = await startTestAnalyzer((c) => {
      c.analyzer.listen = `127.0.0.1:${port}`;
    });
    return started.analyzer;
  };
  const inSync = (): boolean => {
    if (analyzer === undefined || agent === undefined) return false;
    try {
      assert.deepEqual(originOf(analyzer.graph, `agent.${HOST}`), sorted(agent.graph.toJSON()));
      return true;
    } catch {
      return false;
    }
  };

  before(async () => {
    port = await freePort();
    analyzer = await startAnalyzer();
    const config = defaultAgentServiceConfig();
    config.hostId = HOST;
    config.agent.listen = '127.0.0.1:0';
    config.agent.analyzers = [`127.0.0.1:${port}`];
    config.agent.metadata = { mydict: { value: 123 } };
    config.agent.forwarder.batchSize = 50;
    config.agent.forwarder.reconnect = { min: '20ms', max: '200ms' };
    agent = createAgent(config, { reporter: silentReporter('agent') });
    await agent.start();
  });

  after(async () => {
    await agent?.stop();
    await analyzer?.stop();
  });

  it('shows the host node at the analyzer', async () => {
    await waitFor(() => analyzer!.graph.lookupNodes('Type', 'host')?.some((n) => n.Metadata.Name === HOST) === true);
    await waitFor(inSync);
  });

  it('follows a burst of adds, updates and deletes, batched', async () => {
    const g = agent!.graph;
    const hostId = [...g.nodes()][0]!.ID;
    for (let i = 0; i < 500; i++) {
      g.addNode({ ID: `n${i}`, Metadata: { Name: `n${i}`, Type: 'device' } });
      g.addEdge({ ID: `e${i}`, Parent: hostId, Child: `n${i}`, Metadata: { RelationType: 'ownership' } });
    }
    for (let i = 0; i < 500; i += 2) g.updateNode(`n${i}`, { set: { 'Stats.Rx': i } });
    for (let i = 0; i < 500; i += 5) g.deleteNode(`n${i}`);
    await waitFor(inSync);
    const batches = await agent!.reporter.registry.getSingleMetricAsString('topoflow_agent_forwarder_batches_sent_total');
    const sent = Number(/ (\d+)$/m.exec(batches)?.[1]);
    assert.ok(sent > 1 && sent < 200, `batches sent: ${sent}`);
  });

  it('resyncs with a restarted analyzer: its copy equals the agent graph again', async () => {
    await analyzer!.stop();
    analyzer = undefined;
    const g = agent!.graph;
    g.addNode({ ID: 'while-down', Metadata: { Name: 'while-down', Type: 'device' } });
    g.deleteNode('n1');
    g.updateNode('n2', { set: { State: 'DOWN' } });
    analyzer = await startAnalyzer();
    await waitFor(inSync, 10_000);
    assert.ok(analyzer.graph.getNode('while-down'));
    assert.equal(analyzer.graph.getNode('n1'), undefined);
  });
});
