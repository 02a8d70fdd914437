// The §5.4 worked example: the byte stream of a ping in layer-key-mode.pcap and the ids hashed from it.
import assert from 'node:assert/strict';
import { PacketDecoder } from '../decode/decoder.js';
import { DecodedPacket } from '../decode/packet.js';
import { PacketSequence, splitPacket, type SubPacket } from '../decode/split.js';
import { readPcap } from '../pcap/reader.js';
import { trace } from '../test-support.js';
import { flowIds, FlowKeyWriter } from './flow-key.js';
import { Xxh64 } from './xxh64.js';

/** The key stream of the first sub-packet of each frame of a trace. */
function streams(name: string, l2: boolean): FlowKeyWriter[] {
  const decoder = new PacketDecoder({ mplsUDPPorts: [] });
  const out: FlowKeyWriter[] = [];
  readPcap(trace(name), {
    packet(d, o, c, w, _ts, lt) {
      const p = decoder.decode(new DecodedPacket(), d, o, c, lt);
      const seq = new PacketSequence();
      splitPacket(p, w, seq);
      const k = new FlowKeyWriter();
      k.write(p, seq.subs[0] as SubPacket, l2);
      out.push(k);
    },
  });
  return out;
}

const hex = (k: FlowKeyWriter, from: number, to: number): string => Buffer.from(k.bytes.subarray(from, to)).toString('hex');

describe('flow keys', () => {
  it('write the worked example stream: swapped IPs, ICMP word, swapped MACs', () => {
    const [request] = streams('layer-key-mode.pcap', true);
    assert.ok(request);
    assert.equal(request.swap, true);
    assert.equal(hex(request, 0, request.l3End), 'c0a80001c0a80002000000000000000102005c340000000000000000');
    assert.equal(hex(request, request.l3End, request.length), '2eb92d762407f245255b3abc0000000000000003');
  });

  it('hash the stream into TrackingID, L3TrackingID and UUID', () => {
    const ks = streams('layer-key-mode.pcap', true);
    const ids = ks.map((k) => flowIds(new Xxh64(), k.bytes, k.l3End, k.length, '', 1526468153643, ''));
    assert.deepEqual(ids[0], { l3TrackingID: '9e42a86914a043b8', trackingID: 'a25d427a9f9dcdb8', uuid: '73b2b3bcc5609d4a' });
    // request and reply hash alike; the second exchange comes from …:3a:ac
    assert.equal(ids[1]?.trackingID, 'a25d427a9f9dcdb8');
    assert.equal(ids[2]?.trackingID, '6952cad8cd38c63c');
    assert.equal(ids[2]?.l3TrackingID, '9e42a86914a043b8');
    const other = flowIds(new Xxh64(), ks[0]?.bytes as Uint8Array, ks[0]?.l3End ?? 0, ks[0]?.length ?? 0, '', 1526468153643, 'node-1');
    assert.notEqual(other.uuid, '73b2b3bcc5609d4a');
    assert.equal(other.trackingID, 'a25d427a9f9dcdb8');
  });

  it('leave the MACs out in L3 mode', () => {
    const [k] = streams('layer-key-mode.pcap', false);
    assert.equal(k?.length, k?.l3End);
  });
});
