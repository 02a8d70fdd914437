import { strict as assert } from 'node:assert';
import { metric } from '../testing/flow-fixture.js';
import { addMetrics, aggregateMetrics, flowMetricToJSON, isZeroMetric, metricBuckets, splitMetric, sumMetrics } from './metric.js';

describe('flow metrics', () => {
  it('splits a metric in proportion to time (reference TestSlice)', () => {
    const [a, b] = splitMetric(metric([100, 100], [100, 100], 0, 100), 25);
    assert.deepEqual(a, metric([25, 25], [25, 25], 0, 25));
    assert.deepEqual(b, metric([75, 75], [75, 75], 25, 100));
  });

  it('gives the rounding remainder to the second part so the parts add up exactly', () => {
    const [a, b] = splitMetric(metric([10, 1001], [3, 7], 0, 3), 1);
    assert.deepEqual(a, metric([3, 333], [1, 2], 0, 1));
    assert.deepEqual(b, metric([7, 668], [2, 5], 1, 3));
  });

  it('keeps the metric whole when the cut is outside it or the metric is an instant', () => {
    const m = metric([1, 1], [1, 1], 10, 20);
    assert.deepEqual(splitMetric(m, 5), [undefined, m]);
    assert.deepEqual(splitMetric(m, 10), [undefined, m]);
    assert.deepEqual(splitMetric(m, 20), [m, undefined]);
    assert.deepEqual(splitMetric(m, 25), [m, undefined]);
    const instant = metric([1, 1], [1, 1], 10, 10);
    assert.deepEqual(splitMetric(instant, 10), [instant, undefined]);
    assert.deepEqual(splitMetric(instant, 9), [undefined, instant]);
  });

  it('splits counters beyond 2^53 exactly', () => {
    const big = 2 ** 60;
    const [a, b] = splitMetric(metric([0, big], [0, 0], 0, 4), 1);
    assert.equal(a?.ABBytes, big / 4);
    assert.equal((a?.ABBytes ?? 0) + (b?.ABBytes ?? 0), big);
  });

  it('adds counters, drops RTT, widens the time span', () => {
    assert.deepEqual(addMetrics(metric([1, 2], [3, 4], 10, 20, 99), metric([1, 1], [1, 1], 5, 15)), metric([2, 3], [4, 5], 5, 20));
    assert.deepEqual(sumMetrics([[metric([1, 2], [3, 4], 10, 20, 99)], [metric([1, 1], [1, 1], 30, 40)]]), metric([2, 3], [4, 5], 10, 40));
    assert.equal(sumMetrics([]), undefined);
  });

  it('serializes with zero counters kept and RTT only when set', () => {
    assert.deepEqual(Object.keys(flowMetricToJSON(metric([0, 0], [0, 0], 0, 0))), ['ABPackets', 'ABBytes', 'BAPackets', 'BABytes', 'Start', 'Last']);
    assert.equal(flowMetricToJSON(metric([0, 0], [0, 0], 0, 0, 7)).RTT, 7);
    assert.equal(isZeroMetric(metric([0, 0], [0, 0], 1, 2)), true);
    assert.equal(isZeroMetric(metric([0, 0], [0, 1], 1, 2)), false);
  });

  it('cuts series into buckets, splitting metrics that straddle a boundary', () => {
    const series = [
      [metric([1, 100], [1, 200], 2000, 3000)],
      [metric([1, 100], [1, 200], 2100, 3100), metric([2, 200], [1, 100], 4000, 5000)],
      [metric([1, 42], [0, 0], 4500, 4500)],
    ];
    assert.deepEqual(aggregateMetrics(series, metricBuckets(2000, 5000, 1000)), [
      metric([1, 190], [1, 380], 2000, 3000),
      metric([1, 10], [1, 20], 3000, 4000),
      metric([3, 242], [1, 100], 4000, 5000),
    ]);
  });

  it('drops the parts outside the window and ends the last bucket at the window end', () => {
    const out = aggregateMetrics([[metric([10, 10], [0, 0], 0, 100)]], metricBuckets(50, 80, 20));
    assert.deepEqual(out, [metric([2, 2], [0, 0], 50, 70), metric([1, 1], [0, 0], 70, 80)]);
  });

  it('creates no bucket for all-zero parts', () => {
    assert.deepEqual(aggregateMetrics([[metric([0, 0], [0, 0], 0, 10)]], metricBuckets(0, 10, 5)), []);
  });
});
