// DNS messages: a validating walk (no allocation) used to decide whether the DNS layer decodes, and the
// conversion into the flow model's DNSLayer, done only for flows whose capture asks for the DNS extra layer.
import type { DNSLayer, DNSResourceRecord } from '../model/flow.js';
import { ipv4String, ipv6String } from './format.js';

const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'A', 2: 'NS', 3: 'MD', 4: 'MF', 5: 'CNAME', 6: 'SOA', 7: 'MB', 8: 'MG', 9: 'MR', 10: 'NULL', 11: 'WKS',
  12: 'PTR', 13: 'HINFO', 14: 'MINFO', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 41: 'OPT', 256: 'URI',
};
const CLASS_NAMES: Readonly<Record<number, string>> = { 1: 'IN', 2: 'CS', 3: 'CH', 4: 'HS', 255: 'Any' };
const OPTION_NAMES: Readonly<Record<number, string>> = { 3: 'NSID', 8: 'ClientSubnet', 10: 'Cookie', 11: 'TCPKeepalive', 12: 'Padding' };
const MAX_POINTER_JUMPS = 64;
const MAX_NAME_LENGTH = 255;

function u16(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 8) | (b[i + 1] as number);
}

/**
 * Walks the name at `at` (labels and compression pointers inside [msg, end)); returns the offset after it in
 * the record, or -1 when malformed. Appends the labels to `labels` when given.
 */
function walkName(b: Uint8Array, msg: number, end: number, at: number, labels?: string[]): number {
  let next = -1, jumps = 0, length = 0;
  for (;;) {
    if (at >= end) return -1;
    const len = b[at] as number;
    if (len === 0) return next < 0 ? at + 1 : next;
    if ((len & 0xc0) === 0xc0) {
      if (at + 1 >= end || ++jumps > MAX_POINTER_JUMPS) return -1;
      if (next < 0) next = at + 2;
      at = msg + (((len & 0x3f) << 8) | (b[at + 1] as number));
      continue;
    }
    if (len & 0xc0 || at + 1 + len > end) return -1;
    length += len + 1;
    if (length > MAX_NAME_LENGTH) return -1;
    if (labels !== undefined) labels.push(Buffer.from(b.buffer, b.byteOffset + at + 1, len).toString('latin1'));
    at += 1 + len;
  }
}

/** True when [off, end) holds a DNS message whose counts, names and records all fit. */
export function validDnsMessage(b: Uint8Array, off: number, end: number): boolean {
  if (end - off < 12) return false;
  let at = off + 12;
  const qd = u16(b, off + 4), rr = u16(b, off + 6) + u16(b, off + 8) + u16(b, off + 10);
  for (let i = 0; i < qd; i++) {
    at = walkName(b, off, end, at);
    if (at < 0 || at + 4 > end) return false;
    at += 4;
  }
  for (let i = 0; i < rr; i++) {
    at = walkName(b, off, end, at);
    if (at < 0 || at + 10 > end) return false;
    at += 10 + u16(b, at + 8);
    if (at > end) return false;
  }
  return true;
}

function readName(b: Uint8Array, msg: number, end: number, at: number): string {
  const labels: string[] = [];
  walkName(b, msg, end, at, labels);
  return labels.join('.');
}

function ipString(b: Uint8Array, at: number, len: number): string {
  return len === 4 ? ipv4String(b, at) : ipv6String(b, at);
}

function u32(b: Uint8Array, i: number): number {
  return ((u16(b, i) << 16) | u16(b, i + 2)) >>> 0;
}

function readRecord(b: Uint8Array, msg: number, end: number, at: number, out: DNSResourceRecord[]): number {
  const name = readName(b, msg, end, at);
  at = walkName(b, msg, end, at);
  const type = u16(b, at), rdlen = u16(b, at + 8), rd = at + 10;
  const rr: DNSResourceRecord = {
    name, type: TYPE_NAMES[type] ?? 'Unknown', class: CLASS_NAMES[u16(b, at + 2)] ?? 'Unknown', TTL: u32(b, at + 4),
    data_length: rdlen,
  };
  fillRecordData(rr, type, b, msg, end, rd, rdlen);
  out.push(rr);
  return rd + rdlen;
}

function fillRecordData(rr: DNSResourceRecord, type: number, b: Uint8Array, msg: number, end: number, rd: number, len: number): void {
  switch (type) {
    case 1: case 28: if (len === 4 || len === 16) rr.IP = ipString(b, rd, len); break;
    case 2: rr.NS = readName(b, msg, end, rd); break;
    case 5: rr.CName = readName(b, msg, end, rd); break;
    case 12: rr.PTR = readName(b, msg, end, rd); break;
    case 15: if (len >= 3) rr.MX = { preference: u16(b, rd), name: readName(b, msg, end, rd + 2) }; break;
    case 33: if (len >= 7) rr.SRV = { priority: u16(b, rd), weight: u16(b, rd + 2), port: u16(b, rd + 4), name: readName(b, msg, end, rd + 6) }; break;
    case 16: rr.TXTs = readTexts(b, rd, rd + len); break;
    case 6: {
      const mEnd = walkName(b, msg, end, rd), rEnd = mEnd < 0 ? -1 : walkName(b, msg, end, mEnd);
      if (rEnd < 0 || rEnd + 20 > rd + len) break;
      rr.SOA = {
        m_name: readName(b, msg, end, rd), r_name: readName(b, msg, end, mEnd), serial: u32(b, rEnd),
        refresh: u32(b, rEnd + 4), retry: u32(b, rEnd + 8), expire: u32(b, rEnd + 12), minimum: u32(b, rEnd + 16),
      };
      break;
    }
    case 41: rr.OPT = readOptions(b, rd, rd + len); break;
    default: break;
  }
}

function readTexts(b: Uint8Array, at: number, end: number): string[] {
  const out: string[] = [];
  while (at < end) {
    const len = Math.min(b[at] as number, end - at - 1);
    out.push(Buffer.from(b.buffer, b.byteOffset + at + 1, len).toString('latin1'));
    at += 1 + len;
  }
  return out;
}

function readOptions(b: Uint8Array, at: number, end: number): Array<{ code: string; data: string }> {
  const out: Array<{ code: string; data: string }> = [];
  while (at + 4 <= end) {
    const code = u16(b, at), len = Math.min(u16(b, at + 2), end - at - 4);
    out.push({ code: OPTION_NAMES[code] ?? 'Unknown', data: Buffer.from(b.buffer, b.byteOffset + at + 4, len).toString('hex') });
    at += 4 + len;
  }
  return out;
}

/** Converts a DNS message already accepted by validDnsMessage into the flow model's DNSLayer. */
export function parseDnsMessage(b: Uint8Array, off: number, end: number): DNSLayer {
  const flags = u16(b, off + 2);
  const qd = u16(b, off + 4), an = u16(b, off + 6), ns = u16(b, off + 8), ar = u16(b, off + 10);
  const dns: DNSLayer = {
    ID: u16(b, off), QR: (flags & 0x8000) !== 0, op_code: (flags >> 11) & 0xf, AA: (flags & 0x0400) !== 0,
    TC: (flags & 0x0200) !== 0, RD: (flags & 0x0100) !== 0, RA: (flags & 0x0080) !== 0, z: (flags >> 4) & 0x7,
    response_code: flags & 0xf, q_d_count: qd, a_n_count: an, n_s_count: ns, a_r_count: ar,
  };
  let at = off + 12;
  if (qd > 0) dns.questions = [];
  for (let i = 0; i < qd; i++) {
    const name = readName(b, off, end, at);
    at = walkName(b, off, end, at);
    dns.questions?.push({ name, type: TYPE_NAMES[u16(b, at)] ?? 'Unknown', class: CLASS_NAMES[u16(b, at + 2)] ?? 'Unknown' });
    at += 4;
  }
  const sections: Array<[number, 'answers' | 'authorities' | 'additionals']> = [[an, 'answers'], [ns, 'authorities'], [ar, 'additionals']];
  for (const [count, key] of sections) {
    if (count === 0) continue;
    const list: DNSResourceRecord[] = [];
    for (let i = 0; i < count; i++) at = readRecord(b, off, end, at, list);
    dns[key] = list;
  }
  return dns;
}
