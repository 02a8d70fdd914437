// RTM_NEWLINK / RTM_DELLINK: struct ifinfomsg and the IFLA_* attributes the probe reads.
import { type NetlinkMessage, attrS32, attrString, attrU16, attrU32, parseAttributes } from './message.js';

const IFLA = {
  ADDRESS: 1, IFNAME: 3, MTU: 4, LINK: 5, MASTER: 10, OPERSTATE: 16, LINKINFO: 18, STATS64: 23, LINK_NETNSID: 37,
} as const;
const IFLA_INFO = { KIND: 1, DATA: 2, SLAVE_KIND: 4 } as const;
/** IFLA_VLAN_ID and IFLA_VXLAN_ID are both attribute 1 of IFLA_INFO_DATA. */
const INFO_DATA_ID = 1;

/** Field order of struct rtnl_link_stats64, named as Skydive's InterfaceMetric fields. */
export const STATS64_FIELDS = [
  'RxPackets', 'TxPackets', 'RxBytes', 'TxBytes', 'RxErrors', 'TxErrors', 'RxDropped', 'TxDropped', 'Multicast',
  'Collisions', 'RxLengthErrors', 'RxOverErrors', 'RxCrcErrors', 'RxFrameErrors', 'RxFifoErrors', 'RxMissedErrors',
  'TxAbortedErrors', 'TxCarrierErrors', 'TxFifoErrors', 'TxHeartbeatErrors', 'TxWindowErrors', 'RxCompressed',
  'TxCompressed',
] as const;

/** Interface counters by InterfaceMetric field name. */
export type LinkStats = Record<(typeof STATS64_FIELDS)[number], number>;

/** A parsed link message. */
export interface LinkMessage {
  family: number;
  /** ARPHRD_* device type. */
  arpType: number;
  index: number;
  flags: number;
  name?: string;
  mtu?: number;
  mac?: Buffer;
  operstate?: number;
  master?: number;
  /** IFLA_LINK: the lower device, or a veth's peer index. */
  link?: number;
  kind?: string;
  slaveKind?: string;
  /** VLAN id (vlan) or VNI (vxlan) from IFLA_INFO_DATA. */
  infoId?: number;
  linkNetnsId?: number;
  stats?: LinkStats;
}

/** Size of struct ifinfomsg. */
const IFINFOMSG_LEN = 16;

/** Parses an RTM_NEWLINK/DELLINK payload; undefined when truncated or malformed. */
export function parseLink(msg: NetlinkMessage): LinkMessage | undefined {
  const p = msg.payload;
  if (p.length < IFINFOMSG_LEN) return undefined;
  const attrs = parseAttributes(p, IFINFOMSG_LEN);
  if (attrs === undefined) return undefined;
  const link: LinkMessage = { family: p.readUInt8(0), arpType: p.readUInt16LE(2), index: p.readInt32LE(4), flags: p.readUInt32LE(8) };
  const set = <K extends keyof LinkMessage>(k: K, v: LinkMessage[K] | undefined): void => {
    if (v !== undefined) link[k] = v;
  };
  set('name', attrString(attrs.get(IFLA.IFNAME)));
  set('mtu', attrU32(attrs.get(IFLA.MTU)));
  set('mac', attrs.get(IFLA.ADDRESS));
  const oper = attrs.get(IFLA.OPERSTATE);
  if (oper !== undefined && oper.length >= 1) link.operstate = oper.readUInt8(0);
  set('master', attrU32(attrs.get(IFLA.MASTER)));
  set('link', attrU32(attrs.get(IFLA.LINK)));
  set('linkNetnsId', attrS32(attrs.get(IFLA.LINK_NETNSID)));
  const info = attrs.get(IFLA.LINKINFO);
  if (info !== undefined) {
    const li = parseAttributes(info);
    if (li === undefined) return undefined;
    set('kind', attrString(li.get(IFLA_INFO.KIND)));
    set('slaveKind', attrString(li.get(IFLA_INFO.SLAVE_KIND)));
    const data = li.get(IFLA_INFO.DATA);
    if (data !== undefined && (link.kind === 'vlan' || link.kind === 'vxlan')) {
      const d = parseAttributes(data);
      const id = d?.get(INFO_DATA_ID);
      set('infoId', link.kind === 'vlan' ? attrU16(id) : attrU32(id));
    }
  }
  const stats = attrs.get(IFLA.STATS64);
  if (stats !== undefined && stats.length >= STATS64_FIELDS.length * 8) {
    const s = {} as LinkStats;
    STATS64_FIELDS.forEach((f, i) => {
      s[f] = Number(stats.readBigUInt64LE(i * 8));
    });
    link.stats = s;
  }
  return link;
}
