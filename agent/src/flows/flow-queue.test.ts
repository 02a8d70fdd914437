import { strict as assert } from 'node:assert';
import { fakeFlow } from '../capture/fakes.js';
import { FlowQueue } from './flow-queue.js';

const ids = (q: FlowQueue) => q.take(q.length).map((f) => f.UUID);
const flows = (...names: string[]) => names.map((n) => fakeFlow(n));

describe('flow queue', () => {
  it('hands flows out in arrival order, in batches', () => {
    const q = new FlowQueue(10);
    q.push(flows('a', 'b', 'c'));
    assert.deepEqual(q.take(2).map((f) => f.UUID), ['a', 'b']);
    q.push(flows('d'));
    assert.deepEqual(ids(q), ['c', 'd']);
    assert.equal(q.length, 0);
  });

  it('drops the oldest flows beyond its capacity and says how many', () => {
    const q = new FlowQueue(3);
    assert.equal(q.push(flows('a', 'b')), 0);
    assert.equal(q.push(flows('c', 'd', 'e')), 2);
    assert.deepEqual(ids(q), ['c', 'd', 'e']);
  });

  it('puts an unsent batch back in front, dropping the oldest when full', () => {
    const q = new FlowQueue(4);
    q.push(flows('c', 'd', 'e'));
    assert.equal(q.unshift(flows('a', 'b')), 1);
    assert.deepEqual(ids(q), ['b', 'c', 'd', 'e']);
  });

  it('stays correct across many pushes and takes (compaction)', () => {
    const q = new FlowQueue(100_000);
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 50; round++) {
      q.push(Array.from({ length: 1000 }, () => fakeFlow(String(next++))));
      for (const f of q.take(900)) assert.equal(f.UUID, String(expected++));
    }
    assert.equal(q.length, 50 * 100);
    assert.equal(q.clear(), 5000);
    assert.equal(q.length, 0);
  });
});
