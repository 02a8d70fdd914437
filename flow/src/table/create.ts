// What a new flow takes from the sub-packet that creates it (reference §5.3): LayersPath and Application, the
// Link, Network, Transport and ICMP layers, and FinishType when that first TCP packet carries FIN or RST.
import { L, ICMP_TYPE_NAMES, icmpv4FlowType, icmpv6FlowType } from '../decode/layer-types.js';
import { ipv4String, ipv6String, macString } from '../decode/format.js';
import type { DecodedPacket } from '../decode/packet.js';
import type { SubPacket } from '../decode/split.js';
import { FinishType } from '../model/flow.js';
import type { FlowTableOptions } from './contract.js';
import type { FlowEntry } from './entry.js';

const TCP_FIN = 0x01, TCP_RST = 0x04;

/** LayersPath (gopacket names joined by '/', Linux SLL skipped) and the last name. */
export function layersPath(p: DecodedPacket, s: SubPacket): { path: string; last: string } {
  let path = '', last = '';
  for (let i = s.first; i <= s.last; i++) {
    const t = p.type[i];
    if (t === L.LINUX_SLL || t === L.LINUX_SLL2) continue;
    last = p.name(i);
    path = path === '' ? last : `${path}/${last}`;
  }
  return { path, last };
}

function u16(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 8) | (b[i + 1] as number);
}

/** Fills the layers, path and application of a new flow from its first sub-packet. */
export function describeFlow(e: FlowEntry, p: DecodedPacket, s: SubPacket, ports: FlowTableOptions['applicationPorts']): void {
  const { path, last } = layersPath(p, s);
  e.layersPath = path;
  e.application = last;
  if (s.eth >= 0) {
    const b = p.buf[s.eth] as Uint8Array, o = p.off[s.eth] as number;
    e.hasLink = true;
    e.linkA = macString(b, o + 6);
    e.linkB = macString(b, o);
    e.linkID = s.vlanId;
  }
  if (s.net < 0) return;
  const b = p.buf[s.net] as Uint8Array, o = p.off[s.net] as number;
  if (p.type[s.net] === L.IPV4) {
    e.netProtocol = 'IPV4';
    e.netA = ipv4String(b, o + 12);
    e.netB = ipv4String(b, o + 16);
    e.netABytes = b.slice(o + 12, o + 16);
  } else {
    e.netProtocol = 'IPV6';
    e.netA = ipv6String(b, o + 8);
    e.netB = ipv6String(b, o + 24);
    e.netABytes = b.slice(o + 8, o + 24);
  }
  e.netID = s.tunnelId;
  if (s.icmp >= 0) describeICMP(e, p, s.icmp);
  if (s.transport >= 0) describeTransport(e, p, s.transport, ports);
}

function describeICMP(e: FlowEntry, p: DecodedPacket, i: number): void {
  const t = p.type[i];
  if (t === L.ICMPV4) {
    const b = p.buf[i] as Uint8Array, o = p.off[i] as number;
    e.icmpType = ICMP_TYPE_NAMES[icmpv4FlowType(p.a[i] as number)] ?? 'UNKNOWN';
    e.icmpCode = p.b[i] as number;
    e.icmpID = u16(b, o + 4);
    return;
  }
  // ICMPv6, or its echo layer right after it
  const v6 = t === L.ICMPV6_ECHO ? i - 1 : i;
  e.icmpType = ICMP_TYPE_NAMES[icmpv6FlowType(p.a[v6] as number)] ?? 'UNKNOWN';
  e.icmpCode = p.b[v6] as number;
  e.icmpID = t === L.ICMPV6_ECHO ? (p.a[i] as number) : 0;
}

function describeTransport(e: FlowEntry, p: DecodedPacket, i: number, ports: FlowTableOptions['applicationPorts']): void {
  const b = p.buf[i] as Uint8Array, o = p.off[i] as number, t = p.type[i];
  const src = u16(b, o), dst = u16(b, o + 2);
  e.transportProtocol = t === L.TCP ? 'TCP' : t === L.UDP ? 'UDP' : 'SCTP';
  e.transportA = src;
  e.transportB = dst;
  if (t === L.TCP) {
    const flags = p.a[i] as number;
    if (flags & TCP_FIN) e.finishType = FinishType.TCP_FIN;
    else if (flags & TCP_RST) e.finishType = FinishType.TCP_RST;
  }
  const map = t === L.TCP ? ports.tcp : t === L.UDP ? ports.udp : undefined;
  const app = map?.[src] ?? map?.[dst];
  if (app !== undefined && app !== '') e.application = app.toUpperCase();
}
