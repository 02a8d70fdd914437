// RTM_NEWROUTE / RTM_DELROUTE: struct rtmsg, RTA_* attributes and multipath next hops.
import { AF, formatIp } from './address.js';
import { type NetlinkMessage, align4, attrU32, parseAttributes } from './message.js';

const RTA = { DST: 1, OIF: 4, GATEWAY: 5, PRIORITY: 6, PREFSRC: 7, MULTIPATH: 9, TABLE: 15 } as const;

/** One next hop of a route. */
export interface RouteNextHop {
  ifIndex: number;
  gateway?: string;
}

/** A parsed route message. */
export interface RouteMessage {
  family: number;
  table: number;
  protocol: number;
  /** RTN_* route type (1 unicast, 7 unreachable…). */
  routeType: number;
  tos: number;
  priority: number;
  /** Destination CIDR; `0.0.0.0/0` or `::/0` for a default route. */
  prefix: string;
  prefSrc?: string;
  nextHops: RouteNextHop[];
}

/** Size of struct rtmsg and of struct rtnexthop. */
const RTMSG_LEN = 12;
const RTNH_LEN = 8;

/** Parses an RTM_NEWROUTE/DELROUTE payload; undefined when truncated, malformed or not IPv4/IPv6. */
export function parseRoute(msg: NetlinkMessage): RouteMessage | undefined {
  const p = msg.payload;
  if (p.length < RTMSG_LEN) return undefined;
  const family = p.readUInt8(0);
  if (family !== AF.INET && family !== AF.INET6) return undefined;
  const attrs = parseAttributes(p, RTMSG_LEN);
  if (attrs === undefined) return undefined;
  const dstLen = p.readUInt8(1);
  const dst = formatIp(attrs.get(RTA.DST)) ?? (family === AF.INET ? '0.0.0.0' : '::');
  const route: RouteMessage = {
    family, table: attrU32(attrs.get(RTA.TABLE)) ?? p.readUInt8(4), protocol: p.readUInt8(5), routeType: p.readUInt8(7),
    tos: p.readUInt8(3), priority: attrU32(attrs.get(RTA.PRIORITY)) ?? 0, prefix: `${dst}/${dstLen}`, nextHops: [],
  };
  const src = formatIp(attrs.get(RTA.PREFSRC));
  if (src !== undefined) route.prefSrc = src;
  const oif = attrU32(attrs.get(RTA.OIF));
  if (oif !== undefined) route.nextHops.push(hop(oif, formatIp(attrs.get(RTA.GATEWAY))));
  const mp = attrs.get(RTA.MULTIPATH);
  if (mp !== undefined) {
    for (let off = 0; off + RTNH_LEN <= mp.length;) {
      const len = mp.readUInt16LE(off);
      if (len < RTNH_LEN || off + len > mp.length) return undefined;
      const sub = parseAttributes(mp.subarray(off + RTNH_LEN, off + len));
      if (sub === undefined) return undefined;
      route.nextHops.push(hop(mp.readInt32LE(off + 4), formatIp(sub.get(RTA.GATEWAY))));
      off += align4(len);
    }
  }
  return route;
}

function hop(ifIndex: number, gateway: string | undefined): RouteNextHop {
  return gateway === undefined ? { ifIndex } : { ifIndex, gateway };
}
