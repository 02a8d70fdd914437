// TCP, UDP and SCTP, and the choice of the application decoder by port (destination first, then source),
// with gopacket's port table plus Skydive's VXLAN 8472 and the capture's MPLS-over-UDP ports.
import { decodeDHCPv4, decodeDHCPv6, decodeDNS, decodeNTP, decodeTLS } from './app.js';
import { fail, type DecodeContext } from './decoder.js';
import { L } from './layer-types.js';
import type { DecodedPacket } from './packet.js';
import { decodeGeneve, decodeMPLS, decodeVXLAN } from './tunnel.js';

const APP_NONE = 0, APP_DNS = 1, APP_NTP = 2, APP_VXLAN = 3, APP_GENEVE = 4, APP_DHCPV4 = 5, APP_DHCPV6 = 6, APP_TLS = 7;
const APP_MPLS = 8;

function portTable(entries: ReadonlyArray<readonly [number, number]>): Uint8Array {
  const t = new Uint8Array(65536);
  for (const [port, app] of entries) t[port] = app;
  return t;
}

const UDP_PORTS = portTable([
  [53, APP_DNS], [123, APP_NTP], [4789, APP_VXLAN], [8472, APP_VXLAN], [6081, APP_GENEVE], [67, APP_DHCPV4],
  [68, APP_DHCPV4], [546, APP_DHCPV6], [547, APP_DHCPV6],
]);
const TCP_PORTS = portTable([
  [53, APP_DNS], [443, APP_TLS], [636, APP_TLS], [989, APP_TLS], [990, APP_TLS], [992, APP_TLS], [993, APP_TLS],
  [994, APP_TLS], [995, APP_TLS],
]);

/** TCP: a = flags (with NS as bit 8), b = sequence number. */
export function decodeTCP(_ctx: DecodeContext, p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 20) return fail(p);
  const hlen = ((buf[off + 12] as number) >> 4) * 4;
  if (hlen < 20 || hlen > end - off) return fail(p);
  const i = p.push(L.TCP, buf, off, hlen, end);
  if (i < 0) return;
  p.a[i] = (buf[off + 13] as number) | (((buf[off + 12] as number) & 1) << 8);
  p.b[i] = (((buf[off + 4] as number) << 24) | ((buf[off + 5] as number) << 16) | ((buf[off + 6] as number) << 8) | (buf[off + 7] as number)) >>> 0;
  const body = off + hlen;
  if (body >= end) return;
  const dst = ((buf[off + 2] as number) << 8) | (buf[off + 3] as number);
  const src = ((buf[off] as number) << 8) | (buf[off + 1] as number);
  const app = TCP_PORTS[dst] || TCP_PORTS[src];
  if (app === APP_DNS) decodeDNS(p, buf, body, end, true);
  else if (app === APP_TLS) decodeTLS(p, buf, body, end);
}

/** UDP: the payload ends at the UDP length when the capture holds it (0 means the rest: jumbogram). */
export function decodeUDP(ctx: DecodeContext, p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 8) return fail(p);
  const len = ((buf[off + 4] as number) << 8) | (buf[off + 5] as number);
  if (len > 0 && len < 8) return fail(p);
  const payEnd = len === 0 ? end : Math.min(end, off + len);
  if (p.push(L.UDP, buf, off, 8, payEnd) < 0) return;
  const body = off + 8;
  if (body >= payEnd) return;
  const dst = ((buf[off + 2] as number) << 8) | (buf[off + 3] as number);
  const src = ((buf[off] as number) << 8) | (buf[off + 1] as number);
  const mpls = ctx.mplsPorts;
  const app = UDP_PORTS[dst] || (mpls[dst] ? APP_MPLS : 0) || UDP_PORTS[src] || (mpls[src] ? APP_MPLS : APP_NONE);
  switch (app) {
    case APP_DNS: return decodeDNS(p, buf, body, payEnd, false);
    case APP_NTP: return decodeNTP(p, buf, body, payEnd);
    case APP_VXLAN: return decodeVXLAN(ctx, p, buf, body, payEnd);
    case APP_GENEVE: return decodeGeneve(ctx, p, buf, body, payEnd);
    case APP_DHCPV4: return decodeDHCPv4(p, buf, body, payEnd);
    case APP_DHCPV6: return decodeDHCPv6(p, buf, body, payEnd);
    case APP_MPLS: return decodeMPLS(ctx, p, buf, body, payEnd);
    default: return;
  }
}

/** SCTP: the common header, then one layer per chunk (a DATA chunk ends the path: its payload is data). */
export function decodeSCTP(p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 12) return fail(p);
  if (p.push(L.SCTP, buf, off, 12, end) < 0) return;
  let at = off + 12;
  while (at < end) {
    if (end - at < 4) return fail(p);
    const len = ((buf[at + 2] as number) << 8) | (buf[at + 3] as number);
    if (len < 4 || len > end - at) return fail(p);
    const type = buf[at] as number;
    const i = p.push(L.SCTP_CHUNK, buf, at, len, end);
    if (i < 0) return;
    p.a[i] = type;
    if (type === 0) return;
    at += (len + 3) & ~3;
  }
}
