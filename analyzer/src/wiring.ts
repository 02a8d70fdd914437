// Builds the analyzer from its configuration: graph, engine, reporter, then the WebSocket server, the
// subscriber, publisher and agent endpoints and the HTTP server with every route, in dependency order.
import { hostname } from 'node:os';
import { type Clock, Reporter, packageVersion, systemClock } from '@topoflow/common';
import { compileBpf, flowExtension } from '@topoflow/flow';
import { MemoryGraph } from '@topoflow/graph';
import { type QueryEngine, type QueryOptions, createEngine } from '@topoflow/gremlin';
import { Agents } from './agents/agents.js';
import { Analyzer } from './analyzer.js';
import { type AnalyzerServiceConfig, type ResolvedAnalyzerConfig, resolveAnalyzerConfig } from './config.js';
import { registerElementRoutes } from './elements/routes.js';
import { ApiServer } from './http/api-server.js';
import { Publishers } from './publisher/publishers.js';
import { registerStatusRoutes } from './status/routes.js';
import { Subscribers } from './subscriber/subscribers.js';
import { registerTopologyRoutes } from './topology/routes.js';
import { WsServer } from './ws/ws-server.js';
import { AnalyzerHistory } from './history/history.js';
import { ENHANCER_INDEXES } from './flows/enhancer.js';
import { FlowServer } from './flows/flow-server.js';
import { resolveEtcdConfig } from './etcd/config.js';
import { EtcdService } from './etcd/etcd-service.js';
import { registerCaptureRoutes } from './captures/routes.js';
import { StartupCapture } from './captures/startup.js';
import { CaptureStore, captureDecoder } from './captures/store.js';
import { AgentCaptureDispatcher } from './ondemand/dispatcher.js';
import { OnDemandServer } from './ondemand/ondemand-server.js';
import { analyzerDataDir } from './config.js';
import { PCAP_DELIVERY_SIZE, PcapIngest } from './pcap/pcap-ingest.js';
import { registerPcapRoutes } from './pcap/routes.js';

/** Longest wait of a pcap upload for the flow store to make progress before what does not fit is dropped. */
const PCAP_STORE_WAIT_MS = 10_000;

/** What may be injected instead of being built from the configuration. */
export interface AnalyzerDeps {
  clock?: Clock;
  /** Root logger; ignored when `reporter` is given. */
  logger?: Reporter['logger'];
  /** Logging, metrics and health root (default: a new one named "analyzer"). */
  reporter?: Reporter;
  engine?: QueryEngine;
  /** Environment of the embedded etcd, whose PATH finds the etcd binary (default: the process's). */
  env?: Record<string, string | undefined>;
}

/** Builds an analyzer (not started). Throws ANALYZER_CONFIG_INVALID when a setting is unusable. */
export function createAnalyzer(config: AnalyzerServiceConfig, deps: AnalyzerDeps = {}): Analyzer {
  const c = resolveAnalyzerConfig(config.analyzer);
  const hostId = config.hostId !== '' ? config.hostId : hostname();
  const clock = deps.clock ?? systemClock;
  const reporter = deps.reporter ?? new Reporter('analyzer', deps.logger ? { logger: deps.logger } : { log: config.logging });
  const graphReporter = reporter.child('graph');
  const listenerErrors = graphReporter.counter('listener_errors_total', 'Graph event listeners that threw');
  const graph = new MemoryGraph({
    host: hostId, origin: `analyzer.${hostId}`,
    // The flow enhancer resolves flow ends through these indexes, whatever the configuration lists.
    nodeIndexes: [...new Set([...config.analyzer.graph.nodeIndexes, ...ENHANCER_INDEXES])], edgeIndexes: config.analyzer.graph.edgeIndexes,
    maxPendingEvents: config.analyzer.graph.maxPendingEvents,
  }, {
    clock,
    onListenerError: (err, event) => {
      listenerErrors.inc();
      graphReporter.logger.error({ err, event: event.type }, 'graph listener failed');
    },
  });
  const nodesGauge = graphReporter.gauge('nodes', 'Nodes in the live graph');
  const edgesGauge = graphReporter.gauge('edges', 'Edges in the live graph');
  const droppedEvents = graphReporter.counter('events_dropped_total', 'Graph events dropped because the delivery queue was full');
  let droppedSeen = 0;
  const history = new AnalyzerHistory(c.history, { graph, clock, reporter: reporter.child('history') });
  const ws = new WsServer(c.ws, { hostId, clock, reporter: reporter.child('ws') });
  const flows = new FlowServer(c.flows, { graph, clock, ws, reporter: reporter.child('flows') });
  // The flow Gremlin steps read live flows and flow history through the flow server's source.
  const extensions = [flowExtension({ source: flows.source, compileBpf: packetFilter })];
  const engine = deps.engine ?? createEngine(config.analyzer.gremlin, { clock, extensions, ...(history.enabled ? { history } : {}) });
  const queryOptions = { ...c.query };

  const subscribers = new Subscribers(c.subscribers, {
    graph, engine, queryOptions, ws, clock, ...(history.enabled ? { history } : {}), reporter: reporter.child('subscriber'),
  });
  const publishers = new Publishers(c.publishers, { graph, clock, ws, reporter: reporter.child('publisher') });
  const agents = new Agents(c.agents, { graph, clock, ws, reporter: reporter.child('agents') });
  const { etcd, captureStore, onDemand, startupCapture, capturesReporter } = captureParts(config, c, {
    graph, engine, queryOptions, agents, clock, reporter, env: deps.env ?? process.env,
  });
  // Pcap uploads feed the flow server like an agent, paced by its flow store.
  const pcap = new PcapIngest({
    bodyLimit: c.flows.pcapBodyLimit, maxUploads: c.flows.pcapMaxUploads, retentionMs: c.flows.store.backend === 'none' ? 0 : c.flows.retentionMs,
    deliverySize: Math.min(PCAP_DELIVERY_SIZE, c.flows.maxBufferSize),
  }, {
    flows: { ingest: (source, f, stats) => flows.ingest(source, f, stats), room: (n) => flows.history.room(n, PCAP_STORE_WAIT_MS) },
    clock, reporter: reporter.child('pcap'),
  });
  const http = reporter.child('http');
  const httpErrors = http.counter('errors_total', 'HTTP error responses, by error code', ['code']);
  const api = new ApiServer(c.api, {
    logger: http.logger,
    ws,
    onError: (err, body) => {
      httpErrors.inc({ code: body.code });
      if (body.statusCode >= 500) http.logger.error({ err, code: body.code }, 'request failed');
    },
    routes: [
      (app) => registerTopologyRoutes(app, { graph, engine, queryOptions, reporter: reporter.child('topology') }),
      (app) => registerElementRoutes(app, { graph, hostId, clock, durable: () => history.durable() }),
      (app) => registerStatusRoutes(app, {
        hostId, version: packageVersion(new URL('../package.json', import.meta.url)), reporter,
        isReady: () => analyzer.ready,
        agents: () => ws.status('agent'),
        publishers: () => ws.status('publisher'),
        subscribers: () => ws.status('subscriber'),
        flows: () => flows.status(),
        captures: () => (etcd.enabled ? onDemand.status() : {}),
        beforeScrape: () => {
          nodesGauge.set(graph.nodeCount);
          edgesGauge.set(graph.edgeCount);
          const dropped = graph.emitterStats.dropped;
          if (dropped > droppedSeen) droppedEvents.inc(dropped - droppedSeen);
          droppedSeen = dropped;
        },
      }),
      (app) => subscribers.register(app),
      (app) => publishers.register(app),
      (app) => agents.register(app),
      (app) => flows.register(app),
      (app) => registerPcapRoutes(app, { ingest: pcap }),
      (app) => registerCaptureRoutes(app, { store: captureStore, engine, graph, reporter: capturesReporter }),
    ],
  });
  // The readiness probe above reads `analyzer` only when a request arrives, after this line ran.
  const analyzer: Analyzer = new Analyzer(config, {
    hostId, graph, engine, reporter, history, ws, subscribers, publishers, agents, flows, api, etcd, onDemand, startupCapture,
    shutdownTimeoutMs: c.shutdownTimeoutMs,
  });
  return analyzer;
}

/** etcd, the capture store, the on-demand server and the start-up capture. */
function captureParts(config: AnalyzerServiceConfig, c: ResolvedAnalyzerConfig, deps: {
  graph: MemoryGraph; engine: QueryEngine; queryOptions: QueryOptions; agents: Agents; clock: Clock; reporter: Reporter;
  env: Record<string, string | undefined>;
}) {
  const { graph, engine, queryOptions, agents, clock, reporter } = deps;
  const etcd = new EtcdService(resolveEtcdConfig(config.etcd, analyzerDataDir(config.analyzer)), { reporter: reporter.child('etcd'), env: deps.env });
  const capturesReporter = reporter.child('captures');
  const decode = captureDecoder(capturesReporter);
  const captureStore = etcd.enabled ? new CaptureStore(etcd, decode) : undefined;
  const onDemand = new OnDemandServer(c.onDemand, {
    etcd, graph, engine, queryOptions, dispatcher: new AgentCaptureDispatcher(agents), decode, clock, reporter: reporter.child('ondemand'),
  });
  const { captureGremlin, captureBPF, captureType } = config.analyzer.startup;
  const startupCapture = new StartupCapture({ gremlin: captureGremlin, bpf: captureBPF, type: captureType, retryMs: c.onDemand.retryMs }, {
    store: captureStore, engine, reporter: capturesReporter,
  });
  return { etcd, captureStore, onDemand, startupCapture, capturesReporter };
}

/** RawPackets().BPF(): a libpcap expression compiled for the packets' link type, run on whole packets. */
function packetFilter(expression: string, linkType: number): (data: Uint8Array) => boolean {
  const filter = compileBpf(expression, linkType);
  return (data) => filter.matches(data, 0, data.length, data.length);
}
