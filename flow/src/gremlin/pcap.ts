// Raw packets as a classic pcap file (the answer to `Accept: application/vnd.tcpdump.pcap`): a 24-byte global
// header, then per packet a 16-byte record header and the bytes, little-endian, microsecond timestamps.
import type { QueryResult } from '@topoflow/gremlin';
import { flowError, FlowErrors } from '../errors.js';
import type { RawPacket } from '../model/flow.js';
import { isRawPacketsResult } from './kinds.js';
import { DEFAULT_LINK_TYPE } from './rawpackets.js';

/** The pcap magic number (microsecond timestamps). */
export const PCAP_MAGIC = 0xa1b2c3d4;
/** Snapshot length written in the header unless a packet is longer. */
export const PCAP_SNAPLEN = 262_144;
/** LINKTYPE_RAW: raw IPv4 or IPv6, used when raw IPv4 (228) and raw IPv6 (229) packets are mixed. */
export const LINKTYPE_RAW = 101;
const RAW_IP_TYPES: ReadonlySet<number> = new Set([228, 229]);

/** The one link type a file of these packets can have; FLOW_PCAP_MIXED_LINK_TYPES when there is none. */
function fileLinkType(packets: readonly RawPacket[]): number {
  const types = new Set(packets.map((p) => p.LinkType ?? DEFAULT_LINK_TYPE));
  if (types.size <= 1) return [...types][0] ?? DEFAULT_LINK_TYPE;
  if ([...types].every((t) => RAW_IP_TYPES.has(t))) return LINKTYPE_RAW;
  throw flowError(FlowErrors.PCAP_MIXED_LINK_TYPES,
    `raw packets of link types ${[...types].join(', ')} cannot share one pcap file; filter them with BPF() first`,
    { linkTypes: [...types] });
}

/** A pcap file of the packets having data, in Timestamp (then Index) order. */
export function writePcap(packets: readonly RawPacket[]): Buffer {
  const withData = packets.filter((p) => p.Data !== undefined);
  const linkType = fileLinkType(withData);
  const ordered = withData.map((p, i) => ({ p, i, data: Buffer.from(p.Data as string, 'base64') }))
    .sort((a, b) => a.p.Timestamp - b.p.Timestamp || a.p.Index - b.p.Index || a.i - b.i);
  const snaplen = ordered.reduce((max, x) => Math.max(max, x.data.length), PCAP_SNAPLEN);
  const header = Buffer.alloc(24);
  header.writeUInt32LE(PCAP_MAGIC, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeInt32LE(0, 8);
  header.writeUInt32LE(0, 12);
  header.writeUInt32LE(snaplen, 16);
  header.writeUInt32LE(linkType, 20);
  const parts: Buffer[] = [header];
  for (const { p, data } of ordered) {
    const ms = Math.max(0, Math.trunc(p.Timestamp));
    const seconds = Math.floor(ms / 1000);
    const record = Buffer.alloc(16);
    record.writeUInt32LE(seconds, 0);
    record.writeUInt32LE((ms - seconds * 1000) * 1000, 4);
    record.writeUInt32LE(data.length, 8);
    record.writeUInt32LE(data.length, 12);
    parts.push(record, data);
  }
  return Buffer.concat(parts);
}

/** The pcap file of a RawPackets() result (every flow's packets together); FLOW_PCAP_NOT_RAW_PACKETS otherwise. */
export function rawPacketsToPcap(result: QueryResult): Buffer {
  if (!isRawPacketsResult(result)) {
    throw flowError(FlowErrors.PCAP_NOT_RAW_PACKETS, `a ${result.kind} result cannot be rendered as a pcap file`, { kind: result.kind });
  }
  return writePcap([...result.data.values()].flat());
}
