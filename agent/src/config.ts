// Configuration of the agent service: the `agent` section with its defaults, the whole service tree, and the
// conversion of durations and addresses into the numbers the components use, checked before start-up (topology
// forwarding, flows and captures).
import { isIP } from 'node:net';
import { type LogConfig, parseAddress, parseDuration, parseSize } from '@topoflow/common';
import {
  type NetlinkProbeConfig, type NetnsProbeConfig, type OvsdbProbeConfig, defaultNetlinkProbeConfig, defaultNetnsProbeConfig, defaultOvsdbProbeConfig,
} from '@topoflow/probes';
import type { LayerKeyMode } from '@topoflow/flow';
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

/** How captured packets become flows and travel to the analyzer (`agent.flow`). */
export interface AgentFlowConfig {
  /** Period of flow reports: flows touched since the last report are sent. */
  update: string;
  /** Flows idle longer than this are finished as TIMEOUT and sent. */
  expire: string;
  /** Flows one capture's table holds; a full table evicts the least recently used flow (counted). */
  maxEntries: number;
  /** Finished flows are removed once idle this long. */
  holdTimeout: string;
  /** Idle time after which a flow of that application is finished. */
  applicationTimeout: { ARP: string; DNS: string };
  /** Flow key mode of captures that do not set one: L2 or L3. */
  defaultLayerKeyMode: string;
  /** UDP ports decoded as MPLS (besides VXLAN and Geneve). */
  mplsUDPPorts: number[];
  /** Flows sent in one WebSocket message at most. */
  batchSize: number;
  /** Longest time a flow waits for its batch to fill. */
  flushInterval: string;
  /** Flows waiting for the analyzer (kept across disconnections); beyond it the oldest are dropped. */
  queueSize: number;
}

/** The sFlow receivers of `ovssflow` captures. */
export interface AgentSflowConfig {
  /** Address the receivers bind to (Open vSwitch sends there). */
  bindAddress: string;
  /** First UDP port of the receivers' range. */
  portMin: number;
  /** Last UDP port of the receivers' range. */
  portMax: number;
}

/** Packet captures (`agent.capture`). */
export interface AgentCaptureConfig {
  /** Period of the capture counters refresh on the node's `Captures` metadata. */
  statsUpdate: string;
  /** Bytes kept of each packet when the capture sets no HeaderSize. */
  snapLength: number;
  sflow: AgentSflowConfig;
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
  flow: AgentFlowConfig;
  capture: AgentCaptureConfig;
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
    flow: {
      update: '10s', expire: '10m', maxEntries: 500_000, holdTimeout: '15s', applicationTimeout: { ARP: '10s', DNS: '10s' },
      defaultLayerKeyMode: 'L2', mplsUDPPorts: [], batchSize: 500, flushInterval: '200ms', queueSize: 50_000,
    },
    capture: { statsUpdate: '1s', snapLength: 256, sflow: { bindAddress: '127.0.0.1', portMin: 6345, portMax: 6355 } },
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

/** The flow settings in numbers (agent.flow). */
export interface ResolvedFlowConfig {
  updateIntervalMs: number;
  expireIntervalMs: number;
  maxEntries: number;
  holdTimeoutMs: number;
  applicationTimeoutsMs: Record<string, number>;
  defaultLayerKeyMode: LayerKeyMode;
  mplsUDPPorts: number[];
  batchSize: number;
  flushIntervalMs: number;
  queueSize: number;
}

/** The capture settings in numbers (agent.capture). */
export interface ResolvedCaptureConfig {
  statsUpdateMs: number;
  snapLength: number;
  sflow: { bindAddress: string; portMin: number; portMax: number };
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
  flow: ResolvedFlowConfig;
  capture: ResolvedCaptureConfig;
}

/** Converters that record a problem (and return a usable placeholder) instead of throwing. */
interface Checks {
  problems: string[];
  duration(path: string, v: string, min: number): number;
  count(path: string, v: number): number;
  port(path: string, v: number): number;
  address(path: string, v: string): void;
}

function checks(): Checks {
  const problems: string[] = [];
  return {
    problems,
    duration: (path, v, min) => {
      try {
        const ms = parseDuration(String(v));
        if (ms >= min) return ms;
        problems.push(`agent.${path}: must be at least ${min}ms`);
      } catch {
        problems.push(`agent.${path}: invalid duration "${v}"`);
      }
      return Math.max(min, 1);
    },
    count: (path, v) => {
      if (Number.isInteger(v) && v > 0) return v;
      problems.push(`agent.${path}: must be a positive integer`);
      return 1;
    },
    port: (path, v) => {
      if (Number.isInteger(v) && v > 0 && v <= 65535) return v;
      problems.push(`agent.${path}: must be a port number (1-65535)`);
      return 1;
    },
    address: (path, v) => {
      try {
        parseAddress(v);
      } catch {
        problems.push(`agent.${path}: invalid address "${v}"`);
      }
    },
  };
}

function resolveFlow(f: AgentFlowConfig, c: Checks): ResolvedFlowConfig {
  const applicationTimeoutsMs: Record<string, number> = {};
  for (const [app, v] of Object.entries(f.applicationTimeout)) applicationTimeoutsMs[app] = c.duration(`flow.applicationTimeout.${app}`, v, 1);
  if (f.defaultLayerKeyMode !== 'L2' && f.defaultLayerKeyMode !== 'L3') c.problems.push(`agent.flow.defaultLayerKeyMode: must be L2 or L3, got "${f.defaultLayerKeyMode}"`);
  f.mplsUDPPorts.forEach((p, i) => c.port(`flow.mplsUDPPorts[${i}]`, p));
  return {
    updateIntervalMs: c.duration('flow.update', f.update, 1),
    expireIntervalMs: c.duration('flow.expire', f.expire, 1),
    maxEntries: c.count('flow.maxEntries', f.maxEntries),
    holdTimeoutMs: c.duration('flow.holdTimeout', f.holdTimeout, 0),
    applicationTimeoutsMs,
    defaultLayerKeyMode: f.defaultLayerKeyMode === 'L3' ? 'L3' : 'L2',
    mplsUDPPorts: [...f.mplsUDPPorts],
    batchSize: c.count('flow.batchSize', f.batchSize),
    flushIntervalMs: c.duration('flow.flushInterval', f.flushInterval, 0),
    queueSize: c.count('flow.queueSize', f.queueSize),
  };
}

function resolveCapture(k: AgentCaptureConfig, c: Checks): ResolvedCaptureConfig {
  const { sflow } = k;
  if (!Number.isInteger(k.snapLength) || k.snapLength < 14 || k.snapLength > 4096) c.problems.push('agent.capture.snapLength: must be an integer from 14 to 4096');
  if (isIP(sflow.bindAddress) === 0) c.problems.push(`agent.capture.sflow.bindAddress: not an IP address "${sflow.bindAddress}"`);
  const portMin = c.port('capture.sflow.portMin', sflow.portMin);
  const portMax = c.port('capture.sflow.portMax', sflow.portMax);
  if (portMax < portMin) c.problems.push('agent.capture.sflow.portMax: must not be below portMin');
  return {
    statsUpdateMs: c.duration('capture.statsUpdate', k.statsUpdate, 1),
    snapLength: k.snapLength,
    sflow: { bindAddress: sflow.bindAddress, portMin, portMax },
  };
}

/** Converts and checks every value; throws AGENT_CONFIG_INVALID listing each bad key. */
export function resolveAgentConfig(a: AgentConfig): ResolvedAgentConfig {
  const c = checks();
  let writeBufferSize = 1;
  try {
    writeBufferSize = parseSize(a.forwarder.writeBufferSize);
  } catch {
    c.problems.push(`agent.forwarder.writeBufferSize: invalid size "${a.forwarder.writeBufferSize}"`);
  }
  c.address('listen', a.listen);
  if (a.analyzers.length === 0) c.problems.push('agent.analyzers: at least one analyzer is needed');
  a.analyzers.forEach((x, i) => c.address(`analyzers[${i}]`, String(x)));
  for (const p of a.topology.probes) {
    if (!(TOPOLOGY_PROBES as readonly string[]).includes(p)) c.problems.push(`agent.topology.probes: unknown probe "${p}" (known: ${TOPOLOGY_PROBES.join(', ')})`);
  }
  const resolved: ResolvedAgentConfig = {
    analyzers: a.analyzers.map(String),
    listen: a.listen,
    batchSize: c.count('forwarder.batchSize', a.forwarder.batchSize),
    flushIntervalMs: c.duration('forwarder.flushInterval', a.forwarder.flushInterval, 0),
    queueSize: c.count('forwarder.queueSize', a.forwarder.queueSize),
    writeBufferSize,
    connectTimeoutMs: c.duration('forwarder.connectTimeout', a.forwarder.connectTimeout, 1),
    reconnectMinMs: c.duration('forwarder.reconnect.min', a.forwarder.reconnect.min, 1),
    reconnectMaxMs: c.duration('forwarder.reconnect.max', a.forwarder.reconnect.max, 1),
    shutdownTimeoutMs: c.duration('shutdownTimeout', a.shutdownTimeout, 1),
    flow: resolveFlow(a.flow, c),
    capture: resolveCapture(a.capture, c),
  };
  if (resolved.reconnectMaxMs < resolved.reconnectMinMs) c.problems.push('agent.forwarder.reconnect.max: must not be below reconnect.min');
  if (c.problems.length > 0) {
    throw agentError(AgentErrors.CONFIG_INVALID, `invalid agent configuration:\n  ${c.problems.join('\n  ')}`, { problems: c.problems });
  }
  return resolved;
}
