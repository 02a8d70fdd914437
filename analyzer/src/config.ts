// Configuration of the analyzer service: every key with its default, and the checks run before start-up.
import { AppError, type LogConfig } from '@topoflow/common';
import { defaultMemoryGraphConfig } from '@topoflow/graph';
import { type GremlinConfig, defaultGremlinConfig } from '@topoflow/gremlin';
import { AnalyzerErrors } from './errors.js';
import { configChecks } from './config-checks.js';
import { type EtcdConfig, defaultEtcdConfig } from './etcd/config.js';
import type { AgentsConfig } from './agents/agents.js';
import type { ApiServerConfig } from './http/api-server.js';
import type { PublishersConfig } from './publisher/publishers.js';
import type { SubscribersConfig } from './subscriber/subscribers.js';
import type { WsServerConfig } from './ws/ws-server.js';
import {
  type AnalyzerHistoryConfig, type ResolvedHistoryConfig, defaultAnalyzerHistoryConfig, defaultDataDir, resolveHistoryConfig,
} from './history/config.js';
import { type AnalyzerFlowConfig, type FlowServerConfig, defaultAnalyzerFlowConfig, resolveFlowConfig } from './flows/config.js';

/** The live graph held by the analyzer. */
export interface AnalyzerGraphConfig {
  /** Node fields with a live index. */
  nodeIndexes: string[];
  /** Edge fields with a live index. */
  edgeIndexes: string[];
  /** Events raised while others are delivered, queued at most. */
  maxPendingEvents: number;
}

/** REST API settings. */
export interface AnalyzerApiConfig {
  /** Largest accepted request body ('64MiB'). */
  bodyLimit: string;
  /** Answer CORS preflights and allow any origin, as Skydive does. */
  cors: boolean;
}

/** WebSocket settings shared by /ws/subscriber and /ws/publisher. */
export interface AnalyzerWsConfig {
  /** Delay between two server pings. */
  pingInterval: string;
  /** Time without pong, on top of pingInterval, after which a client is dropped. */
  pongTimeout: string;
  /** Messages waiting per connection before a slow client is disconnected. */
  queueSize: number;
  /** Bytes handed to the socket per connection before messages wait in the queue. */
  writeBufferSize: string;
  /** Largest accepted incoming message. */
  maxPayload: string;
  /** Accept permessage-deflate when the client offers it. */
  compression: boolean;
  /** Time a closing connection gets to finish its close handshake before it is cut. */
  closeGrace: string;
  /** Messages read but not yet handled per connection before reading from it pauses. */
  maxPending: number;
  /** Minimum delay between two logs of rejected messages (per endpoint). */
  errorLogInterval: string;
}

/** Subscriber settings. */
export interface AnalyzerSubscriberConfig {
  /** Delay that groups graph changes before a filter without a per-element form is re-run. */
  debounce: string;
}

/** Publisher settings. */
export interface AnalyzerPublisherConfig {
  /** Elements of a Sync applied between two yields to the event loop. */
  syncBatch: number;
}

/** Settings of the agent endpoint (/ws/agent/topology). */
export interface AnalyzerAgentsConfig {
  /** Elements of an agent Sync handled between two yields to the event loop. */
  syncBatch: number;
}

/** A capture the analyzer creates at start when none with the same Gremlin expression exists. */
export interface AnalyzerStartupConfig {
  /** Gremlin expression of the capture; '' creates none. */
  captureGremlin: string;
  /** BPF filter of the start-up capture. */
  captureBPF: string;
  /** Capture type of the start-up capture; '' picks one per node type. */
  captureType: string;
}

/** Settings of the on-demand server, which starts and stops captures on the agents. */
export interface AnalyzerOnDemandConfig {
  /** Delay that groups graph changes before the captures are evaluated again. */
  debounce: string;
  /** Delay before a lost etcd watch is retried (doubles up to 30s). */
  retryInterval: string;
}

/** The analyzer section of the configuration. */
export interface AnalyzerConfig {
  /** HTTP and WebSocket listen address ("host:port"; a bare port means loopback). */
  listen: string;
  graph: AnalyzerGraphConfig;
  gremlin: GremlinConfig;
  api: AnalyzerApiConfig;
  ws: AnalyzerWsConfig;
  subscriber: AnalyzerSubscriberConfig;
  publisher: AnalyzerPublisherConfig;
  agents: AnalyzerAgentsConfig;
  /** Directory of the analyzer's files (history database); '' means /var/lib/topoflow for root, else ~/.local/share/topoflow. */
  dataDir: string;
  history: AnalyzerHistoryConfig;
  /** The flow server (FLOW_WS_PATH), live flows and flow history. */
  flow: AnalyzerFlowConfig;
  startup: AnalyzerStartupConfig;
  onDemand: AnalyzerOnDemandConfig;
  /** Longest time stop() waits for connections to close. */
  shutdownTimeout: string;
}

/** Defaults of the analyzer section. */
export function defaultAnalyzerConfig(): AnalyzerConfig {
  const graph = defaultMemoryGraphConfig();
  return {
    listen: '127.0.0.1:8082',
    graph: { nodeIndexes: [...graph.nodeIndexes], edgeIndexes: [...graph.edgeIndexes], maxPendingEvents: graph.maxPendingEvents },
    gremlin: defaultGremlinConfig(),
    api: { bodyLimit: '64MiB', cors: true },
    ws: {
      pingInterval: '2s', pongTimeout: '5s', queueSize: 10_000, writeBufferSize: '4MiB', maxPayload: '64MiB',
      compression: false, closeGrace: '1s', maxPending: 1000, errorLogInterval: '10s',
    },
    subscriber: { debounce: '100ms' },
    publisher: { syncBatch: 2000 },
    agents: { syncBatch: 2000 },
    dataDir: '',
    history: defaultAnalyzerHistoryConfig(),
    flow: defaultAnalyzerFlowConfig(),
    startup: { captureGremlin: '', captureBPF: '', captureType: '' },
    onDemand: { debounce: '300ms', retryInterval: '1s' },
    shutdownTimeout: '10s',
  };
}

/** The whole configuration the analyzer service runs with (a type alias, so loadConfig accepts it as a tree). */
export type AnalyzerServiceConfig = {
  /** Identity of this process; '' means the OS hostname. */
  hostId: string;
  logging: LogConfig;
  analyzer: AnalyzerConfig;
  /** The capture store (top level, as in Skydive). */
  etcd: EtcdConfig;
};

/** Defaults of the service configuration. */
export function defaultAnalyzerServiceConfig(): AnalyzerServiceConfig {
  return { hostId: '', logging: { level: 'info', format: 'auto' }, analyzer: defaultAnalyzerConfig(), etcd: defaultEtcdConfig() };
}

/** The analyzer settings with durations and sizes converted to numbers, grouped by component. */
export interface ResolvedAnalyzerConfig {
  api: ApiServerConfig;
  ws: WsServerConfig;
  subscribers: SubscribersConfig;
  publishers: PublishersConfig;
  agents: AgentsConfig;
  query: { timeoutMs: number; maxResultSize: number };
  history: ResolvedHistoryConfig;
  flows: FlowServerConfig;
  onDemand: { debounceMs: number; retryMs: number };
  shutdownTimeoutMs: number;
}

/** The analyzer's data directory: analyzer.dataDir, or the default for the user. */
export function analyzerDataDir(c: AnalyzerConfig): string {
  return c.dataDir !== '' ? c.dataDir : defaultDataDir();
}

/** Converts and checks every duration, size and count; throws ANALYZER_CONFIG_INVALID listing each bad key. */
export function resolveAnalyzerConfig(c: AnalyzerConfig): ResolvedAnalyzerConfig {
  const problems: string[] = [];
  const checks = configChecks('analyzer.', problems);
  const { duration, size, count } = checks;
  const errorLogIntervalMs = duration('ws.errorLogInterval', c.ws.errorLogInterval, 0);
  const maxPending = count('ws.maxPending', c.ws.maxPending);
  const history = resolveHistoryConfig(c.history, analyzerDataDir(c), checks);
  const resolved: ResolvedAnalyzerConfig = {
    api: { listen: c.listen, bodyLimit: size('api.bodyLimit', c.api.bodyLimit), cors: c.api.cors },
    ws: {
      pingIntervalMs: duration('ws.pingInterval', c.ws.pingInterval, 1),
      pongTimeoutMs: duration('ws.pongTimeout', c.ws.pongTimeout, 1),
      queueSize: count('ws.queueSize', c.ws.queueSize),
      writeBufferSize: size('ws.writeBufferSize', c.ws.writeBufferSize),
      maxPayload: size('ws.maxPayload', c.ws.maxPayload),
      compression: c.ws.compression,
      closeGraceMs: duration('ws.closeGrace', c.ws.closeGrace, 0),
    },
    subscribers: { debounceMs: duration('subscriber.debounce', c.subscriber.debounce, 0), maxPending, errorLogIntervalMs },
    publishers: { syncBatch: count('publisher.syncBatch', c.publisher.syncBatch), maxPending, errorLogIntervalMs },
    agents: { syncBatch: count('agents.syncBatch', c.agents.syncBatch), maxPending, errorLogIntervalMs },
    query: { timeoutMs: duration('gremlin.timeout', c.gremlin.timeout, 1), maxResultSize: count('gremlin.maxResultSize', c.gremlin.maxResultSize) },
    history,
    flows: resolveFlowConfig(c.flow, history, { maxPending, errorLogIntervalMs }, checks),
    onDemand: { debounceMs: duration('onDemand.debounce', c.onDemand.debounce, 0), retryMs: duration('onDemand.retryInterval', c.onDemand.retryInterval, 10) },
    shutdownTimeoutMs: duration('shutdownTimeout', c.shutdownTimeout, 1),
  };
  if (problems.length > 0) {
    throw new AppError(AnalyzerErrors.CONFIG_INVALID, `invalid analyzer configuration:\n  ${problems.join('\n  ')}`, {
      statusCode: 500, details: { problems },
    });
  }
  return resolved;
}
