// The pcap / pcapng reader: both formats and byte orders, timestamp resolutions, chunked input, and clear errors
// for broken files; the writer round-trips through it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError } from '@topoflow/common';
import { Prng } from '@topoflow/common/testing';
import { trace } from '../test-support.js';
import type { PacketSink } from '../table/contract.js';
import { PcapReader, readPcap } from './reader.js';
import { readPcapFile, readPcapStream } from './stream.js';
import { encodePcap } from './writer.js';

interface Seen {
  hex: string;
  caplen: number;
  wire: number;
  ts: number;
  linkType: number;
}

function collector(): { sink: PacketSink; seen: Seen[] } {
  const seen: Seen[] = [];
  const sink: PacketSink = {
    packet: (d, o, c, w, ts, lt) => seen.push({ hex: Buffer.from(d.subarray(o, o + c)).toString('hex'), caplen: c, wire: w, ts, linkType: lt }),
  };
  return { sink, seen };
}

function u32(v: number, le: boolean): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}

function u16(v: number, le: boolean): Buffer {
  const b = Buffer.alloc(2);
  if (le) b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
}

function pad4(b: Buffer): Buffer {
  return Buffer.concat([b, Buffer.alloc((4 - (b.length % 4)) % 4)]);
}

/** A pcapng block of `type` with `body` (padded), framed by its lengths. */
function block(type: number, body: Buffer, le: boolean): Buffer {
  const b = pad4(body);
  return Buffer.concat([u32(type, le), u32(b.length + 12, le), b, u32(b.length + 12, le)]);
}

function shb(le: boolean): Buffer {
  return block(0x0a0d0d0a, Buffer.concat([u32(0x1a2b3c4d, le), u16(1, le), u16(0, le), Buffer.alloc(8, 0xff)]), le);
}

function idb(linkType: number, le: boolean, tsresol?: number): Buffer {
  const opts = tsresol === undefined ? Buffer.alloc(0) : Buffer.concat([u16(9, le), u16(1, le), Buffer.from([tsresol, 0, 0, 0]), u16(0, le), u16(0, le)]);
  return block(1, Buffer.concat([u16(linkType, le), u16(0, le), u32(65535, le), opts]), le);
}

function epb(iface: number, units: bigint, data: Buffer, wire: number, le: boolean): Buffer {
  const hi = Number(units >> 32n), lo = Number(units & 0xffffffffn);
  return block(6, Buffer.concat([u32(iface, le), u32(hi, le), u32(lo, le), u32(data.length, le), u32(wire, le), data]), le);
}

/** Two sections: little-endian (Ethernet µs, raw IPv4 in ns) then big-endian, with skipped and simple blocks. */
function pcapngFixture(): Buffer {
  const le = true, be = false;
  return Buffer.concat([
    shb(le), idb(1, le), idb(228, le, 9),
    epb(0, 1_700_000_000_123_456n, Buffer.from('aabbcc', 'hex'), 60, le),
    block(0x99, Buffer.from('ignored'), le),
    epb(1, 1_700_000_000_123_456_789n, Buffer.from('4500', 'hex'), 2, le),
    block(3, Buffer.concat([u32(5, le), Buffer.from('0102030405', 'hex')]), le),
    shb(be), idb(101, be, 0x80 | 10),
    epb(0, 1024n * 1_700_000_001n, Buffer.from('60', 'hex'), 1, be),
  ]);
}

describe('PcapReader', () => {
  it('reads classic pcap: every frame of a trace with its link type and wire length', () => {
    const { sink, seen } = collector();
    const s = readPcap(trace('icmpv4-truncated.pcap'), sink);
    assert.deepEqual([s.format, s.packets, s.linkTypes], ['pcap', 2, [1]]);
    assert.deepEqual(seen.map((p) => [p.caplen, p.wire, p.linkType]), [[256, 1066, 1], [256, 1066, 1]]);
  });

  it('reads big-endian files with nanosecond timestamps', () => {
    const rec = Buffer.concat([u32(1_700_000_000, false), u32(5_000_000, false), u32(2, false), u32(9, false), Buffer.from('abcd', 'hex')]);
    const head = Buffer.concat([u32(0xa1b23c4d, false), u16(2, false), u16(4, false), Buffer.alloc(8), u32(65535, false), u32(1, false)]);
    const { sink, seen } = collector();
    readPcap(Buffer.concat([head, rec]), sink);
    assert.deepEqual(seen, [{ hex: 'abcd', caplen: 2, wire: 9, ts: 1_700_000_000_005, linkType: 1 }]);
  });

  it('reads pcapng sections, interfaces with their resolutions, enhanced and simple blocks, skipping unknown ones', () => {
    const { sink, seen } = collector();
    const s = readPcap(pcapngFixture(), sink);
    assert.equal(s.format, 'pcapng');
    assert.deepEqual(seen.map((p) => [p.hex, p.caplen, p.wire, p.linkType]), [
      ['aabbcc', 3, 60, 1], ['4500', 2, 2, 228], ['0102030405', 5, 5, 1], ['60', 1, 1, 101],
    ]);
    assert.equal(seen[0]?.ts, 1_700_000_000_123.456);
    assert.ok(Math.abs((seen[1]?.ts ?? 0) - 1_700_000_000_123.456789) < 0.001);
    assert.equal(seen[2]?.ts, seen[1]?.ts);
    assert.equal(seen[3]?.ts, 1_700_000_001_000);
    assert.deepEqual(s.linkTypes, [1, 228, 101]);
  });

  it('delivers the same frames whatever the chunk boundaries', () => {
    const prng = new Prng(7);
    for (const file of [trace('eth-ip4-arp-dns-req-http-google.pcap'), pcapngFixture()]) {
      const whole = collector();
      readPcap(file, whole.sink);
      for (let round = 0; round < 20; round++) {
        const { sink, seen } = collector();
        const reader = new PcapReader(sink);
        const max = round < 5 ? 3 : 1 + prng.int(4000);
        for (let i = 0; i < file.length;) {
          const n = 1 + prng.int(max);
          reader.push(file.subarray(i, i + n));
          i += n;
        }
        assert.equal(reader.end().packets, whole.seen.length);
        assert.deepEqual(seen, whole.seen);
      }
    }
  });

  it('reads an async stream of chunks', async () => {
    const file = trace('simple-tcpv4.pcap');
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < file.length; i += 100) yield file.subarray(i, i + 100);
    }
    const { sink, seen } = collector();
    const s = await readPcapStream(chunks(), sink);
    assert.equal(s.packets, 8);
    assert.equal(seen.length, 8);
  });

  it('fails on a truncated file with the offset, after delivering the frames before it', () => {
    const file = trace('simple-tcpv4.pcap');
    const { sink, seen } = collector();
    assert.throws(() => readPcap(file.subarray(0, file.length - 5), sink), (e: unknown) => {
      assert.ok(isAppError(e, 'FLOW_PCAP_INVALID'));
      assert.equal(e.statusCode, 400);
      assert.equal(typeof e.details?.offset, 'number');
      assert.ok((e.details?.offset as number) < file.length - 5);
      return true;
    });
    assert.equal(seen.length, 7);
  });

  it('rejects unknown magic, empty input, oversized records and inconsistent pcapng blocks', () => {
    const bad = (data: Uint8Array): void => assert.throws(() => readPcap(data, collector().sink), (e: unknown) => isAppError(e, 'FLOW_PCAP_INVALID'));
    bad(Buffer.from('not a capture file at all'));
    bad(new Uint8Array(0));
    const file = Buffer.from(trace('simple-tcpv4.pcap'));
    file.writeUInt32LE(0x7fffffff, 24 + 8);
    bad(file);
    const ng = pcapngFixture();
    ng.writeUInt32LE(999, ng.length - 4);
    bad(ng);
    bad(Buffer.concat([shb(true), epb(3, 0n, Buffer.from('00', 'hex'), 1, true)]));
  });
});

describe('PcapWriter', () => {
  it('round-trips frames, lengths and microsecond timestamps through the reader', () => {
    const frames = [
      { data: Buffer.from('00112233', 'hex'), timestampMs: 1_700_000_000_000.5, wireLength: 60 },
      { data: Buffer.from('44', 'hex'), timestampMs: 1_700_000_000_999.9996 },
    ];
    const { sink, seen } = collector();
    readPcap(encodePcap(frames, { bufferSize: 4096 }), sink);
    assert.deepEqual(seen.map((s) => [s.hex, s.wire, s.ts]), [['00112233', 60, 1_700_000_000_000.5], ['44', 1, 1_700_000_001_000]]);
  });
});

describe('readPcapFile', () => {
  it('reads a file larger than its read buffer with the same frames as a whole-buffer read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topoflow-pcap-'));
    try {
      const frames = Array.from({ length: 3000 }, (_, i) => ({ data: new Uint8Array(700).fill(i & 255), timestampMs: 1_700_000_000_000 + i }));
      const file = encodePcap(frames);
      const path = join(dir, 'big.pcap');
      writeFileSync(path, file);
      const whole = collector();
      readPcap(file, whole.sink);
      const streamed = collector();
      const s = await readPcapFile(path, streamed.sink);
      assert.equal(s.packets, 3000);
      assert.ok(file.length > 2 * (1 << 20));
      assert.deepEqual(streamed.seen, whole.seen);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
