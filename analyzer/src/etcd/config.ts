// Settings of etcd, the store of captures: an etcd process the analyzer runs itself (the default) or external
// endpoints, and how the client talks to it.
import { join } from 'node:path';
import { AppError, parseAddress } from '@topoflow/common';
import { AnalyzerErrors } from '../errors.js';
import { configChecks } from '../config-checks.js';

/** The etcd section of the configuration (top level, as in Skydive). */
export interface EtcdConfig {
  /** Use etcd at all; off, the capture API answers 503 ANALYZER_CAPTURES_DISABLED. */
  enabled: boolean;
  /** Run an etcd process (Debian's etcd-server) under the analyzer; off, use `endpoints`. */
  embedded: boolean;
  /** Client address of the embedded etcd. */
  listen: string;
  /** Peer address of the embedded etcd. */
  peerListen: string;
  /** Member name of the embedded etcd. */
  name: string;
  /** Data directory of the embedded etcd; '' means etcd under the analyzer's data directory. */
  dataDir: string;
  /** The etcd executable, a path or a name looked up in PATH. */
  binary: string;
  /** WAL files the embedded etcd keeps. */
  maxWalFiles: number;
  /** Snapshot files the embedded etcd keeps. */
  maxSnapFiles: number;
  /** History the embedded etcd keeps before compacting it ('0s' never compacts). */
  autoCompaction: string;
  /** Longest wait for the embedded etcd to answer its health check at start. */
  startTimeout: string;
  /** Time the embedded etcd gets to exit after SIGTERM before SIGKILL. */
  stopTimeout: string;
  /** Client URLs of an external etcd (used when embedded is off), e.g. [http://10.0.0.1:2379]. */
  endpoints: string[];
  /** Deadline of one etcd request. */
  requestTimeout: string;
}

/** Defaults of the etcd section. */
export function defaultEtcdConfig(): EtcdConfig {
  return {
    enabled: true,
    embedded: true,
    listen: '127.0.0.1:12379',
    peerListen: '127.0.0.1:12380',
    name: 'topoflow',
    dataDir: '',
    binary: 'etcd',
    maxWalFiles: 5,
    maxSnapFiles: 5,
    autoCompaction: '1h',
    startTimeout: '15s',
    stopTimeout: '5s',
    endpoints: [],
    requestTimeout: '5s',
  };
}

/** The embedded etcd's settings with addresses as URLs and durations in milliseconds. */
export interface EmbeddedEtcdConfig {
  binary: string;
  name: string;
  dataDir: string;
  clientUrl: string;
  peerUrl: string;
  maxWalFiles: number;
  maxSnapFiles: number;
  autoCompactionMs: number;
  startTimeoutMs: number;
  stopTimeoutMs: number;
}

/** The etcd section resolved. */
export interface ResolvedEtcdConfig {
  enabled: boolean;
  /** Set when the analyzer runs etcd itself. */
  embedded: EmbeddedEtcdConfig | undefined;
  /** Client URLs the client connects to. */
  endpoints: string[];
  requestTimeoutMs: number;
}

function url(path: string, value: string, problems: string[]): string {
  try {
    const a = parseAddress(value);
    return `http://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
  } catch {
    problems.push(`etcd.${path}: invalid address "${value}"`);
    return 'http://127.0.0.1:0';
  }
}

/** Resolves the etcd section; `analyzerDataDir` is the analyzer's resolved data directory. */
export function resolveEtcdConfig(c: EtcdConfig, analyzerDataDir: string): ResolvedEtcdConfig {
  const problems: string[] = [];
  const check = configChecks('etcd.', problems);
  const embedded: EmbeddedEtcdConfig = {
    binary: c.binary,
    name: c.name,
    dataDir: c.dataDir !== '' ? c.dataDir : join(analyzerDataDir, 'etcd'),
    clientUrl: url('listen', c.listen, problems),
    peerUrl: url('peerListen', c.peerListen, problems),
    maxWalFiles: check.count('maxWalFiles', c.maxWalFiles),
    maxSnapFiles: check.count('maxSnapFiles', c.maxSnapFiles),
    autoCompactionMs: check.duration('autoCompaction', c.autoCompaction, 0),
    startTimeoutMs: check.duration('startTimeout', c.startTimeout, 100),
    stopTimeoutMs: check.duration('stopTimeout', c.stopTimeout, 1),
  };
  if (!/^[A-Za-z0-9_.-]+$/.test(c.name)) problems.push(`etcd.name: "${c.name}" must be letters, digits, '.', '_' or '-'`);
  if (c.binary.trim() === '') problems.push('etcd.binary: must not be empty');
  const endpoints = c.embedded ? [embedded.clientUrl] : c.endpoints.map((e) => (/^[a-z]+:\/\//.test(e) ? e : `http://${e}`));
  if (c.enabled && !c.embedded && endpoints.length === 0) problems.push('etcd.endpoints: required when etcd.embedded is false');
  const requestTimeoutMs = check.duration('requestTimeout', c.requestTimeout, 1);
  if (problems.length > 0) {
    throw new AppError(AnalyzerErrors.CONFIG_INVALID, `invalid etcd configuration:\n  ${problems.join('\n  ')}`, {
      statusCode: 500, details: { problems },
    });
  }
  return { enabled: c.enabled, embedded: c.enabled && c.embedded ? embedded : undefined, endpoints, requestTimeoutMs };
}
