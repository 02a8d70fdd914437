// Settings, dependencies and status shape of the OVSDB JSON-RPC client.
import type { Clock, ComponentReporter } from '@topoflow/common';
import type { TableUpdates } from './values.js';

/** Settings of the OVSDB client. */
export interface OvsdbClientConfig {
  /** `unix:/path`, `tcp:host:port` or `host:port`. */
  address: string;
  /** First delay before reconnecting; doubles after each failed attempt. */
  reconnectInterval: string;
  /** Upper bound of the reconnect delay. */
  maxReconnectInterval: string;
  /** Time allowed for a connect or a request reply. */
  requestTimeout: string;
  /** Largest JSON message accepted from the server. */
  maxMessageSize: string;
}

/** The defaults: the local ovs-vswitchd database socket, Skydive's 4 s retry. */
export function defaultOvsdbClientConfig(): OvsdbClientConfig {
  return {
    address: 'unix:/var/run/openvswitch/db.sock',
    reconnectInterval: '4s', maxReconnectInterval: '30s', requestTimeout: '10s', maxMessageSize: '64MiB',
  };
}

/** What the client needs from outside. */
export interface OvsdbClientDeps {
  reporter: ComponentReporter;
  clock?: Clock;
}

/** Receives a monitor's rows: the full dump (`initial`, after every (re)connect) or an `update` notification. */
export type MonitorHandler = (updates: TableUpdates, initial: boolean) => void;

/** Connection state for status pages. */
export interface OvsdbClientStatus {
  connected: boolean;
  address: string;
  lastError: string | null;
  connectedAt: number | null;
  reconnects: number;
}
