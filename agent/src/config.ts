// Configuration of the agent service: the `agent` section with its defaults, the whole service tree, and the
// conversion of durations and addresses into the numbers the components use, checked before start-up.
import { type LogConfig, parseAddress, parseDuration, parseSize } from '@topoflow/common';
import {
  type NetlinkProbeConfig, type NetnsProbeConfig, type OvsdbProbeConfig, defaultNetlinkProbeConfig, defaultNetnsProbeConfig, defaultOvsdbProbeConfig,
} from '@topoflow/probes';
import { AgentErrors, agentError } from './errors.js';

/** Reconnection backoff of the forwarder (exponential with jitter, between min and max). */
export interface AgentReconnectConfig {
  /** First delay after a failure. */
  min: string;
  /** Longest delay between two attempts. */
  max: string;
}

/** How the agent forwards its graph to an analyzer. */
export interface AgentForwarderConfig {
  /** Events sent in one WebSocket message at most. */
  batchSize: number;
  /** Longest time an event waits for its batch to fill. */
  flushInterval: string;
  /** Events waiting for the socket before the connection is dropped and resynced. */
  queueSize: number;
  /** Bytes buffered in the socket before batches wait in the queue. */
  writeBufferSize: string;
  /** Time a connection attempt may take. */
  connectTimeout: string;
  reconnect: AgentReconnectConfig;
}

/** Topology probes and their settings. */
export interface AgentTopologyConfig {
  /** Probes to run: `netlink`, `netns`, `ovsdb` (netlink always starts first). */
  probes: string[];
  netlink: NetlinkProbeConfig;
  netns: NetnsProbeConfig;
  ovsdb: OvsdbProbeConfig;
}

/** The probe names the agent knows. */
export const TOPOLOGY_PROBES = ['netlink', 'netns', 'ovsdb'] as const;

/** The agent section of the configuration. */
export interface AgentConfig {
  /** Analyzers ("host:port") to forward the graph to, tried in order; the next one takes over on failure. */
  analyzers: string[];
  /** Free metadata merged into the host node (dotted keys nest). */
  metadata: Record<string, unknown>;
  /** Address of the agent's own HTTP API. */
  listen: string;
  forwarder: AgentForwarderConfig;
  topology: AgentTopologyConfig;
  /** Longest time stop() waits. */
  shutdownTimeout: string;
}

/** Defaults of the agent section. */
export function defaultAgentConfig(): AgentConfig {
  return {
    analyzers: ['127.0.0.1:8082'],
    metadata: {},
    listen: '127.0.0.1:8081',
    forwarder: {
      batchSize: 1000, flushInterval: '20ms', queueSize: 100_000, writeBufferSize: '16MiB', connectTimeout: '5s',
      reconnect: { min: '200ms', max: '10s' },
    },
    topology: {
      probes: [...TOPOLOGY_PROBES], netlink: defaultNetlinkProbeConfig(), netns: defaultNetnsProbeConfig(), ovsdb: defaultOvsdbProbeConfig(),
    },
    shutdownTimeout: '10s',
  };
}

/** The whole configuration the agent service runs with (a type alias, so loadConfig accepts it as a tree). */
export type AgentServiceConfig = {
  /** Identity of this host; '' means the OS hostname. */
  hostId: string;
  logging: LogConfig;
  agent: AgentConfig;
};

/** Defaults of the agent service configuration. */
export function defaultAgentServiceConfig(): AgentServiceConfig {
  return { hostId: '', logging: { level: 'info', format: 'auto' }, agent: defaultAgentConfig() };
}

/** The agent settings with durations and sizes converted to numbers. */
export interface ResolvedAgentConfig {
  analyzers: string[];
  listen: string;
  batchSize: number;
  flushIntervalMs: number;
  queueSize: number;
  writeBufferSize: number;
  connectTimeoutMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  shutdownTimeoutMs: number;
}

/** Converts and checks every value; throws AGENT_CONFIG_INVALID listing each bad key. */
export function resolveAgentConfig(c: AgentConfig): ResolvedAgentConfig {
  const problems: string[] = [];
  const duration = (path: string, v: string, min: number): number => {
    try {
      const ms = parseDuration(String(v));
      if (ms >= min) return ms;
      problems.push(`agent.${path}: must be at least ${min}ms`);
    } catch {
      problems.push(`agent.${path}: invalid duration "${v}"`);
    }
    return Math.max(min, 1);
  };
  const count = (path: string, v: number): number => {
    if (Number.isInteger(v) && v > 0) return v;
    problems.push(`agent.${path}: must be a positive integer`);
    return 1;
  };
  const address = (path: string, v: string): void => {
    try {
      parseAddress(v);
    } catch {
      problems.push(`agent.${path}: invalid address "${v}"`);
    }
  };
  let writeBufferSize = 1;
  try {
    writeBufferSize = parseSize(c.forwarder.writeBufferSize);
  } catch {
    problems.push(`agent.forwarder.writeBufferSize: invalid size "${c.forwarder.writeBufferSize}"`);
  }
  address('listen', c.listen);
  if (c.analyzers.length === 0) problems.push('agent.analyzers: at least one analyzer is needed');
  c.analyzers.forEach((a, i) => address(`analyzers[${i}]`, String(a)));
  for (const p of c.topology.probes) {
    if (!(TOPOLOGY_PROBES as readonly string[]).includes(p)) problems.push(`agent.topology.probes: unknown probe "${p}" (known: ${TOPOLOGY_PROBES.join(', ')})`);
  }
  const resolved: ResolvedAgentConfig = {
    analyzers: c.analyzers.map(String),
    listen: c.listen,
    batchSize: count('forwarder.batchSize', c.forwarder.batchSize),
    flushIntervalMs: duration('forwarder.flushInterval', c.forwarder.flushInterval, 0),
    queueSize: count('forwarder.queueSize', c.forwarder.queueSize),
    writeBufferSize,
    connectTimeoutMs: duration('forwarder.connectTimeout', c.forwarder.connectTimeout, 1),
    reconnectMinMs: duration('forwarder.reconnect.min', c.forwarder.reconnect.min, 1),
    reconnectMaxMs: duration('forwarder.reconnect.max', c.forwarder.reconnect.max, 1),
    shutdownTimeoutMs: duration('shutdownTimeout', c.shutdownTimeout, 1),
  };
  if (resolved.reconnectMaxMs < resolved.reconnectMinMs) problems.push('agent.forwarder.reconnect.max: must not be below reconnect.min');
  if (problems.length > 0) {
    throw agentError(AgentErrors.CONFIG_INVALID, `invalid agent configuration:\n  ${problems.join('\n  ')}`, { problems });
  }
  return resolved;
}
