import { strict as assert } from 'node:assert';
import type { RawPacket } from '../model/flow.js';
import { FakeFlowSource, fixtureFlows, flowFixtureGraph, flowTestEngine } from '../testing.js';
import { LINKTYPE_RAW, PCAP_MAGIC, PCAP_SNAPLEN, rawPacketsToPcap, writePcap } from './pcap.js';

const packet = (Index: number, Timestamp: number, data: number[], LinkType?: number): RawPacket =>
  ({ Timestamp, Index, Data: Buffer.from(data).toString('base64'), ...(LinkType === undefined ? {} : { LinkType }) });

interface Parsed {
  header: { magic: number; major: number; minor: number; zone: number; sigfigs: number; snaplen: number; network: number };
  records: { sec: number; usec: number; incl: number; orig: number; data: number[] }[];
}

/** Reads a little-endian classic pcap file back, checking every length adds up. */
function parsePcap(buf: Buffer): Parsed {
  assert.ok(buf.length >= 24);
  const header = {
    magic: buf.readUInt32LE(0), major: buf.readUInt16LE(4), minor: buf.readUInt16LE(6), zone: buf.readInt32LE(8),
    sigfigs: buf.readUInt32LE(12), snaplen: buf.readUInt32LE(16), network: buf.readUInt32LE(20),
  };
  const records: Parsed['records'] = [];
  let off = 24;
  while (off < buf.length) {
    assert.ok(off + 16 <= buf.length, 'truncated record header');
    const incl = buf.readUInt32LE(off + 8);
    assert.ok(off + 16 + incl <= buf.length, 'truncated record data');
    records.push({
      sec: buf.readUInt32LE(off), usec: buf.readUInt32LE(off + 4), incl, orig: buf.readUInt32LE(off + 12),
      data: [...buf.subarray(off + 16, off + 16 + incl)],
    });
    off += 16 + incl;
  }
  assert.equal(off, buf.length);
  return { header, records };
}

describe('pcap output of raw packets', () => {
  it('writes the global header and one record per packet, in time order', () => {
    const buf = writePcap([packet(1, 1_717_000_000_250, [4, 5, 6, 7]), packet(0, 1_717_000_000_123, [1, 2, 3])]);
    assert.deepEqual([...buf.subarray(0, 4)], [0xd4, 0xc3, 0xb2, 0xa1]);
    const { header, records } = parsePcap(buf);
    assert.deepEqual(header, { magic: PCAP_MAGIC, major: 2, minor: 4, zone: 0, sigfigs: 0, snaplen: PCAP_SNAPLEN, network: 1 });
    assert.deepEqual(records, [
      { sec: 1_717_000_000, usec: 123_000, incl: 3, orig: 3, data: [1, 2, 3] },
      { sec: 1_717_000_000, usec: 250_000, incl: 4, orig: 4, data: [4, 5, 6, 7] },
    ]);
    assert.equal(buf.length, 24 + 16 + 3 + 16 + 4);
  });

  it('orders packets of the same millisecond by Index and skips packets without data', () => {
    const { records } = parsePcap(writePcap([packet(2, 5, [2]), packet(1, 5, [1]), { Timestamp: 1, Index: 0 }]));
    assert.deepEqual(records.map((r) => r.data), [[1], [2]]);
  });

  it('uses the packets link type, LINKTYPE_RAW for mixed raw IPv4 and IPv6, and refuses other mixes', () => {
    assert.equal(parsePcap(writePcap([packet(0, 1, [0x45], 228)])).header.network, 228);
    assert.equal(parsePcap(writePcap([packet(0, 1, [0x45], 228), packet(1, 2, [0x60], 229)])).header.network, LINKTYPE_RAW);
    assert.throws(() => writePcap([packet(0, 1, [0], 1), packet(1, 2, [0x45], 228)]), { code: 'FLOW_PCAP_MIXED_LINK_TYPES', statusCode: 406 });
  });

  it('writes only a header for no packet, and grows the snapshot length for huge packets', () => {
    assert.deepEqual(parsePcap(writePcap([])).records, []);
    assert.equal(writePcap([]).length, 24);
    const big = Array.from({ length: PCAP_SNAPLEN + 10 }, () => 0);
    assert.equal(parsePcap(writePcap([packet(0, 1, big)])).header.snaplen, PCAP_SNAPLEN + 10);
  });

  it('turns a RawPackets() result into a pcap file and refuses other results', async () => {
    const graph = flowFixtureGraph();
    const liveRawPackets = [
      { UUID: 'u1', Packet: packet(0, 2000, [1, 1]) }, { UUID: 'u5', Packet: packet(0, 1000, [5, 5, 5]) },
    ];
    const engine = flowTestEngine({ source: new FakeFlowSource({ live: fixtureFlows(), liveRawPackets }) }, graph);
    const { records } = parsePcap(rawPacketsToPcap(await engine.execute('G.Flows().RawPackets()', graph)));
    assert.deepEqual(records.map((r) => [r.sec, r.usec, r.data]), [[1, 0, [5, 5, 5]], [2, 0, [1, 1]]]);
    assert.throws(() => rawPacketsToPcap({ kind: 'flows', toJSON: () => [] }), { code: 'FLOW_PCAP_NOT_RAW_PACKETS', statusCode: 406 });
  });
});
