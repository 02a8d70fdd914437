// Application layers recognised by port: DNS (validated so a broken message ends the path at UDP/TCP, as
// gopacket does), NTP, DHCPv4, DHCPv6 and TLS records.
import { fail } from './decoder.js';
import { validDnsMessage } from './dns.js';
import { L } from './layer-types.js';
import type { DecodedPacket } from './packet.js';

/** DNS; over TCP the message follows a 2-byte length. a = offset of the message, b = its end. */
export function decodeDNS(p: DecodedPacket, buf: Uint8Array, off: number, end: number, tcp: boolean): void {
  let msg = off, msgEnd = end;
  if (tcp) {
    if (end - off < 2) return fail(p);
    msg = off + 2;
    msgEnd = Math.min(end, msg + (((buf[off] as number) << 8) | (buf[off + 1] as number)));
  }
  if (!validDnsMessage(buf, msg, msgEnd)) return fail(p);
  const i = p.push(L.DNS, buf, off, end - off, end);
  if (i < 0) return;
  p.a[i] = msg;
  p.b[i] = msgEnd;
}

/** NTP: a 48-byte header at least. */
export function decodeNTP(p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 48) return fail(p);
  p.push(L.NTP, buf, off, end - off, end);
}

/** DHCPv4: the fixed part, the magic cookie and well-formed options. */
export function decodeDHCPv4(p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 240) return fail(p);
  if (buf[off + 236] !== 0x63 || buf[off + 237] !== 0x82 || buf[off + 238] !== 0x53 || buf[off + 239] !== 0x63) return fail(p);
  let at = off + 240;
  while (at < end) {
    const code = buf[at] as number;
    if (code === 255) break;
    if (code === 0) {
      at++;
      continue;
    }
    if (at + 1 >= end) return fail(p);
    at += 2 + (buf[at + 1] as number);
    if (at > end) return fail(p);
  }
  p.push(L.DHCPV4, buf, off, end - off, end);
}

/** DHCPv6: message type, transaction id, then options that fit. */
export function decodeDHCPv6(p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  if (end - off < 4) return fail(p);
  let at = off + 4;
  while (at < end) {
    if (end - at < 4) return fail(p);
    at += 4 + (((buf[at + 2] as number) << 8) | (buf[at + 3] as number));
    if (at > end) return fail(p);
  }
  p.push(L.DHCPV6, buf, off, end - off, end);
}

/** TLS: whole records of a known content type (a record split across segments is not decoded). */
export function decodeTLS(p: DecodedPacket, buf: Uint8Array, off: number, end: number): void {
  let at = off;
  while (at < end) {
    if (end - at < 5) return fail(p);
    const type = buf[at] as number;
    if (type < 20 || type > 24 || buf[at + 1] !== 3) return fail(p);
    at += 5 + (((buf[at + 3] as number) << 8) | (buf[at + 4] as number));
    if (at > end) return fail(p);
  }
  p.push(L.TLS, buf, off, end - off, end);
}
