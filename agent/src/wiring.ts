// Builds the agent from its configuration: reporter, graph, host node, then the forwarders (graph and flows), the
// capture manager and the HTTP API.
import { hostname } from 'node:os';
import { type Clock, type ComponentReporter, Reporter, packageVersion, systemClock } from '@topoflow/common';
import { FlowTable } from '@topoflow/flow';
import { MemoryGraph } from '@topoflow/graph';
import { Agent } from './agent.js';
import type { SourceFactory, TableFactory } from './capture/factories.js';
import { CaptureManager } from './capture/manager.js';
import { handleOrderMessage } from './capture/orders.js';
import { type SourceFactoryDeps, agentSourceFactory } from './capture/source-factory.js';
import { type AgentServiceConfig, resolveAgentConfig } from './config.js';
import { FlowForwarder, flowForwarderConfig } from './flows/forwarder.js';
import { Forwarder } from './forwarder/forwarder.js';
import { type HostInfo, hostNode, systemHostInfo } from './host.js';
import { AgentApi } from './http/api-server.js';
import { buildProbes } from './probes.js';
import { OvsdbProbe } from '@topoflow/probes';
import { TidMapper } from './tid/tid-mapper.js';

/** What may be injected instead of being built from the configuration. */
export interface AgentDeps {
  clock?: Clock;
  /** Root logger; ignored when `reporter` is given. */
  logger?: Reporter['logger'];
  /** Logging, metrics and health root (default: a new one named "agent"). */
  reporter?: Reporter;
  /** Machine facts shown on the host node (default: read from the OS). */
  hostInfo?: HostInfo;
  /** Source of reconnection jitter. */
  random?: () => number;
  /** Builds each capture's flow table (default: the flow package's FlowTable). */
  tableFactory?: TableFactory;
  /** Builds each capture's source (default: libpcap, sFlow and OVS sFlow sources). */
  sourceFactory?: SourceFactory;
}

/** The flow table and capture sources captures run with (tests may inject fakes). */
function captureFactories(deps: AgentDeps, clock: Clock, reporter: ComponentReporter, sources: SourceFactoryDeps):
  { tableFactory: TableFactory; sourceFactory: SourceFactory } {
  const tableFactory: TableFactory = (options, sender) => new FlowTable(options, {
    sender, clock, onError: (err) => reporter.logger.error({ err, captureId: options.captureID }, 'flow table pass failed'),
  });
  return { tableFactory: deps.tableFactory ?? tableFactory, sourceFactory: deps.sourceFactory ?? agentSourceFactory(sources) };
}

/** Builds an agent (not started). Throws AGENT_CONFIG_INVALID when a setting is unusable. */
export function createAgent(config: AgentServiceConfig, deps: AgentDeps = {}): Agent {
  const c = resolveAgentConfig(config.agent);
  const hostId = config.hostId !== '' ? config.hostId : hostname();
  const clock = deps.clock ?? systemClock;
  const reporter = deps.reporter ?? new Reporter('agent', deps.logger ? { logger: deps.logger } : { log: config.logging });
  const graphReporter = reporter.child('graph');
  const listenerErrors = graphReporter.counter('listener_errors_total', 'Graph event listeners that threw');
  const graph = new MemoryGraph({ host: hostId, origin: `agent.${hostId}` }, {
    clock,
    onListenerError: (err, event) => {
      listenerErrors.inc();
      graphReporter.logger.error({ err, event: event.type }, 'graph listener failed');
    },
  });
  const nodesGauge = graphReporter.gauge('nodes', 'Nodes in the agent graph');
  const edgesGauge = graphReporter.gauge('edges', 'Edges in the agent graph');
  const captureReporter = reporter.child('capture');
  const forwarder = new Forwarder(c, {
    hostId, graph, clock, reporter: reporter.child('forwarder'), ...(deps.random ? { random: deps.random } : {}),
    // Capture orders of the analyzer's on-demand server; `captures` is built below, before any connection opens.
    onMessage: (text, reply) => handleOrderMessage(captures, captureReporter, text, reply),
  });
  const jitter = deps.random ? { random: deps.random } : {};
  const flowForwarder = new FlowForwarder(flowForwarderConfig(c), { hostId, reporter: reporter.child('flows'), ...jitter });
  const captures = new CaptureManager({ flow: c.flow, capture: c.capture }, {
    graph, reporter: captureReporter, sender: flowForwarder,
    ...captureFactories(deps, clock, captureReporter, {
      graph, clock, reporter: captureReporter, statsIntervalMs: c.capture.statsUpdateMs,
      sflowPortMin: c.capture.sflow.portMin, sflowPortMax: c.capture.sflow.portMax,
      // Probes are built below; a capture starts only once the agent runs.
      ovsdb: () => probes.find((p): p is OvsdbProbe => p instanceof OvsdbProbe)?.client,
    }),
  });
  const api = new AgentApi({ listen: c.listen }, {
    hostId, version: packageVersion(new URL('../package.json', import.meta.url)), graph, reporter,
    isReady: () => agent.ready,
    analyzers: () => forwarder.status(),
    topologyProbes: () => Object.fromEntries(probes.map((p) => [p.name, p.status()])),
    beforeScrape: () => {
      nodesGauge.set(graph.nodeCount);
      edgesGauge.set(graph.edgeCount);
    },
    captures,
  });
  const host = hostNode(hostId, config.agent.metadata, deps.hostInfo ?? systemHostInfo());
  const tid = new TidMapper({ graph, hostName: hostId, reporter: reporter.child('tid') });
  const probes = buildProbes(config.agent.topology, { graph, hostId, hostNodeId: host.ID as string, reporter, clock });
  // The readiness probe above reads `agent` only when a request arrives, after this line ran.
  const agent: Agent = new Agent(config, {
    hostId, graph, hostNode: host, reporter, forwarder, flowForwarder, captures, api, tid, probes, shutdownTimeoutMs: c.shutdownTimeoutMs,
  });
  return agent;
}
