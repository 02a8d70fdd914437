// Reconnection delays: exponential growth between min and max, jitter within the upper half, reset.
import assert from 'node:assert/strict';
import { Backoff } from './backoff.js';

describe('forwarder backoff', () => {
  it('doubles from min up to max, with jitter in [ceiling/2, ceiling]', () => {
    const low = new Backoff(100, 1000, () => 0);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => low.next()), [50, 100, 200, 400, 500, 500]);
    const high = new Backoff(100, 1000, () => 1);
    assert.deepEqual([1, 2, 3, 4, 5].map(() => high.next()), [100, 200, 400, 800, 1000]);
  });

  it('starts over after reset', () => {
    const b = new Backoff(100, 1000, () => 1);
    b.next();
    b.next();
    b.reset();
    assert.equal(b.failures, 0);
    assert.equal(b.next(), 100);
  });
});
