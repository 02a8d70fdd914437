// Metrics(['key']) on node lists: the interface metric each node revision carries in its metadata
// (LastUpdateMetric by default), grouped into one series per node ID. After At(t, d) the view holds every revision
// of the window, so the series has one metric per revision; live and after At(t) there is one metric per node.
import { getField } from '@topoflow/graph';
import { paramsError } from '../errors.js';
import { defineStep } from '../extension.js';
import type { TimeSlice } from '../history.js';
import { type Metric, MetricsResult } from '../results/metrics.js';
import type { NodesResult } from '../results/results.js';
import { expectCount, stringParam } from './params.js';

/** The metadata path read by Metrics() for each key it accepts (§4.6). */
export const METRIC_KEYS: ReadonlyMap<string, string> = new Map([
  ['LastUpdateMetric', 'LastUpdateMetric'],
  ['SFlow', 'SFlow.LastUpdateMetric'],
  ['SFlow.LastUpdateMetric', 'SFlow.LastUpdateMetric'],
  ['Ovs', 'Ovs.LastUpdateMetric'],
  ['Ovs.LastUpdateMetric', 'Ovs.LastUpdateMetric'],
]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a stored metric: a plain object with numeric `Start <= Last`. Numbers are truncated to integers (Skydive
 * stores int64 counters and milliseconds) and other fields dropped; anything else is no metric (undefined).
 */
export function readMetric(v: unknown): Metric | undefined {
  if (!isObject(v)) return undefined;
  const fields: [string, number][] = [];
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'number' && Number.isFinite(x)) fields.push([k, Math.trunc(x) + 0]);
  }
  const out = Object.fromEntries(fields);
  const { Start, Last } = out;
  if (Start === undefined || Last === undefined || Start > Last) return undefined;
  return out as Metric;
}

/**
 * Whether a metric counts for the query's time context. A range slice keeps metrics strictly inside it, as
 * Skydive does. A point slice (At(t): start = end) would keep nothing under that rule, so it keeps every metric,
 * like the live graph: the view already holds the one revision current at t.
 */
function inSlice(m: Metric, slice: TimeSlice | undefined): boolean {
  return slice === undefined || slice.point || (m.Start > slice.start && m.Last < slice.end);
}

/** Metrics(['key']): metric series by node ID, deduplicated on (ID, Start) and in Start order. */
export const metricsStep = defineStep<string>({
  name: 'Metrics',
  inputs: ['nodes'],
  output: 'metrics',
  compile(params, site) {
    expectCount(params, site, 0, 1);
    const p = params[0];
    if (p === undefined) return 'LastUpdateMetric';
    const path = METRIC_KEYS.get(stringParam(p, site, 'a metric key (string)'));
    if (path === undefined) throw paramsError(`${site.name}(): key must be one of ${[...METRIC_KEYS.keys()].join(', ')}`, p.pos);
    return path;
  },
  apply(input, path, ctx) {
    const found: { id: string; metric: Metric }[] = [];
    const seen = new Set<string>();
    for (const n of (input as NodesResult).items) {
      ctx.budget.tick();
      const metric = readMetric(getField(n, path));
      if (metric === undefined) continue;
      const key = `${metric.Start}\u0000${n.ID}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (inSlice(metric, ctx.timeSlice)) ctx.budget.ensureSize(found.push({ id: n.ID, metric }));
    }
    found.sort((a, b) => {
      ctx.budget.tick();
      return a.metric.Start - b.metric.Start;
    });
    const series = new Map<string, Metric[]>();
    for (const { id, metric } of found) {
      const s = series.get(id);
      if (s === undefined) series.set(id, [metric]);
      else s.push(metric);
    }
    return new MetricsResult(series);
  },
});
