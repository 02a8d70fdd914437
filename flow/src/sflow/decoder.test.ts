import { strict as assert } from 'node:assert';
import { ManualClock } from '@topoflow/common/testing';
import { sampleFrames } from '../bpf/test-frames.js';
import { LinkType, type PacketSink } from '../table/contract.js';
import { SflowDecoder } from './decoder.js';
import type { SflowCounterSample } from './records.js';
import {
  appResourcesRecord, counterSample, datagram, ethernetCountersRecord, flowSample, genericCountersRecord, ovsDpRecord,
  rawHeaderRecord, unknownRecord, vlanCountersRecord,
} from './test-datagrams.js';

interface Got { bytes: string; caplen: number; wire: number; ts: number; linkType: number }

/** A sink keeping copies of the frames (the decoder hands out views into the datagram). */
export class CopySink implements PacketSink {
  readonly got: Got[] = [];
  packet(data: Uint8Array, offset: number, caplen: number, wire: number, ts: number, linkType: number): void {
    assert.ok(offset + caplen <= data.length, 'frame inside the datagram');
    this.got.push({ bytes: Buffer.from(data.subarray(offset, offset + caplen)).toString('hex'), caplen, wire, ts, linkType });
  }
}

function setup() {
  const sink = new CopySink();
  const counters: SflowCounterSample[] = [];
  const clock = new ManualClock(1_700_000_000_500);
  const decoder = new SflowDecoder({ sink, clock, onCounters: (c) => counters.push(c) });
  return { sink, counters, decoder, clock };
}

describe('SflowDecoder', () => {
  const f = sampleFrames();
  const icmp = f.icmp as Buffer;
  const tcp = f.tcpSyn as Buffer;

  it('feeds the raw headers of compact and expanded flow samples with wire length = frame length - stripped', () => {
    const { sink, decoder } = setup();
    const ok = decoder.decode(datagram([
      flowSample([rawHeaderRecord(icmp, { frameLength: 1518, stripped: 4 })]),
      flowSample([rawHeaderRecord(tcp.subarray(0, 41), { frameLength: 200, stripped: 4 }), rawHeaderRecord(icmp)], { expanded: true }),
    ]));
    assert.equal(ok, true);
    assert.deepEqual(sink.got, [
      { bytes: icmp.toString('hex'), caplen: icmp.length, wire: 1514, ts: 1_700_000_000_500, linkType: LinkType.ETHERNET },
      { bytes: tcp.subarray(0, 41).toString('hex'), caplen: 41, wire: 196, ts: 1_700_000_000_500, linkType: LinkType.ETHERNET },
      { bytes: icmp.toString('hex'), caplen: icmp.length, wire: icmp.length, ts: 1_700_000_000_500, linkType: LinkType.ETHERNET },
    ]);
    assert.deepEqual(decoder.stats(), { datagrams: 1, malformed: 0, flowSamples: 2, counterSamples: 0, packets: 3, unsupportedHeaders: 0, skipped: 0 });
  });

  it('maps IPv4 and IPv6 header protocols to raw IP link types and skips the others', () => {
    const { sink, decoder } = setup();
    decoder.decode(datagram([flowSample([
      rawHeaderRecord(icmp.subarray(14), { protocol: 11 }), rawHeaderRecord((f.icmp6 as Buffer).subarray(14), { protocol: 12 }),
      rawHeaderRecord(icmp, { protocol: 2 }),
    ])]));
    assert.deepEqual(sink.got.map((g) => g.linkType), [LinkType.IPV4, LinkType.IPV6]);
    assert.equal(decoder.stats().unsupportedHeaders, 1);
  });

  it('never reports a wire length below the captured length', () => {
    const { sink, decoder } = setup();
    decoder.decode(datagram([flowSample([rawHeaderRecord(icmp, { frameLength: 10, stripped: 4 }), rawHeaderRecord(icmp, { frameLength: 2, stripped: 4 })])]));
    assert.deepEqual(sink.got.map((g) => g.wire), [icmp.length, icmp.length]);
  });

  it('skips unknown records and samples by their length and decodes what follows', () => {
    const { sink, counters, decoder } = setup();
    decoder.decode(datagram([
      unknownRecord(5, 12),
      flowSample([unknownRecord(1001, 16), rawHeaderRecord(icmp), unknownRecord((9 << 12) | 1, 0)]),
      counterSample([unknownRecord(1005, 20), genericCountersRecord({ IfIndex: 3 })]),
    ]));
    assert.equal(sink.got.length, 1);
    assert.equal(counters[0]?.interface?.IfIndex, 3);
    assert.equal(decoder.stats().skipped, 4);
  });

  it('reports counter samples with Skydive names, 64-bit counters and -1 for unknown ones', () => {
    const { counters, decoder } = setup();
    decoder.decode(datagram([
      counterSample([genericCountersRecord({ IfIndex: 7, IfInOctets: 2 ** 40 + 5, IfOutDiscards: 0xffffffff }), ethernetCountersRecord({ EthFCSErrors: 3 }),
        vlanCountersRecord(42, { VlanOctets: 99 })], { index: 7 }),
      counterSample([ovsDpRecord({ OvsDpNHit: 1234 }), appResourcesRecord()], { expanded: true, index: 1 }),
    ], { agent: 'fd00::a:1' }));
    assert.equal(counters.length, 2);
    const [port, dp] = counters as [SflowCounterSample, SflowCounterSample];
    assert.equal(port.agent, 'fd00::a:1');
    assert.equal(port.sourceIdIndex, 7);
    assert.equal(port.interface?.IfIndex, 7);
    assert.equal(port.interface?.IfInOctets, 2 ** 40 + 5);
    assert.equal(port.interface?.IfInUcastPkts, 1006);
    assert.equal(port.interface?.IfOutDiscards, -1);
    assert.equal(port.interface?.IfPromiscuousMode, 1018);
    assert.equal(port.ethernet?.EthFCSErrors, 3);
    assert.equal(port.ethernet?.EthSymbolErrors, 22);
    assert.deepEqual(port.vlan, { VlanId: 42, VlanOctets: 99, VlanUcastPkts: 50, VlanMulticastPkts: 5, VlanBroadcastPkts: 2, VlanDiscards: 1 });
    assert.equal(dp.sourceIdIndex, 1);
    assert.deepEqual(dp.ovsDp, { OvsDpNHit: 1234, OvsDpNMissed: 10, OvsDpNLost: 0, OvsDpNMaskHit: 90, OvsDpNFlows: 4, OvsDpNMasks: 2 });
    assert.deepEqual(dp.appResources, { OvsAppMemUsed: 2 ** 33, OvsAppMemMax: 2 ** 34, OvsAppFdOpen: 20, OvsAppFdMax: 1024, OvsAppConnOpen: 3, OvsAppConnMax: -1 });
    assert.equal(decoder.stats().counterSamples, 2);
  });

  it('reads IPv4 agent addresses and datagrams without one', () => {
    const { counters, decoder } = setup();
    decoder.decode(datagram([counterSample([])], { agent: '198.51.100.7' }));
    decoder.decode(datagram([counterSample([])], { agent: '' }));
    assert.deepEqual(counters.map((c) => c.agent), ['198.51.100.7', '']);
  });

  it('skips a truncated datagram as a whole, at every cut', () => {
    const { sink, counters, decoder } = setup();
    const d = datagram([flowSample([rawHeaderRecord(icmp)]), counterSample([genericCountersRecord({ IfIndex: 1 })]), flowSample([rawHeaderRecord(tcp)])]);
    for (let cut = 0; cut < d.length; cut++) assert.equal(decoder.decode(d.subarray(0, cut)), false, `cut at ${cut}`);
    assert.equal(sink.got.length, 0);
    assert.equal(counters.length, 0);
    assert.equal(decoder.stats().malformed, d.length);
  });

  it('skips datagrams of another version and records longer than their sample', () => {
    const { sink, decoder } = setup();
    const v4 = datagram([flowSample([rawHeaderRecord(icmp)])]);
    v4.writeUInt32BE(4, 0);
    assert.equal(decoder.decode(v4), false);
    const bad = datagram([flowSample([rawHeaderRecord(icmp)])]);
    const recordLength = 28 + 8 + 32 + 4; // header with agent, sample tlv, flow sample header, record format
    bad.writeUInt32BE(bad.readUInt32BE(recordLength) + 4, recordLength);
    assert.equal(decoder.decode(bad), false);
    assert.equal(sink.got.length, 0);
  });
});
