// The per-packet update of a flow (reference §5.5): direction, counters, RTT, TCP flag times and reassembly
// metrics, IPv4 fragment counters, the DNS layer and raw packets. Allocation-free unless DNS or raw packets are on.
import { parseDnsMessage } from '../decode/dns.js';
import { L } from '../decode/layer-types.js';
import type { DecodedPacket } from '../decode/packet.js';
import type { SubPacket } from '../decode/split.js';
import { ExtraLayers, type FlowTableOptions } from './contract.js';
import type { FlowEntry } from './entry.js';
import { SWAP, TIE } from '../keys/swap.js';
import { TcpTracker } from './tcp-tracker.js';

const FIN = 0x01, SYN = 0x02, RST = 0x04, ACK = 0x10;

function u16(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 8) | (b[i + 1] as number);
}

/**
 * AB when the packet comes from the flow's A side (the source of its first packet). Packets of one flow share its
 * key, so when the deciding addresses differ the packet is AB exactly when it was normalised like the first one;
 * when they are equal the reference's tie-break applies: AB iff Transport.A > the packet's source port.
 */
function fromA(e: FlowEntry, p: DecodedPacket, s: SubPacket, decision: number): boolean {
  if ((decision & TIE) === 0) return (decision & SWAP) === e.swapDecision;
  if (s.transport < 0) return true;
  return e.transportA > u16(p.buf[s.transport] as Uint8Array, p.off[s.transport] as number);
}

/** Options the per-packet update reads, resolved once per table. */
export interface UpdateSettings {
  l2Mode: boolean;
  extraTCPMetric: boolean;
  reassembleTCP: boolean;
  dns: boolean;
  rawPacketLimit: number;
}

/** Resolves the update settings of a table's options. */
export function updateSettings(o: FlowTableOptions): UpdateSettings {
  return {
    l2Mode: o.layerKeyMode === 'L2', extraTCPMetric: o.extraTCPMetric, reassembleTCP: o.reassembleTCP,
    dns: (o.extraLayers & ExtraLayers.DNS) !== 0, rawPacketLimit: o.rawPacketLimit,
  };
}

/**
 * Accounts sub-packet `s` of `p` (captured at `tsMs`, normalised as `decision` says) to flow `e`; its raw bytes are
 * `p.buf[s.first]` from `p.off[s.first]` to `rawEnd`, kept when raw packets are on.
 */
export function updateEntry(e: FlowEntry, p: DecodedPacket, s: SubPacket, tsMs: number, cfg: UpdateSettings, decision: number, rawEnd: number): void {
  const ab = fromA(e, p, s, decision);
  e.count(ab, s.length, tsMs);
  if (s.icmp >= 0) icmpRtt(e, p, s.icmp, tsMs);
  else if (s.transport >= 0 && p.type[s.transport] === L.TCP) tcpUpdate(e, p, s, ab, tsMs, cfg);
  if (p.fragments > 0 || p.fragmentErrors > 0) {
    e.fragments += p.fragments;
    e.fragmentErrors += p.fragmentErrors;
  }
  if (cfg.dns && s.dns >= 0) e.dns = parseDnsMessage(p.buf[s.dns] as Uint8Array, p.a[s.dns] as number, p.b[s.dns] as number);
  if (cfg.rawPacketLimit > 0) keepRaw(e, p, s, Math.floor(tsMs), cfg.rawPacketLimit, rawEnd);
}

function icmpRtt(e: FlowEntry, p: DecodedPacket, i: number, tsMs: number): void {
  const t = p.type[i];
  const type = t === L.ICMPV6_ECHO ? (p.a[i - 1] as number) : (p.a[i] as number);
  const v6 = t !== L.ICMPV4;
  if (type === (v6 ? 128 : 8)) {
    if (e.rttStartMs < 0) e.rttStartMs = tsMs;
  } else if (type === (v6 ? 129 : 0) && e.rttStartMs >= 0) {
    e.rtt = rttNs(tsMs - e.rttStartMs);
    e.rttStartMs = -1;
  }
}

/** Nanoseconds of a difference of fractional-ms timestamps, to the microsecond they carry reliably. */
function rttNs(deltaMs: number): number {
  return Math.max(0, Math.round(deltaMs * 1000)) * 1000;
}

function tcpUpdate(e: FlowEntry, p: DecodedPacket, s: SubPacket, ab: boolean, tsMs: number, cfg: UpdateSettings): void {
  const i = s.transport;
  const flags = p.a[i] as number;
  if (flags & SYN && !(flags & ACK)) {
    if (e.rttStartMs < 0 && e.rtt === 0) e.rttStartMs = tsMs;
  } else if ((flags & RST || (flags & SYN && flags & ACK)) && e.rttStartMs >= 0) {
    e.rtt = rttNs(tsMs - e.rttStartMs);
    e.rttStartMs = -1;
  }
  const m = e.tcp;
  if (m === null) return;
  const ms = Math.floor(tsMs);
  if (flags & SYN) {
    const ttl = s.net >= 0 ? (p.b[s.net] as number) : 0;
    if (ab && m.ABSynStart === 0) {
      m.ABSynStart = ms;
      m.ABSynTTL = ttl;
    } else if (!ab && m.BASynStart === 0) {
      m.BASynStart = ms;
      m.BASynTTL = ttl;
    }
  }
  if (flags & FIN) {
    if (ab) m.ABFinStart = ms;
    else m.BAFinStart = ms;
  }
  if (flags & RST) {
    if (ab) m.ABRstStart = ms;
    else m.BARstStart = ms;
  }
  if (!cfg.reassembleTCP) return;
  e.tcpTracker ??= new TcpTracker();
  e.tcpTracker.segment(m, ab, p.b[i] as number, tcpPayloadLength(p, s), flags, tsMs);
}

/** TCP payload bytes on the wire: from the IP length when the capture is truncated. */
function tcpPayloadLength(p: DecodedPacket, s: SubPacket): number {
  const i = s.transport;
  const start = (p.off[i] as number) + (p.hlen[i] as number);
  const n = s.net;
  if (n >= 0 && p.buf[n] === p.buf[i]) return Math.max(0, (p.off[n] as number) + (p.a[n] as number) - start);
  return Math.max(0, (p.end[i] as number) - start);
}

function keepRaw(e: FlowEntry, p: DecodedPacket, s: SubPacket, ms: number, limit: number, rawEnd: number): void {
  const list = (e.rawPackets ??= []);
  if (list.length >= limit) return;
  const index = e.rawPacketsCaptured++;
  const b = p.buf[s.first] as Uint8Array, start = p.off[s.first] as number;
  const data = Buffer.from(b.buffer, b.byteOffset + start, Math.max(0, Math.min(rawEnd, b.length) - start)).toString('base64');
  list.push({ Timestamp: ms, Index: index, Data: data, LinkType: e.hasLink ? 1 : e.netProtocol === 'IPV6' ? 229 : 228 });
}
