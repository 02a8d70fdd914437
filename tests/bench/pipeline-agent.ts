// The agent process of the pipeline benchmark: measures the plan on a bare MemoryGraph (the baseline), then runs
// a real agent (no probes) forwarding to the analyzer given by --analyzer and executes the plan on its graph on cue.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { type Agent, createAgent, defaultAgentServiceConfig } from '@topoflow/agent';
import { MemoryGraph } from '@topoflow/graph';
import { buildAgentTopology, planChanges, pumpChanges, workloadSpec, type Change } from './agent-workload.js';
import { forceGc } from './benchmark.js';
import type { AgentCommand, AgentReply, ForwarderCounts, Snapshot } from './pipeline-messages.js';
import type { SyntheticSize } from './synthetic.js';

const HOST_ID = 'bench-agent';

function send(reply: AgentReply): Promise<void> {
  return new Promise((resolve, reject) => process.send?.(reply, (err: Error | null) => (err ? reject(err) : resolve())));
}

function snapshot(graph: MemoryGraph): Snapshot {
  return {
    nodes: [...graph.nodes()].map((n) => [n.ID, n.Revision]),
    edges: [...graph.edges()].map((e) => [e.ID, e.Revision]),
  };
}

async function counts(agent: Agent): Promise<ForwarderCounts> {
  const sum = async (name: string): Promise<number> => {
    const m = agent.reporter.registry.getSingleMetric(`topoflow_agent_forwarder_${name}`);
    return m === undefined ? NaN : (await m.get()).values.reduce((s, v) => s + v.value, 0);
  };
  return {
    syncs: await sum('syncs_total'), batches: await sum('batches_sent_total'), bytes: await sum('bytes_sent_total'),
    forwarded: await sum('events_forwarded_total'), dropped: await sum('events_dropped_total'),
  };
}

/** The same plan on a bare graph with the same topology and no listener. */
async function baseline(size: SyntheticSize): Promise<{ plan: Change[]; planMs: number; outcome: Awaited<ReturnType<typeof pumpChanges>> }> {
  const spec = workloadSpec(size);
  const bare = new MemoryGraph({ host: HOST_ID, origin: `agent.${HOST_ID}` });
  const host = bare.addNode({ Metadata: { Name: HOST_ID, Type: 'host' } });
  const topo = buildAgentTopology(bare, host.ID, spec);
  const p0 = performance.now();
  const plan = planChanges(topo, spec.changes);
  const planMs = performance.now() - p0;
  forceGc();
  return { plan, planMs, outcome: await pumpChanges(bare, plan) };
}

async function startAgent(analyzer: string): Promise<Agent> {
  const config = defaultAgentServiceConfig();
  config.hostId = HOST_ID;
  config.logging.level = 'warn';
  config.agent.listen = '127.0.0.1:0';
  config.agent.analyzers = [analyzer];
  config.agent.topology.probes = [];
  const agent = createAgent(config);
  await agent.start();
  return agent;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { analyzer: { type: 'string' }, size: { type: 'string', default: 'full' } } });
  const size = values.size === 'small' ? 'small' : 'full';
  const base = await baseline(size);
  const agent = await startAgent(values.analyzer ?? '127.0.0.1:8082');
  const graph = agent.graph;
  const host = graph.lookupNodes('Type', 'host')?.[0];
  if (host === undefined) throw new Error('the agent has no host node');
  // Built in the same turn as start(): the connection is not open yet, so the topology goes in the first Sync.
  buildAgentTopology(graph, host.ID, workloadSpec(size));
  while (!agent.forwarder.connected) await sleep(10);
  await sleep(200); // the TID mapper's updates of the new nodes
  await send({ type: 'ready', hostId: HOST_ID, snapshot: snapshot(graph), baseline: base.outcome, changes: base.plan.length, planMs: base.planMs });
  const limit = agent.forwarder.config.queueSize / 4;
  const analyzer = agent.forwarder.analyzer;
  const queued = (): number => agent.forwarder.status()[analyzer]?.QueueLength ?? 0;
  process.on('message', (m: AgentCommand) => {
    const handle = async (): Promise<void> => {
      if (m.type === 'go') {
        forceGc();
        const outcome = await pumpChanges(graph, base.plan, () => queued() > limit);
        await send({ type: 'pumped', outcome, forwarder: await counts(agent) });
      } else if (m.type === 'snapshot') {
        await send({ type: 'snapshot', snapshot: snapshot(graph) });
      } else {
        await agent.stop();
        process.disconnect();
      }
    };
    handle().catch((err: unknown) => void send({ type: 'failed', message: String(err) }));
  });
}

main().catch(async (err: unknown) => {
  await send({ type: 'failed', message: err instanceof Error ? err.stack ?? err.message : String(err) }).catch(() => undefined);
  process.exitCode = 1;
});
