// sFlow v5 datagrams for tests, written field by field in XDR (big-endian, opaque data padded to 4 bytes).
import { ipv6Address } from '../bpf/test-frames.js';
import { ETH_COUNTER_NAMES, type EthMetric, type OvsMetric, type SflowInterfaceCounters, type VlanMetric } from './records.js';

/** XDR writer. */
class Xdr {
  readonly #parts: Buffer[] = [];
  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    this.#parts.push(b);
    return this;
  }
  u64(v: number): this {
    return this.u32(Math.floor(v / 2 ** 32)).u32(v % 2 ** 32);
  }
  raw(b: Buffer): this {
    this.#parts.push(b);
    return this;
  }
  /** Variable-length opaque: length, bytes, padding. */
  opaque(b: Buffer): this {
    return this.u32(b.length).raw(b).raw(Buffer.alloc((4 - (b.length % 4)) % 4));
  }
  done(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

/** A record or sample: format, length, body. */
function tlv(format: number, body: Buffer): Buffer {
  return new Xdr().u32(format).u32(body.length).raw(body).done();
}

/** A raw packet header record (header protocol 1 = Ethernet); frameLength defaults to header + stripped. */
export function rawHeaderRecord(header: Buffer, o: { frameLength?: number; stripped?: number; protocol?: number } = {}): Buffer {
  const stripped = o.stripped ?? 4;
  return tlv(1, new Xdr().u32(o.protocol ?? 1).u32(o.frameLength ?? header.length + stripped).u32(stripped).opaque(header).done());
}

/** A record of a format the decoder does not read. */
export function unknownRecord(format: number, length: number): Buffer {
  return tlv(format, Buffer.alloc(length, 0xab));
}

/** A flow sample (compact, or expanded with `expanded`) holding `records`. */
export function flowSample(records: Buffer[], o: { expanded?: boolean; rate?: number; ifIndex?: number } = {}): Buffer {
  const x = new Xdr().u32(7);
  if (o.expanded) x.u32(0).u32(o.ifIndex ?? 3);
  else x.u32(o.ifIndex ?? 3);
  x.u32(o.rate ?? 1).u32(100).u32(0);
  if (o.expanded) x.u32(0).u32(o.ifIndex ?? 3).u32(0).u32(4);
  else x.u32(o.ifIndex ?? 3).u32(4);
  x.u32(records.length);
  for (const r of records) x.raw(r);
  return tlv(o.expanded ? 3 : 1, x.done());
}

/** A counter sample (compact, or expanded) of source ifIndex `index` holding `records`. */
export function counterSample(records: Buffer[], o: { expanded?: boolean; index?: number } = {}): Buffer {
  const x = new Xdr().u32(9);
  if (o.expanded) x.u32(0).u32(o.index ?? 3);
  else x.u32(o.index ?? 3);
  x.u32(records.length);
  for (const r of records) x.raw(r);
  return tlv(o.expanded ? 4 : 2, x.done());
}

const IF_FIELDS: readonly [keyof SflowInterfaceCounters, 32 | 64][] = [
  ['IfIndex', 32], ['IfType', 32], ['IfSpeed', 64], ['IfDirection', 32], ['IfStatus', 32], ['IfInOctets', 64],
  ['IfInUcastPkts', 32], ['IfInMulticastPkts', 32], ['IfInBroadcastPkts', 32], ['IfInDiscards', 32], ['IfInErrors', 32],
  ['IfInUnknownProtos', 32], ['IfOutOctets', 64], ['IfOutUcastPkts', 32], ['IfOutMulticastPkts', 32],
  ['IfOutBroadcastPkts', 32], ['IfOutDiscards', 32], ['IfOutErrors', 32], ['IfPromiscuousMode', 32],
];

function fields<T>(list: readonly [keyof T, 32 | 64][], values: Partial<T>, fill: (name: keyof T) => number): Buffer {
  const x = new Xdr();
  for (const [name, bits] of list) {
    const v = (values[name] as number | undefined) ?? fill(name);
    if (bits === 64) x.u64(v);
    else x.u32(v);
  }
  return x.done();
}

/** A generic interface counter record; counters not given are numbered after their position. */
export function genericCountersRecord(values: Partial<SflowInterfaceCounters>): Buffer {
  return tlv(1, fields(IF_FIELDS, values, (n) => 1000 + IF_FIELDS.findIndex(([f]) => f === n)));
}

const ETH_FIELDS = ETH_COUNTER_NAMES.map((n) => [n, 32]) as [keyof EthMetric, 32][];

/** An Ethernet counter record. */
export function ethernetCountersRecord(values: Partial<EthMetric> = {}): Buffer {
  return tlv(2, fields(ETH_FIELDS, values, (n) => 10 + ETH_FIELDS.findIndex(([f]) => f === n)));
}

/** A VLAN counter record. */
export function vlanCountersRecord(vlanId: number, v: Partial<VlanMetric> = {}): Buffer {
  return tlv(5, new Xdr().u32(vlanId).u64(v.VlanOctets ?? 5000).u32(v.VlanUcastPkts ?? 50).u32(v.VlanMulticastPkts ?? 5)
    .u32(v.VlanBroadcastPkts ?? 2).u32(v.VlanDiscards ?? 1).done());
}

/** An Open vSwitch datapath counter record (format 2207). */
export function ovsDpRecord(v: Partial<OvsMetric> = {}): Buffer {
  return tlv(2207, new Xdr().u32(v.OvsDpNHit ?? 100).u32(v.OvsDpNMissed ?? 10).u32(v.OvsDpNLost ?? 0).u32(v.OvsDpNMaskHit ?? 90)
    .u32(v.OvsDpNFlows ?? 4).u32(v.OvsDpNMasks ?? 2).done());
}

/** An application resources counter record (format 2203). */
export function appResourcesRecord(v: Partial<OvsMetric> = {}): Buffer {
  return tlv(2203, new Xdr().u32(12).u32(34).u64(v.OvsAppMemUsed ?? 2 ** 33).u64(v.OvsAppMemMax ?? 2 ** 34)
    .u32(v.OvsAppFdOpen ?? 20).u32(v.OvsAppFdMax ?? 1024).u32(v.OvsAppConnOpen ?? 3).u32(v.OvsAppConnMax ?? 0xffffffff).done());
}

/** A datagram from agent `agent` (IPv4 or IPv6 text, '' for none) holding `samples`. */
export function datagram(samples: Buffer[], o: { agent?: string; sequence?: number } = {}): Buffer {
  const agent = o.agent ?? '192.0.2.10';
  const x = new Xdr().u32(5);
  if (agent === '') x.u32(0);
  else if (agent.includes(':')) x.u32(2).raw(Buffer.from(ipv6Address(agent)));
  else x.u32(1).raw(Buffer.from(agent.split('.').map(Number)));
  x.u32(0).u32(o.sequence ?? 1).u32(123456).u32(samples.length);
  for (const s of samples) x.raw(s);
  return x.done();
}
