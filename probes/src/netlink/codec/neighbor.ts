// RTM_NEWNEIGH / RTM_DELNEIGH: struct ndmsg and NDA_* attributes (ARP/NDP entries and bridge FDB entries).
import { formatIp } from './address.js';
import { type NetlinkMessage, attrU16, attrU32, formatMac, parseAttributes } from './message.js';

const NDA = { DST: 1, LLADDR: 2, VLAN: 5, VNI: 7 } as const;

/** A parsed neighbour message. */
export interface NeighborMessage {
  family: number;
  index: number;
  /** NUD_* bit mask. */
  state: number;
  /** NTF_* bit mask. */
  flags: number;
  ip?: string;
  mac?: string;
  vlan?: number;
  vni?: number;
}

/** Size of struct ndmsg. */
const NDMSG_LEN = 12;

/** Parses an RTM_NEWNEIGH/DELNEIGH payload; undefined when truncated or malformed. */
export function parseNeighbor(msg: NetlinkMessage): NeighborMessage | undefined {
  const p = msg.payload;
  if (p.length < NDMSG_LEN) return undefined;
  const attrs = parseAttributes(p, NDMSG_LEN);
  if (attrs === undefined) return undefined;
  const n: NeighborMessage = { family: p.readUInt8(0), index: p.readInt32LE(4), state: p.readUInt16LE(8), flags: p.readUInt8(10) };
  const ip = formatIp(attrs.get(NDA.DST));
  if (ip !== undefined) n.ip = ip;
  const ll = attrs.get(NDA.LLADDR);
  if (ll !== undefined && ll.length > 0) n.mac = formatMac(ll);
  const vlan = attrU16(attrs.get(NDA.VLAN));
  if (vlan !== undefined) n.vlan = vlan;
  const vni = attrU32(attrs.get(NDA.VNI));
  if (vni !== undefined) n.vni = vni;
  return n;
}
