// Defaults and validation of the flow table's options (the capture's options and the table's limits).
import { flowError, FlowErrors } from '../errors.js';
import type { FlowTableOptions } from './contract.js';

/** Most raw packets a flow keeps between two reports. */
export const MAX_RAW_PACKET_LIMIT = 10;

/** The reference defaults: report every 60 s, expire after 600 s, ARP and DNS finish after 10 s idle, 500,000 flows. */
export function defaultFlowTableOptions(): FlowTableOptions {
  return {
    nodeTID: '',
    captureID: '',
    updateIntervalMs: 60_000,
    expireIntervalMs: 600_000,
    applicationTimeoutsMs: { ARP: 10_000, DNS: 10_000 },
    holdTimeoutMs: 15_000,
    maxEntries: 500_000,
    rawPacketLimit: 0,
    extraTCPMetric: false,
    ipDefrag: false,
    reassembleTCP: false,
    layerKeyMode: 'L2',
    extraLayers: 0,
    mplsUDPPorts: [],
    applicationPorts: { tcp: {}, udp: {} },
  };
}

function check(ok: boolean, option: string, message: string): void {
  if (!ok) throw flowError(FlowErrors.TABLE_OPTIONS_INVALID, `flow table option ${option}: ${message}`, { details: { option } });
}

/** Throws FLOW_TABLE_OPTIONS_INVALID when an option is out of range. */
export function validateFlowTableOptions(o: FlowTableOptions): void {
  for (const key of ['updateIntervalMs', 'expireIntervalMs', 'holdTimeoutMs'] as const) {
    check(Number.isFinite(o[key]) && o[key] > 0, key, 'must be a positive number of milliseconds');
  }
  check(Number.isInteger(o.maxEntries) && o.maxEntries >= 1, 'maxEntries', 'must be a positive integer');
  check(Number.isInteger(o.rawPacketLimit) && o.rawPacketLimit >= 0 && o.rawPacketLimit <= MAX_RAW_PACKET_LIMIT,
    'rawPacketLimit', `must be an integer from 0 to ${MAX_RAW_PACKET_LIMIT}`);
  check(o.layerKeyMode === 'L2' || o.layerKeyMode === 'L3', 'layerKeyMode', 'must be L2 or L3');
  check(Number.isInteger(o.extraLayers) && o.extraLayers >= 0 && o.extraLayers <= 255, 'extraLayers', 'must be a bitmask from 0 to 255');
  for (const p of o.mplsUDPPorts) check(Number.isInteger(p) && p > 0 && p < 65536, 'mplsUDPPorts', `bad port ${p}`);
  for (const [app, ms] of Object.entries(o.applicationTimeoutsMs)) {
    check(Number.isFinite(ms) && ms > 0, 'applicationTimeoutsMs', `timeout of ${app} must be positive`);
  }
}
