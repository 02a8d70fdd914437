// Flow metric arithmetic: splitting a metric at an instant (counters shared in proportion to time, as integers that
// add up exactly), summing, and cutting metric series into fixed buckets for Aggregates().
import type { FlowMetric } from './flow.js';

/** The counters a flow metric adds up (RTT is a measure, not a counter: sums drop it, as Skydive does). */
export const FLOW_METRIC_COUNTERS = ['ABPackets', 'ABBytes', 'BAPackets', 'BABytes'] as const;

/** One of the counters. */
export type FlowMetricCounter = (typeof FLOW_METRIC_COUNTERS)[number];

/** Every field of a flow metric, in JSON order. */
export const FLOW_METRIC_FIELDS = [...FLOW_METRIC_COUNTERS, 'Start', 'Last', 'RTT'] as const;

/** A metric's JSON: counters, Start and Last always, RTT only when set (Skydive's omitempty). */
export function flowMetricToJSON(m: FlowMetric): FlowMetric {
  const out: FlowMetric = {
    ABPackets: m.ABPackets ?? 0, ABBytes: m.ABBytes ?? 0, BAPackets: m.BAPackets ?? 0, BABytes: m.BABytes ?? 0,
    Start: m.Start ?? 0, Last: m.Last ?? 0,
  };
  if (m.RTT) out.RTT = m.RTT;
  return out;
}

/** True when every counter is zero. */
export function isZeroMetric(m: FlowMetric): boolean {
  return FLOW_METRIC_COUNTERS.every((c) => !m[c]);
}

/** `floor(value * num / den)` for non-negative integers, exact beyond 2^53 too. */
function scale(value: number, num: number, den: number): number {
  const p = value * num;
  if (Number.isSafeInteger(p)) return Math.floor(p / den);
  return Number((BigInt(Math.trunc(value)) * BigInt(num)) / BigInt(den));
}

/** Counters of `a` minus those of `b`, with the given Start and Last. */
function difference(a: FlowMetric, b: FlowMetric, Start: number, Last: number): FlowMetric {
  return {
    ABPackets: a.ABPackets - b.ABPackets, ABBytes: a.ABBytes - b.ABBytes,
    BAPackets: a.BAPackets - b.BAPackets, BABytes: a.BABytes - b.BABytes, Start, Last,
  };
}

/**
 * Splits a metric at `cut` into the part before and the part after (Skydive's Split): the first part gets
 * floor(counter × (cut − Start) / (Last − Start)), the second the rest. A cut outside ]Start, Last[, or an instant
 * metric, leaves the metric whole on one side; the missing side is undefined.
 */
export function splitMetric(m: FlowMetric, cut: number): [FlowMetric | undefined, FlowMetric | undefined] {
  if (cut <= m.Start && !(m.Start === m.Last && cut === m.Start)) return [undefined, m];
  if (cut >= m.Last || m.Start === m.Last) return [m, undefined];
  const num = cut - m.Start;
  const den = m.Last - m.Start;
  const first: FlowMetric = {
    ABPackets: scale(m.ABPackets, num, den), ABBytes: scale(m.ABBytes, num, den),
    BAPackets: scale(m.BAPackets, num, den), BABytes: scale(m.BABytes, num, den), Start: m.Start, Last: cut,
  };
  return [first, difference(m, first, cut, m.Last)];
}

/** Counters of `a` plus those of `b`; Start the earliest, Last the latest. */
export function addMetrics(a: FlowMetric, b: FlowMetric): FlowMetric {
  return {
    ABPackets: a.ABPackets + b.ABPackets, ABBytes: a.ABBytes + b.ABBytes,
    BAPackets: a.BAPackets + b.BAPackets, BABytes: a.BABytes + b.BABytes,
    Start: Math.min(a.Start, b.Start), Last: Math.max(a.Last, b.Last),
  };
}

/** Buckets `[start + i·width, min(start + (i+1)·width, end)]`. */
export interface MetricBuckets {
  readonly start: number;
  readonly end: number;
  readonly width: number;
  readonly count: number;
}

/** The buckets covering [start, end] (at least one). */
export function metricBuckets(start: number, end: number, width: number): MetricBuckets {
  return { start, end, width, count: Math.max(1, Math.ceil((end - start) / width)) };
}

function addTo(sums: (FlowMetric | undefined)[], i: number, part: FlowMetric, b: MetricBuckets): void {
  if (isZeroMetric(part)) return;
  const lo = b.start + i * b.width;
  const bucket = { ...part, Start: lo, Last: Math.min(lo + b.width, b.end) };
  const cur = sums[i];
  sums[i] = cur === undefined ? flowMetricToJSON({ ...bucket, RTT: 0 }) : { ...addMetrics(cur, bucket), Start: cur.Start, Last: cur.Last };
}

/** Adds a metric's share of each bucket it overlaps; parts outside [start, end] are dropped. */
function placeMetric(sums: (FlowMetric | undefined)[], m: FlowMetric, b: MetricBuckets): void {
  if (m.Start === m.Last) {
    if (m.Start >= b.start && m.Start <= b.end) addTo(sums, Math.min(Math.floor((m.Start - b.start) / b.width), b.count - 1), m, b);
    return;
  }
  let rest: FlowMetric | undefined = splitMetric(m, b.start)[1];
  let i = Math.max(0, Math.floor(((rest?.Start ?? b.start) - b.start) / b.width));
  while (rest !== undefined && i < b.count) {
    const [part, after] = splitMetric(rest, Math.min(b.start + (i + 1) * b.width, b.end));
    if (part !== undefined) addTo(sums, i, part, b);
    rest = after;
    i++;
  }
}

/** Merges every metric into the buckets and returns the non-empty ones, in time order. */
export function aggregateMetrics(series: Iterable<readonly FlowMetric[]>, b: MetricBuckets, tick: () => void = () => {}): FlowMetric[] {
  const sums: (FlowMetric | undefined)[] = new Array(b.count);
  for (const metrics of series) {
    for (const m of metrics) {
      tick();
      placeMetric(sums, m, b);
    }
  }
  return sums.filter((s): s is FlowMetric => s !== undefined);
}

/** The sum of every metric (counters added, Start the earliest, Last the latest), or undefined when there is none. */
export function sumMetrics(series: Iterable<readonly FlowMetric[]>): FlowMetric | undefined {
  let total: FlowMetric | undefined;
  for (const metrics of series) {
    for (const m of metrics) total = total === undefined ? flowMetricToJSON({ ...m, RTT: 0 }) : addMetrics(total, m);
  }
  return total;
}
