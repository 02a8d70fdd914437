// Interface node metadata from a link message, with Skydive's names and rules (reference §2.3), and the
// interface metrics (§2.7).
import { isDeepStrictEqual } from 'node:util';
import type { LinkMessage, LinkStats } from './codec/link.js';
import { STATS64_FIELDS } from './codec/link.js';
import { formatMac } from './codec/message.js';

/** What the probe knows of a link beyond the last message: ethtool data and the peer namespace's name. */
export interface LinkExtras {
  driver?: string;
  busInfo?: string;
  linkNetNsName?: string;
}

const OPERSTATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];

/** IFF bits Skydive reports in LinkFlags, in its order. */
const LINK_FLAGS: readonly [string, number][] = [['UP', 0x1], ['BROADCAST', 0x2], ['LOOPBACK', 0x8], ['POINTTOPOINT', 0x10], ['MULTICAST', 0x1000]];

/** ARPHRD_* → EncapType names (vishvananda/netlink's). */
const ENCAP: Record<number, string> = {
  1: 'ether', 24: 'ieee1394', 32: 'infiniband', 512: 'ppp', 768: 'ipip', 769: 'tunnel6', 772: 'loopback', 776: 'sit',
  778: 'gre', 823: 'gre6', 65534: 'none', 65535: 'void',
};

/** Kernel link kinds renamed by vishvananda/netlink. */
const KIND_TYPES: Record<string, string> = { tun: 'tuntap' };

/** Skydive's `Type` of a link: its kernel kind (`device` when none, `tuntap` for tun/tap). */
export function linkType(kind: string | undefined, driver: string | undefined): string {
  if (driver === 'veth') return 'veth';
  if (kind === undefined || kind === '') return 'device';
  return KIND_TYPES[kind] ?? kind;
}

/** Keys this module may set; the others of a node belong to other writers and are left alone. */
export const LINK_KEYS = [
  'Name', 'Type', 'EncapType', 'IfIndex', 'Driver', 'MTU', 'MAC', 'MasterIndex', 'ParentIndex', 'PeerIfIndex', 'Vlan',
  'State', 'LinkFlags', 'LinkNetNsID', 'LinkNetNsName', 'BusInfo',
] as const;

/** The link-derived metadata of an interface node (absent keys are to be deleted). */
export function linkMetadata(link: LinkMessage, extras: LinkExtras): Record<string, unknown> {
  const md: Record<string, unknown> = { Name: link.name ?? '', Type: linkType(link.kind, extras.driver), IfIndex: link.index };
  const encap = ENCAP[link.arpType];
  if (encap !== undefined) md.EncapType = encap;
  const driver = extras.driver !== undefined && extras.driver !== '' ? extras.driver : link.kind === 'bridge' ? 'bridge' : undefined;
  if (driver !== undefined) md.Driver = driver;
  if (extras.busInfo !== undefined) md.BusInfo = extras.busInfo;
  if (link.mtu !== undefined && link.mtu !== 0) md.MTU = link.mtu;
  if (link.mac !== undefined && link.mac.length > 0) md.MAC = formatMac(link.mac);
  if (link.master !== undefined && link.master !== 0) md.MasterIndex = link.master;
  if (link.link !== undefined && link.link !== 0 && link.link !== link.index) {
    md.ParentIndex = link.link;
    if (link.kind === 'veth') md.PeerIfIndex = link.link;
  }
  if (link.kind === 'vlan' && link.infoId !== undefined) md.Vlan = link.infoId;
  md.State = OPERSTATES[link.operstate ?? 0] ?? 'UNKNOWN';
  md.LinkFlags = LINK_FLAGS.filter(([, bit]) => (link.flags & bit) !== 0).map(([name]) => name);
  if (link.linkNetnsId !== undefined && link.linkNetnsId >= 0) md.LinkNetNsID = link.linkNetnsId;
  if (extras.linkNetNsName !== undefined) md.LinkNetNsName = extras.linkNetNsName;
  return md;
}

/** Keys written by the ethtool refresh (not by the link writer, which leaves them alone). */
export const ETHTOOL_KEYS = ['Features', 'Speed'] as const;

/** What ethtool reported of a link (see EthtoolReading in socket.ts). */
export interface EthtoolData {
  features?: Record<string, boolean>;
  speed?: number;
}

/** Speeds meaning "unknown" (SPEED_UNKNOWN as u32 or as -1). */
const SPEED_UNKNOWN = new Set([0xffffffff, -1]);

/** `Features` (name → active; omitted when empty) and `Speed` (Mb/s; omitted when unknown) of a link (§2.3). */
export function ethtoolMetadata(data: EthtoolData): { Features?: Record<string, boolean>; Speed?: number } {
  const md: { Features?: Record<string, boolean>; Speed?: number } = {};
  const features = Object.entries(data.features ?? {}).filter(([name, on]) => name !== '' && typeof on === 'boolean');
  if (features.length > 0) md.Features = Object.fromEntries(features.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  if (data.speed !== undefined && Number.isInteger(data.speed) && !SPEED_UNKNOWN.has(data.speed)) md.Speed = data.speed;
  return md;
}

/** The change turning a node's ethtool keys into `next`, or undefined when nothing differs. */
export function ethtoolChange(current: Readonly<Record<string, unknown>>, next: Readonly<Record<string, unknown>>):
  { set?: Record<string, unknown>; delete?: string[] } | undefined {
  const set: Record<string, unknown> = {};
  const del: string[] = [];
  for (const k of ETHTOOL_KEYS) {
    if (next[k] === undefined) {
      if (k in current) del.push(k);
    } else if (!isDeepStrictEqual(current[k], next[k])) set[k] = next[k];
  }
  if (Object.keys(set).length === 0 && del.length === 0) return undefined;
  return { ...(Object.keys(set).length > 0 ? { set } : {}), ...(del.length > 0 ? { delete: del } : {}) };
}

/** An InterfaceMetric: counters (zero ones omitted) plus Start/Last when it covers a period. */
export type InterfaceMetric = Partial<LinkStats> & { Start?: number; Last?: number };

/** The non-zero counters of `stats` (undefined when all are zero). */
export function metricOf(stats: LinkStats): InterfaceMetric | undefined {
  const m: InterfaceMetric = {};
  let any = false;
  for (const f of STATS64_FIELDS) {
    if (stats[f] !== 0) {
      m[f] = stats[f];
      any = true;
    }
  }
  return any ? m : undefined;
}

/** `curr − prev` counter-wise (undefined when nothing moved). */
export function metricDelta(curr: LinkStats, prev: LinkStats): InterfaceMetric | undefined {
  const d = {} as LinkStats;
  for (const f of STATS64_FIELDS) d[f] = curr[f] - prev[f];
  return metricOf(d);
}
