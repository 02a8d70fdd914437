import { strict as assert } from 'node:assert';
import { isAppError } from '@topoflow/common';
import { FlowErrors } from '../errors.js';
import { LinkType, type PacketSink } from '../table/contract.js';
import { BpfSink } from './sink.js';
import { sampleFrames } from './test-frames.js';

/** A sink that records what it receives. */
class Recorder implements PacketSink {
  readonly got: { bytes: string; caplen: number; wire: number; ts: number; linkType: number }[] = [];
  packet(data: Uint8Array, offset: number, caplen: number, wire: number, ts: number, linkType: number): void {
    this.got.push({ bytes: Buffer.from(data.subarray(offset, offset + caplen)).toString('hex'), caplen, wire, ts, linkType });
  }
}

describe('BpfSink', () => {
  const frames = sampleFrames();

  it('forwards the frames the expression accepts, unchanged, and counts the others', () => {
    const rec = new Recorder();
    const sink = new BpfSink('icmp or (vlan and icmp)', rec);
    for (const d of Object.values(frames)) sink.packet(d, 0, d.length, d.length + 4, 1234.5, LinkType.ETHERNET);
    assert.deepEqual(rec.got.map((g) => g.bytes), [frames.icmp, frames.icmpVlan].map((d) => d?.toString('hex')));
    assert.deepEqual(rec.got[0], { bytes: frames.icmp?.toString('hex'), caplen: frames.icmp?.length, wire: (frames.icmp?.length ?? 0) + 4, ts: 1234.5, linkType: LinkType.ETHERNET });
    assert.deepEqual(sink.stats(), { accepted: 2, rejected: Object.keys(frames).length - 2, uncompilable: 0 });
  });

  it('fails at construction with FLOW_BPF_INVALID on a bad expression', () => {
    assert.throws(() => new BpfSink('port 99999999', new Recorder()), (err) => isAppError(err, FlowErrors.BPF_INVALID));
  });

  it('compiles the expression again for another link type', () => {
    const rec = new Recorder();
    const sink = new BpfSink('udp port 53', rec);
    const raw = (frames.udpDns as Buffer).subarray(14);
    sink.packet(raw, 0, raw.length, raw.length, 0, LinkType.RAW);
    assert.equal(rec.got.length, 1);
    assert.equal(rec.got[0]?.linkType, LinkType.RAW);
  });

  it('rejects frames of a link type the expression has no meaning for', () => {
    const rec = new Recorder();
    const sink = new BpfSink('ether broadcast', rec);
    const raw = (frames.broadcast as Buffer).subarray(14);
    sink.packet(raw, 0, raw.length, raw.length, 0, LinkType.RAW);
    sink.packet(frames.broadcast as Buffer, 0, (frames.broadcast as Buffer).length, 60, 0, LinkType.ETHERNET);
    assert.equal(rec.got.length, 1);
    assert.deepEqual(sink.stats(), { accepted: 1, rejected: 1, uncompilable: 1 });
  });
});
