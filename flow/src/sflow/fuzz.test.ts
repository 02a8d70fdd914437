import { strict as assert } from 'node:assert';
import { Prng } from '@topoflow/common/testing';
import { sampleFrames } from '../bpf/test-frames.js';
import { LinkType, type PacketSink } from '../table/contract.js';
import { SflowDecoder } from './decoder.js';
import {
  appResourcesRecord, counterSample, datagram, ethernetCountersRecord, flowSample, genericCountersRecord, ovsDpRecord,
  rawHeaderRecord, unknownRecord, vlanCountersRecord,
} from './test-datagrams.js';

const LINK_TYPES = new Set<number>([LinkType.ETHERNET, LinkType.IPV4, LinkType.IPV6]);

/** A sink that checks every frame it gets stays inside the datagram and is well formed. */
class CheckingSink implements PacketSink {
  frames = 0;
  packet(data: Uint8Array, offset: number, caplen: number, wire: number, ts: number, linkType: number): void {
    assert.ok(offset >= 0 && caplen > 0 && offset + caplen <= data.length, `frame at ${offset}+${caplen} in ${data.length}`);
    assert.ok(wire >= caplen);
    assert.ok(Number.isFinite(ts));
    assert.ok(LINK_TYPES.has(linkType));
    this.frames++;
  }
}

function seedDatagrams(): Buffer[] {
  const frames = Object.values(sampleFrames());
  return [
    datagram([flowSample(frames.slice(0, 3).map((f) => rawHeaderRecord(f))), counterSample([genericCountersRecord({ IfIndex: 2 }), ethernetCountersRecord()])]),
    datagram([flowSample([rawHeaderRecord(frames[4] as Buffer, { frameLength: 1500 }), unknownRecord(1001, 8)], { expanded: true }),
      counterSample([vlanCountersRecord(10), ovsDpRecord(), appResourcesRecord()], { expanded: true })], { agent: 'fd00::1' }),
    datagram([unknownRecord(7, 4), flowSample([rawHeaderRecord(frames[10] as Buffer, { protocol: 12 })])], { agent: '' }),
  ];
}

/** One random change: flip a bit, set a byte or a word to an edge value, cut, or insert bytes. */
function mutate(rng: Prng, d: Buffer): Buffer {
  const out = Buffer.from(d);
  const at = rng.int(Math.max(1, out.length));
  switch (rng.int(6)) {
    case 0: out[at] = (out[at] ?? 0) ^ (1 << rng.int(8)); return out;
    case 1: out[at] = rng.int(256); return out;
    case 2: if (at + 4 <= out.length) out.writeUInt32BE(rng.pick([0, 1, 4, 0x7fffffff, 0xffffffff, rng.int(200)]), at & ~3); return out;
    case 3: return out.subarray(0, at);
    case 4: return Buffer.concat([out.subarray(0, at), Buffer.alloc(1 + rng.int(8), rng.int(256)), out.subarray(at)]);
    default: return Buffer.concat([out, Buffer.alloc(rng.int(16))]);
  }
}

describe('SflowDecoder fuzz', () => {
  it('never throws nor emits a frame outside the datagram on 30000 mutated datagrams', () => {
    const rng = new Prng(7_654_321);
    const sink = new CheckingSink();
    let counterSamples = 0;
    const decoder = new SflowDecoder({ sink, onCounters: () => counterSamples++ });
    const seeds = seedDatagrams();
    let ok = 0;
    for (let i = 0; i < 30000; i++) {
      let d = rng.pick(seeds);
      for (let m = 1 + rng.int(4); m > 0; m--) d = mutate(rng, d);
      if (decoder.decode(d)) ok++;
    }
    const s = decoder.stats();
    assert.equal(s.datagrams, 30000);
    assert.equal(s.malformed, 30000 - ok);
    assert.ok(s.malformed > 5000 && ok > 3000, `ok ${ok}, malformed ${s.malformed}`);
    assert.equal(s.packets, sink.frames);
    assert.equal(s.counterSamples, counterSamples);
  });
});
