// Live flows: newest report wins, finished flows leave after the hold timeout, silent ones after the TTL, a
// full map evicts the least recently reported flow, and searches by capture node, filter and limit.
import assert from 'node:assert/strict';
import { sampleFlow } from '../testing.js';
import { LiveFlows } from './live-flows.js';

const HOLD = 15_000;
const TTL = 1_200_000;
const uuids = (live: LiveFlows, s: Parameters<LiveFlows['search']>[0] = {}) => live.search(s).map((f) => f.UUID);
const stats = (id: string, n: number) => ({ CaptureID: id, FlowCount: n, FlowDropped: 0, KernelFlowDropped: 0, PacketsDropped: 0, PacketsReceived: n });

describe('live flows', () => {
  let live: LiveFlows;
  beforeEach(() => {
    live = new LiveFlows({ holdTimeoutMs: HOLD, liveTTLMs: TTL, maxLiveFlows: 3 });
  });

  it('keeps the newest report of each flow and ignores an older one', () => {
    live.update('h1', [sampleFlow('a', 0, 10), sampleFlow('a', 0, 30)], 1000);
    const r = live.update('h1', [sampleFlow('a', 0, 20)], 1001);
    assert.deepEqual(r, { stale: 1, evicted: 0 });
    assert.equal(live.get('a')?.Last, 30);
    assert.equal(live.size, 1);
  });

  it('removes a finished flow once the hold timeout has passed since its last report', () => {
    live.update('h1', [sampleFlow('fin', 0, 10, { FinishType: 2 }), sampleFlow('open', 0, 10)], 1000);
    assert.deepEqual(live.expire(1000 + HOLD - 1), { finished: 0, idle: 0 });
    assert.deepEqual(uuids(live), ['fin', 'open']);
    assert.deepEqual(live.expire(1000 + HOLD), { finished: 1, idle: 0 });
    assert.deepEqual(uuids(live), ['open']);
  });

  it('removes flows not reported for the live TTL, and the stats of silent captures', () => {
    live.update('h1', [sampleFlow('a', 0, 10), sampleFlow('b', 0, 10)], 1000);
    live.updateStats('h1', [stats('c1', 2)], 1000);
    live.update('h1', [sampleFlow('a', 0, 20)], 5000);
    assert.deepEqual(live.expire(1000 + TTL), { finished: 0, idle: 1 });
    assert.deepEqual(uuids(live), ['a']);
    assert.deepEqual(live.captureStats(), []);
    assert.deepEqual(live.expire(5000 + TTL), { finished: 0, idle: 1 });
    assert.equal(live.size, 0);
  });

  it('evicts the least recently reported flow when full', () => {
    live.update('h1', [sampleFlow('a', 0, 1), sampleFlow('b', 0, 1), sampleFlow('c', 0, 1)], 1000);
    live.update('h1', [sampleFlow('a', 0, 2)], 1001);
    const r = live.update('h2', [sampleFlow('d', 0, 1)], 1002);
    assert.equal(r.evicted, 1);
    assert.deepEqual(uuids(live), ['c', 'a', 'd']);
    assert.deepEqual(live.countByHost(), { h1: 2, h2: 1 });
  });

  it('searches by capture node, filter and limit', () => {
    live = new LiveFlows({ holdTimeoutMs: HOLD, liveTTLMs: TTL, maxLiveFlows: 100 });
    live.update('h1', [
      sampleFlow('a', 0, 1, { NodeTID: 'n1' }), sampleFlow('b', 0, 1, { NodeTID: 'n2', Application: 'DNS' }),
      sampleFlow('c', 0, 1, { NodeTID: 'n1', Application: 'DNS' }), sampleFlow('d', 0, 1, { NodeTID: 'n3' }),
    ], 1000);
    assert.deepEqual(uuids(live, { nodeTIDs: ['n1', 'n3'] }), ['a', 'c', 'd']);
    assert.deepEqual(uuids(live, { nodeTIDs: [] }), []);
    assert.deepEqual(uuids(live, { filter: (f) => f.Application === 'DNS' }), ['b', 'c']);
    assert.deepEqual(uuids(live, { nodeTIDs: ['n1'], filter: (f) => f.Application === 'DNS' }), ['c']);
    assert.deepEqual(uuids(live, { limit: 2 }), ['a', 'b']);
    // A flow that moves to another capture node is found under the new one only.
    live.update('h1', [sampleFlow('a', 0, 2, { NodeTID: 'n2' })], 1001);
    assert.deepEqual(uuids(live, { nodeTIDs: ['n1'] }), ['c']);
    assert.deepEqual(uuids(live, { nodeTIDs: ['n2'] }), ['b', 'a']);
  });

  it('keeps the raw packets of the latest report that had some apart from the flow', () => {
    const packet = (i: number) => ({ Index: i, Timestamp: 100 + i, Data: 'AAE=' });
    live.update('h1', [sampleFlow('a', 0, 1, { LastRawPackets: [packet(1), packet(0)] }), sampleFlow('b', 0, 1, { LastRawPackets: [packet(0)] })], 1000);
    assert.equal(live.get('a')?.LastRawPackets, undefined);
    live.update('h1', [sampleFlow('a', 0, 2)], 1001);
    assert.deepEqual(live.rawPackets(['a', 'b', 'zz']).map((r) => `${r.UUID}#${r.Packet.Index}`), ['a#0', 'b#0', 'a#1']);
    live.update('h1', [sampleFlow('a', 0, 3, { LastRawPackets: [packet(2)] })], 1002);
    assert.deepEqual(live.rawPackets(['a']).map((r) => r.Packet.Index), [2]);
  });

  it('keeps the newest stats of each capture', () => {
    live.updateStats('h1', [stats('c1', 1), stats('c2', 5)], 1000);
    live.updateStats('h1', [stats('c1', 3)], 1001);
    assert.deepEqual(live.captureStats().map((s) => `${s.CaptureID}:${s.FlowCount}`).sort(), ['c1:3', 'c2:5']);
    assert.equal(live.captureCount, 2);
  });
});
