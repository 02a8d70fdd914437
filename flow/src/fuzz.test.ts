// Fuzzing the packet path: every shared trace mutated with a seeded generator (bit flips, truncations, corrupted
// length fields, random bytes) goes through the reader, the decoder and the table, which never throw anything but
// FLOW_PCAP_INVALID and stay consistent.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { isAppError } from '@topoflow/common';
import { Prng } from '@topoflow/common/testing';
import type { Flow } from './model/flow.js';
import { readPcap } from './pcap/reader.js';
import { LinkType } from './table/contract.js';
import { FlowTable } from './table/table.js';
import { trace, traceOptions, tracePath } from './test-support.js';
import { RecordingSender } from './testing.js';

const ITERATIONS = 3000;
const LINK_TYPES = [LinkType.ETHERNET, LinkType.RAW, LinkType.IPV4, LinkType.IPV6, LinkType.LINUX_SLL, 276, 0];

/** Offsets of the record headers of a classic pcap (to corrupt their length fields). */
function recordOffsets(file: Uint8Array): number[] {
  const out: number[] = [];
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (let at = 24; at + 16 <= file.length; at += 16 + v.getUint32(at + 8, true)) out.push(at);
  return out;
}

function mutate(prng: Prng, original: Uint8Array, records: number[]): Uint8Array {
  let b: Uint8Array = Uint8Array.from(original);
  for (let n = 1 + prng.int(4); n > 0; n--) {
    const at = prng.int(b.length);
    switch (prng.int(5)) {
      case 0: b[at] = (b[at] as number) ^ (1 << prng.int(8)); break;
      case 1: b = b.subarray(0, at); break;
      case 2: {
        const r = records.length > 0 ? prng.pick(records) : 24;
        if (r + 16 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(r + 8 + 4 * prng.int(2), prng.pick([0, 1, 13, 65535, 0xffffffff, prng.int(2000)]), true);
        break;
      }
      case 3: for (let k = at; k < Math.min(b.length, at + 1 + prng.int(32)); k++) b[k] = prng.int(256); break;
      default: {
        // a length field inside the frames: IPv4 total length, UDP length, or anything 16-bit
        if (at + 2 <= b.length) new DataView(b.buffer, b.byteOffset).setUint16(at, prng.pick([0, 1, 7, 8, 20, 0xffff, prng.int(1500)]));
      }
    }
  }
  return b;
}

function consistent(table: FlowTable, flows: Flow[]): void {
  assert.equal(table.size, flows.length);
  assert.equal(table.stats().FlowCount, flows.length);
  const uuids = new Set(flows.map((f) => f.UUID));
  assert.equal(uuids.size, flows.length);
  for (const f of flows) {
    assert.ok(f.ParentUUID === '' || uuids.has(f.ParentUUID));
    const m = f.Metric;
    assert.ok(m !== undefined && m.ABPackets + m.BAPackets > 0 && m.ABBytes >= 0 && m.BABytes >= 0);
    assert.deepEqual(JSON.parse(JSON.stringify(f)), f);
  }
}

describe('packet path fuzzing', function () {
  this.timeout(20_000);
  const files = readdirSync(dirname(tracePath('simple-tcpv4.pcap'))).filter((n) => n.endsWith('.pcap')).map((n) => trace(n));

  it('never throws but FLOW_PCAP_INVALID on mutated traces, and the table stays consistent', () => {
    const prng = new Prng(20240601);
    let invalid = 0, packets = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const original = prng.pick(files);
      const input = mutate(prng, original, recordOffsets(original));
      const sender = new RecordingSender();
      const table = new FlowTable(traceOptions({
        layerKeyMode: prng.int(2) === 0 ? 'L2' : 'L3', ipDefrag: prng.int(2) === 0, rawPacketLimit: prng.int(3),
        extraLayers: prng.int(2) * 255, mplsUDPPorts: [51234, 6635], maxEntries: 1000,
      }), { sender });
      try {
        readPcap(input, table);
      } catch (err) {
        assert.ok(isAppError(err, 'FLOW_PCAP_INVALID'), String(err));
        invalid++;
      }
      packets += table.stats().PacketsReceived;
      consistent(table, table.flows());
      table.updateAt(Date.now());
      table.stop();
      assert.equal(table.size, 0);
    }
    assert.ok(invalid > 0 && invalid < ITERATIONS, `${invalid} invalid files`);
    assert.ok(packets > ITERATIONS, `${packets} packets decoded`);
  });

  it('gives the same flows with and without the fast path', () => {
    const prng = new Prng(5);
    for (let i = 0; i < 600; i++) {
      const original = prng.pick(files);
      const input = i < files.length ? (files[i] as Uint8Array) : mutate(prng, original, recordOffsets(original));
      const options = traceOptions({
        layerKeyMode: prng.int(2) === 0 ? 'L2' : 'L3', extraTCPMetric: prng.int(2) === 0, extraLayers: prng.int(2) * 255,
        mplsUDPPorts: [51234],
      });
      const snapshots = [true, false].map((fastPath) => {
        const table = new FlowTable(options, { sender: new RecordingSender(), fastPath });
        try {
          readPcap(input, table);
        } catch {
          // the frames before the error count
        }
        return JSON.stringify(table.flows());
      });
      assert.equal(snapshots[0], snapshots[1]);
    }
  });

  it('accounts random frames of any link type without throwing', () => {
    const prng = new Prng(99);
    const table = new FlowTable(traceOptions({ extraLayers: 255, rawPacketLimit: 1, maxEntries: 100_000 }), { sender: new RecordingSender() });
    const frames = files.map((f) => f.subarray(40, 40 + 200));
    for (let i = 0; i < 20000; i++) {
      const base = prng.pick(frames);
      const frame = Uint8Array.from(base.subarray(prng.int(24)));
      for (let k = prng.int(6); k > 0; k--) frame[prng.int(frame.length)] = prng.int(256);
      table.packet(frame, 0, prng.int(frame.length + 1), frame.length + prng.int(100), 1e12 + i, prng.pick(LINK_TYPES));
    }
    consistent(table, table.flows());
    assert.ok(table.size > 0);
    assert.equal(table.stats().PacketsReceived, 20000);
  });
});
