// Aggregates([seconds]) on metrics: every series merged into one, cut into buckets of `seconds`. A metric's
// counters are shared between the buckets it overlaps in proportion to the overlap, as integers adding up exactly.
import { GremlinErrors, gremlinError } from '../errors.js';
import { defineStep, type StepContext } from '../extension.js';
import { type Metric, type MetricSeries, MetricsResult } from '../results/metrics.js';
import { expectCount, integerParam } from './params.js';

/** Most buckets Aggregates() builds (Skydive's limit). */
export const MAX_BUCKETS = 10_000;

/** Bucket length when Aggregates() has no parameter, in seconds. */
export const DEFAULT_BUCKET_SECONDS = 30;

/** The key of the single series Aggregates() produces. */
export const AGGREGATED = 'Aggregated';

/** `value * weight / total` for non-negative integers as [quotient, remainder], exact beyond 2^53 too. */
function divide(value: number, weight: number, total: number): [number, number] {
  const p = value * weight;
  if (Number.isSafeInteger(p)) {
    const r = p % total;
    return [(p - r) / total, r];
  }
  const big = BigInt(value) * BigInt(weight);
  const t = BigInt(total);
  return [Number(big / t), Number(big % t)];
}

/**
 * Splits the integer `value` into integer parts proportional to `weights` (non-negative integers, positive sum) by
 * the largest-remainder method, ties going to the earlier part, so the parts add up to `value` exactly.
 */
export function apportion(value: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const abs = Math.abs(value);
  const parts: number[] = [];
  const rems: number[] = [];
  let given = 0;
  for (const w of weights) {
    const [q, r] = divide(abs, w, total);
    parts.push(q);
    rems.push(r);
    given += q;
  }
  const left = abs - given;
  if (left > 0) {
    const order = weights.map((_w, i) => i).sort((a, b) => (rems[b] as number) - (rems[a] as number) || a - b);
    for (let k = 0; k < left; k++) {
      const i = order[k] as number;
      parts[i] = (parts[i] as number) + 1;
    }
  }
  return value < 0 ? parts.map((p) => (p === 0 ? 0 : -p)) : parts;
}

/** Buckets `[start + i·width, start + (i+1)·width)` for i < count. */
interface Buckets {
  readonly start: number;
  readonly width: number;
  readonly count: number;
}

/** The window: a range time slice, otherwise the earliest Start and latest Last of the data (none: undefined). */
function windowOf(series: MetricSeries, ctx: StepContext): [number, number] | undefined {
  const slice = ctx.timeSlice;
  if (slice !== undefined && !slice.point) return [Math.floor(slice.start), Math.ceil(slice.end)];
  let start = Infinity;
  let end = -Infinity;
  for (const metrics of series.values()) {
    for (const m of metrics) {
      ctx.budget.tick();
      start = Math.min(start, m.Start);
      end = Math.max(end, m.Last);
    }
  }
  return start <= end ? [start, end] : undefined;
}

function bucketsOf([start, end]: [number, number], seconds: number): Buckets {
  const width = seconds * 1000;
  const count = Math.max(1, Math.ceil((end - start) / width));
  if (count > MAX_BUCKETS) {
    throw gremlinError(GremlinErrors.TOO_MANY_BUCKETS,
      `Aggregates(${seconds}): the window needs ${count} buckets, more than ${MAX_BUCKETS}; use longer buckets`,
      { buckets: count, max: MAX_BUCKETS, seconds });
  }
  return { start, width, count };
}

/**
 * The buckets a metric falls in and its weight in each. A metric with Start = Last weighs 1 in the bucket holding
 * it. Otherwise weights are overlaps in ms, plus a last weight for any part outside the buckets (it has its
 * share but is dropped); Metrics() never yields such parts.
 */
function placeMetric(m: Metric, b: Buckets): { first: number; weights: number[]; inside: number } {
  const end = b.start + b.count * b.width;
  if (m.Start === m.Last) {
    if (m.Start < b.start || m.Start > end) return { first: 0, weights: [], inside: 0 };
    return { first: Math.min(Math.floor((m.Start - b.start) / b.width), b.count - 1), weights: [1], inside: 1 };
  }
  const first = Math.max(0, Math.floor((m.Start - b.start) / b.width));
  const last = Math.min(b.count - 1, Math.ceil((m.Last - b.start) / b.width) - 1);
  const weights: number[] = [];
  let covered = 0;
  for (let i = first; i <= last; i++) {
    const lo = b.start + i * b.width;
    const overlap = Math.max(0, Math.min(m.Last, lo + b.width) - Math.max(m.Start, lo));
    weights.push(overlap);
    covered += overlap;
  }
  const inside = weights.length;
  if (covered === 0) return { first, weights: [], inside: 0 };
  if (covered < m.Last - m.Start) weights.push(m.Last - m.Start - covered);
  return { first, weights, inside };
}

/** Counter sums of one bucket. */
type Sums = Map<string, number>;

/** Adds a metric's shares to the buckets it overlaps, creating them as needed. */
function addMetric(buckets: (Sums | undefined)[], m: Metric, b: Buckets, ctx: StepContext): void {
  const { first, weights, inside } = placeMetric(m, b);
  for (let k = 0; k < inside; k++) {
    ctx.budget.tick();
    if (weights[k] !== 0) buckets[first + k] ??= new Map();
  }
  for (const [field, value] of Object.entries(m)) {
    if (field === 'Start' || field === 'Last') continue;
    const shares = apportion(value, weights);
    for (let k = 0; k < inside; k++) {
      ctx.budget.tick();
      const sums = buckets[first + k];
      if (sums !== undefined && weights[k] !== 0) sums.set(field, (sums.get(field) ?? 0) + (shares[k] as number));
    }
  }
}

/** Merges every metric into buckets; empty buckets are dropped, and no series is left when all are empty. */
function aggregate(series: MetricSeries, seconds: number, ctx: StepContext): MetricSeries {
  const window = windowOf(series, ctx);
  if (window === undefined) return new Map();
  const b = bucketsOf(window, seconds);
  const buckets: (Sums | undefined)[] = new Array(b.count);
  for (const metrics of series.values()) for (const m of metrics) addMetric(buckets, m, b, ctx);
  const out: Metric[] = [];
  buckets.forEach((sums, i) => {
    if (sums === undefined) return;
    const Start = b.start + i * b.width;
    out.push({ Start, Last: Start + b.width, ...Object.fromEntries(sums) });
  });
  ctx.budget.ensureSize(out.length);
  return out.length === 0 ? new Map() : new Map([[AGGREGATED, out]]);
}

/** Aggregates([seconds]): one series, 'Aggregated', summing every metric per bucket of `seconds` (default 30). */
export const aggregatesStep = defineStep<number>({
  name: 'Aggregates',
  inputs: ['metrics'],
  output: 'metrics',
  compile(params, site) {
    expectCount(params, site, 0, 1);
    return params[0] === undefined ? DEFAULT_BUCKET_SECONDS : integerParam(params[0], site, 1);
  },
  apply: (input, seconds, ctx) => new MetricsResult(aggregate((input as MetricsResult).series, seconds, ctx)),
});
