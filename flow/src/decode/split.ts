// Splits a decoded frame into its sub-packets at each encapsulation (after VXLAN, Geneve, MPLS and GRE, a GRE
// followed by MPLS splitting at the MPLS), and finds in each the layers a flow is built from (reference §5.2, §5.3).
import { L } from './layer-types.js';
import type { DecodedPacket } from './packet.js';

/** Most sub-packets of one frame. */
export const MAX_SUB_PACKETS = 16;

/** The layers [first, last] of one sub-packet and the indexes of the layers flows use (-1 when absent). */
export class SubPacket {
  first = 0;
  last = -1;
  /** Bytes accounted to the flow: the wire length for the outermost, minus the consumed headers for inner ones. */
  length = 0;
  eth = -1;
  /** First IPv4 layer, else first IPv6 layer. */
  net = -1;
  /** First TCP, UDP or SCTP layer. */
  transport = -1;
  /** ICMPv4, else ICMPv6Echo, else ICMPv6 layer. */
  icmp = -1;
  dns = -1;
  /** VLAN ids folded innermost first (`id = id * 4096 + vid`); exact to 4 tags. */
  vlanId = 0;
  /** VNI / GRE key of the innermost tunnel layer, 0 without one. */
  tunnelId = 0;
  /** Layer type of the last layer. */
  lastType = 0;
}

/** The sub-packets of one frame, reused from frame to frame. */
export class PacketSequence {
  count = 0;
  readonly subs: SubPacket[] = Array.from({ length: MAX_SUB_PACKETS }, () => new SubPacket());
}

function isSplitPoint(p: DecodedPacket, i: number): boolean {
  const t = p.type[i];
  if (t === L.VXLAN || t === L.MPLS || t === L.GENEVE) return true;
  if (t !== L.GRE) return false;
  return !(i < p.count - 2 && p.type[i + 1] === L.MPLS);
}

/** Fills `seq` with the sub-packets of `p`; the outermost accounts `wireLength` bytes. */
export function splitPacket(p: DecodedPacket, wireLength: number, seq: PacketSequence): void {
  seq.count = 0;
  if (p.count === 0) return;
  const types = p.type, n = p.count;
  let encapsulated = false;
  for (let i = 0; i < n && !encapsulated; i++) {
    const t = types[i];
    encapsulated = t === L.VXLAN || t === L.MPLS || t === L.GENEVE || t === L.GRE;
  }
  if (!encapsulated) {
    seq.count = 1;
    describe(p, 0, n - 1, Math.max(0, wireLength), seq.subs[0] as SubPacket);
    return;
  }
  let first = 0, length = wireLength;
  for (let i = 0; i < p.count; i++) {
    if (i !== p.count - 1 && !isSplitPoint(p, i)) continue;
    if (seq.count === MAX_SUB_PACKETS) return;
    const sub = seq.subs[seq.count++] as SubPacket;
    describe(p, first, i, Math.max(0, length), sub);
    for (let k = first; k <= i; k++) length -= p.hlen[k] as number;
    first = i + 1;
  }
}

function describe(p: DecodedPacket, first: number, last: number, length: number, s: SubPacket): void {
  s.first = first;
  s.last = last;
  s.length = length;
  s.eth = s.transport = s.icmp = s.dns = -1;
  s.vlanId = 0;
  s.tunnelId = 0;
  s.lastType = p.type[last] as number;
  let v4 = -1, v6 = -1, icmp6 = -1, echo6 = -1, tunnelFound = false;
  for (let i = last; i >= first; i--) {
    switch (p.type[i]) {
      case L.ETHERNET: s.eth = i; break;
      case L.DOT1Q: s.vlanId = s.vlanId * 4096 + (p.a[i] as number); break;
      case L.IPV4: v4 = i; break;
      case L.IPV6: v6 = i; break;
      case L.TCP: case L.UDP: case L.SCTP: s.transport = i; break;
      case L.ICMPV4: s.icmp = i; break;
      case L.ICMPV6: icmp6 = i; break;
      case L.ICMPV6_ECHO: echo6 = i; break;
      case L.DNS: s.dns = i; break;
      case L.VXLAN: case L.GRE: case L.GENEVE:
        if (!tunnelFound) {
          s.tunnelId = p.a[i] as number;
          tunnelFound = true;
        }
        break;
      default: break;
    }
  }
  s.net = v4 >= 0 ? v4 : v6;
  if (s.icmp < 0) s.icmp = echo6 >= 0 ? echo6 : icmp6;
}
