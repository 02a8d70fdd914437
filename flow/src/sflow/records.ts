// sFlow v5 structures (sflow.org, sflow_version_5.txt and its extensions): sample and record formats, the
// counter records Skydive reads (generic interface, Ethernet, VLAN, OVS datapath, application resources) with
// Skydive's metric names, and their parsers. A counter the agent does not know (all ones) reads as -1.

/** Sample formats (enterprise 0). */
export const SflowSample = { FLOW: 1, COUNTERS: 2, FLOW_EXPANDED: 3, COUNTERS_EXPANDED: 4 } as const;

/** Record formats (enterprise 0). */
export const SflowRecord = { RAW_HEADER: 1, GENERIC_INTERFACE: 1, ETHERNET: 2, VLAN: 5, APP_RESOURCES: 2203, OVS_DP: 2207 } as const;

/** Raw packet header protocols the decoder feeds to the sink, with the link type of their frames. */
export const SFLOW_HEADER_LINK_TYPES: ReadonlyMap<number, number> = new Map([[1, 1], [11, 228], [12, 229]]);

/** Interface counters, named as Skydive's IfMetric. */
export interface IfMetric {
  IfInOctets: number;
  IfInUcastPkts: number;
  IfInMulticastPkts: number;
  IfInBroadcastPkts: number;
  IfInDiscards: number;
  IfInErrors: number;
  IfInUnknownProtos: number;
  IfOutOctets: number;
  IfOutUcastPkts: number;
  IfOutMulticastPkts: number;
  IfOutBroadcastPkts: number;
  IfOutDiscards: number;
  IfOutErrors: number;
}

/** The generic interface counter record (format 1): the interface and its IfMetric counters. */
export interface SflowInterfaceCounters extends IfMetric {
  IfIndex: number;
  IfType: number;
  IfSpeed: number;
  IfDirection: number;
  IfStatus: number;
  IfPromiscuousMode: number;
}

/** Ethernet counters (format 2), named as Skydive's EthMetric. */
export interface EthMetric {
  EthAlignmentErrors: number;
  EthFCSErrors: number;
  EthSingleCollisionFrames: number;
  EthMultipleCollisionFrames: number;
  EthSQETestErrors: number;
  EthDeferredTransmissions: number;
  EthLateCollisions: number;
  EthExcessiveCollisions: number;
  EthInternalMacTransmitErrors: number;
  EthCarrierSenseErrors: number;
  EthFrameTooLongs: number;
  EthInternalMacReceiveErrors: number;
  EthSymbolErrors: number;
}

/** VLAN counters (format 5), named as Skydive's VlanMetric. */
export interface VlanMetric {
  VlanOctets: number;
  VlanUcastPkts: number;
  VlanMulticastPkts: number;
  VlanBroadcastPkts: number;
  VlanDiscards: number;
}

/** The VLAN counter record with its VLAN id. */
export interface SflowVlanCounters extends VlanMetric {
  VlanId: number;
}

/** Open vSwitch datapath (format 2207) and application resource (format 2203) counters, as Skydive's OvsMetric. */
export interface OvsMetric {
  OvsDpNHit: number;
  OvsDpNMissed: number;
  OvsDpNLost: number;
  OvsDpNMaskHit: number;
  OvsDpNFlows: number;
  OvsDpNMasks: number;
  OvsAppFdOpen: number;
  OvsAppFdMax: number;
  OvsAppConnOpen: number;
  OvsAppConnMax: number;
  OvsAppMemUsed: number;
  OvsAppMemMax: number;
}

/** One counter sample: where it comes from and the records the decoder knows. */
export interface SflowCounterSample {
  /** Agent address of the datagram ('' when the agent sent none). */
  agent: string;
  subAgentId: number;
  /** Source of the sample: type (0 = ifIndex) and index. */
  sourceIdType: number;
  sourceIdIndex: number;
  interface?: SflowInterfaceCounters;
  ethernet?: EthMetric;
  vlan?: SflowVlanCounters;
  ovsDp?: Pick<OvsMetric, 'OvsDpNHit' | 'OvsDpNMissed' | 'OvsDpNLost' | 'OvsDpNMaskHit' | 'OvsDpNFlows' | 'OvsDpNMasks'>;
  appResources?: Pick<OvsMetric, 'OvsAppFdOpen' | 'OvsAppFdMax' | 'OvsAppConnOpen' | 'OvsAppConnMax' | 'OvsAppMemUsed' | 'OvsAppMemMax'>;
}

/** Smallest length of each counter record the decoder reads. */
export const COUNTER_RECORD_SIZES: ReadonlyMap<number, number> = new Map([
  [SflowRecord.GENERIC_INTERFACE, 88], [SflowRecord.ETHERNET, 52], [SflowRecord.VLAN, 28], [SflowRecord.OVS_DP, 24],
  [SflowRecord.APP_RESOURCES, 40],
]);

/** A big-endian u32 (bounds checked by the caller). */
export function u32(d: Uint8Array, o: number): number {
  return ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
}

/** A counter32: -1 when unknown (all ones). */
function c32(d: Uint8Array, o: number): number {
  const v = u32(d, o);
  return v === 0xffffffff ? -1 : v;
}

/** A counter64 (exact up to 2^53): -1 when unknown (all ones). */
function c64(d: Uint8Array, o: number): number {
  const hi = u32(d, o);
  const lo = u32(d, o + 4);
  return hi === 0xffffffff && lo === 0xffffffff ? -1 : hi * 2 ** 32 + lo;
}

/** Parses the counter record `format` at `o` (its length was checked) into `sample`. */
export function parseCounterRecord(sample: SflowCounterSample, format: number, d: Uint8Array, o: number): void {
  switch (format) {
    case SflowRecord.GENERIC_INTERFACE: sample.interface = genericCounters(d, o); break;
    case SflowRecord.ETHERNET: sample.ethernet = ethernetCounters(d, o); break;
    case SflowRecord.VLAN:
      sample.vlan = { VlanId: u32(d, o), VlanOctets: c64(d, o + 4), VlanUcastPkts: c32(d, o + 12), VlanMulticastPkts: c32(d, o + 16), VlanBroadcastPkts: c32(d, o + 20), VlanDiscards: c32(d, o + 24) };
      break;
    case SflowRecord.OVS_DP:
      sample.ovsDp = { OvsDpNHit: c32(d, o), OvsDpNMissed: c32(d, o + 4), OvsDpNLost: c32(d, o + 8), OvsDpNMaskHit: c32(d, o + 12), OvsDpNFlows: c32(d, o + 16), OvsDpNMasks: c32(d, o + 20) };
      break;
    case SflowRecord.APP_RESOURCES:
      // user_time and system_time (o, o + 4) are not kept, as in Skydive
      sample.appResources = { OvsAppMemUsed: c64(d, o + 8), OvsAppMemMax: c64(d, o + 16), OvsAppFdOpen: c32(d, o + 24), OvsAppFdMax: c32(d, o + 28), OvsAppConnOpen: c32(d, o + 32), OvsAppConnMax: c32(d, o + 36) };
      break;
    default:
  }
}

function genericCounters(d: Uint8Array, o: number): SflowInterfaceCounters {
  return {
    IfIndex: u32(d, o), IfType: u32(d, o + 4), IfSpeed: c64(d, o + 8), IfDirection: u32(d, o + 16), IfStatus: u32(d, o + 20),
    IfInOctets: c64(d, o + 24), IfInUcastPkts: c32(d, o + 32), IfInMulticastPkts: c32(d, o + 36), IfInBroadcastPkts: c32(d, o + 40),
    IfInDiscards: c32(d, o + 44), IfInErrors: c32(d, o + 48), IfInUnknownProtos: c32(d, o + 52),
    IfOutOctets: c64(d, o + 56), IfOutUcastPkts: c32(d, o + 64), IfOutMulticastPkts: c32(d, o + 68), IfOutBroadcastPkts: c32(d, o + 72),
    IfOutDiscards: c32(d, o + 76), IfOutErrors: c32(d, o + 80), IfPromiscuousMode: u32(d, o + 84),
  };
}

/** The Ethernet counters in the order the record carries them. */
export const ETH_COUNTER_NAMES: readonly (keyof EthMetric)[] = ['EthAlignmentErrors', 'EthFCSErrors', 'EthSingleCollisionFrames',
  'EthMultipleCollisionFrames', 'EthSQETestErrors', 'EthDeferredTransmissions', 'EthLateCollisions', 'EthExcessiveCollisions',
  'EthInternalMacTransmitErrors', 'EthCarrierSenseErrors', 'EthFrameTooLongs', 'EthInternalMacReceiveErrors', 'EthSymbolErrors'];

function ethernetCounters(d: Uint8Array, o: number): EthMetric {
  const out = {} as EthMetric;
  ETH_COUNTER_NAMES.forEach((name, i) => {
    out[name] = c32(d, o + 4 * i);
  });
  return out;
}

/** Text form of an agent address (IPv4 dotted, IPv6 with the longest zero run compressed). */
export function formatAddress(d: Uint8Array, o: number, length: number): string {
  if (length === 4) return `${d[o]}.${d[o + 1]}.${d[o + 2]}.${d[o + 3]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((d[o + i]! << 8) | d[o + i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
