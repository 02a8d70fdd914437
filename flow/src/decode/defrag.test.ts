// IPv4 reassembly: fragments in any order, duplicates, overlaps, limits and stale datagrams.
import assert from 'node:assert/strict';
import { ipv4Packet } from '../testing/frames.js';
import { Ipv4Defragmenter } from './defrag.js';

function fragment(id: number, offset: number, more: boolean, payload: number[]): Uint8Array {
  return ipv4Packet('10.0.0.1', '10.0.0.2', 17, Uint8Array.from(payload), { id, fragmentOffset: offset, moreFragments: more });
}

function add(d: Ipv4Defragmenter, f: Uint8Array, ts = 0): Uint8Array | undefined {
  return d.add(f, 0, 20, f.length, ts);
}

describe('Ipv4Defragmenter', () => {
  it('reassembles fragments arriving in any order', () => {
    const d = new Ipv4Defragmenter();
    const a = [1, 2, 3, 4, 5, 6, 7, 8], b = [9, 10, 11, 12, 13, 14, 15, 16], c = [17, 18];
    assert.equal(add(d, fragment(1, 16, false, c)), undefined);
    assert.equal(add(d, fragment(1, 0, true, a)), undefined);
    assert.equal(add(d, fragment(1, 0, true, a)), undefined); // duplicate
    assert.deepEqual([...(add(d, fragment(1, 8, true, b)) ?? [])], [...a, ...b, ...c]);
    assert.deepEqual([d.lastFragments, d.lastErrors, d.pending], [2, 0, 0]);
  });

  it('counts an overlapping fragment as an error of its datagram', () => {
    const d = new Ipv4Defragmenter();
    add(d, fragment(2, 0, true, [1, 2, 3, 4, 5, 6, 7, 8]));
    assert.equal(add(d, fragment(2, 0, true, [1, 2, 3, 4])), undefined);
    assert.ok(add(d, fragment(2, 8, false, [9])) !== undefined);
    assert.equal(d.lastErrors, 1);
  });

  it('drops the oldest datagram beyond its limit and stale datagrams on flush', () => {
    const d = new Ipv4Defragmenter({ maxDatagrams: 2, maxFragments: 4 });
    for (const id of [1, 2, 3]) add(d, fragment(id, 0, true, [1, 2, 3, 4, 5, 6, 7, 8]), id * 1000);
    assert.equal(d.pending, 2);
    assert.equal(d.droppedErrors, 1);
    assert.equal(d.flushOlderThan(2500), 1);
    assert.equal(d.pending, 1);
  });
});
