// Metrics() on flows (live: each flow's LastUpdateMetric, or Metric before its first update; under a time context:
// the stored metric records of the flows over the slice), then Aggregates(), Count(), Sum() and Keys() on them.
import {
  defineStep, expectCount, expectNoParams, GremlinErrors, gremlinError, integerParam, type Param, paramsError,
  type StepContext, type StepDefinition, ValueResult,
} from '@topoflow/gremlin';
import type { FlowMetric } from '../model/flow.js';
import {
  aggregateMetrics, FLOW_METRIC_COUNTERS, FLOW_METRIC_FIELDS, type FlowMetricCounter, flowMetricToJSON, metricBuckets, sumMetrics,
} from '../model/metric.js';
import { appendTo, dataOf, type FlowMetricsData, type FlowsData, FlowResultKinds, valueStep } from './kinds.js';
import { callSource, type FlowExtensionDeps, recordRange } from './source.js';

/** Bucket length of Aggregates() without a parameter, in seconds. */
export const DEFAULT_AGGREGATE_SECONDS = 30;
/** Most buckets Aggregates() builds. */
export const MAX_AGGREGATE_BUCKETS = 10_000;
/** The key of the series Aggregates() produces. */
export const AGGREGATED = 'Aggregated';

/** Metrics(): flow metric series by flow UUID. */
export function flowMetricsStep(deps: FlowExtensionDeps): StepDefinition<undefined> {
  return defineStep<undefined>({
    name: 'Metrics',
    inputs: [FlowResultKinds.FLOWS],
    output: FlowResultKinds.METRICS,
    compile(params, site) {
      expectNoParams(params, site);
      return undefined;
    },
    async apply(input, _args, ctx) {
      const { flows } = dataOf<FlowsData>(input);
      const series = new Map<string, FlowMetric[]>();
      const slice = ctx.timeSlice;
      if (slice === undefined) {
        for (const f of flows) {
          ctx.budget.tick();
          const m = f.LastUpdateMetric ?? f.Metric;
          if (m !== undefined) appendTo(series, f.UUID, flowMetricToJSON(m));
        }
      } else if (flows.length > 0) {
        const uuids = [...new Set(flows.map((f) => f.UUID))];
        const records = await callSource('metrics()', () => deps.source.metrics(uuids, recordRange(slice)));
        ctx.budget.ensureSize(records.length);
        for (const r of records) appendTo(series, r.UUID, flowMetricToJSON(r.Metric));
      }
      return ctx.result<FlowMetricsData>(FlowResultKinds.METRICS, series);
    },
  });
}

/** The window Aggregates() cuts: a range time slice, otherwise the earliest Start to the latest Last of the data. */
function aggregateWindow(series: FlowMetricsData, ctx: StepContext): [number, number] | undefined {
  const slice = ctx.timeSlice;
  if (slice !== undefined && !slice.point) return [slice.start, slice.end];
  let start = Infinity;
  let end = -Infinity;
  for (const metrics of series.values()) {
    for (const m of metrics) {
      start = Math.min(start, m.Start);
      end = Math.max(end, m.Last);
    }
  }
  return start <= end ? [start, end] : undefined;
}

/** Aggregates([seconds]): every series merged into 'Aggregated', in buckets of `seconds` (default 30). */
export const flowAggregatesStep = defineStep<number>({
  name: 'Aggregates',
  inputs: [FlowResultKinds.METRICS],
  output: FlowResultKinds.METRICS,
  compile(params, site) {
    expectCount(params, site, 0, 1);
    return params[0] === undefined ? DEFAULT_AGGREGATE_SECONDS : integerParam(params[0], site, 1);
  },
  apply(input, seconds, ctx) {
    const series = dataOf<FlowMetricsData>(input);
    const window = aggregateWindow(series, ctx);
    if (window === undefined) return ctx.result<FlowMetricsData>(FlowResultKinds.METRICS, new Map());
    const buckets = metricBuckets(window[0], window[1], seconds * 1000);
    if (buckets.count > MAX_AGGREGATE_BUCKETS) {
      throw gremlinError(GremlinErrors.TOO_MANY_BUCKETS,
        `Aggregates(${seconds}): the window needs ${buckets.count} buckets, more than ${MAX_AGGREGATE_BUCKETS}`,
        { buckets: buckets.count, max: MAX_AGGREGATE_BUCKETS, seconds });
    }
    const out = aggregateMetrics(series.values(), buckets, () => ctx.budget.tick());
    return ctx.result<FlowMetricsData>(FlowResultKinds.METRICS, out.length === 0 ? new Map() : new Map([[AGGREGATED, out]]));
  },
});

/** Count() on flow metrics: the number of series. */
export const flowMetricsCountStep = valueStep<FlowMetricsData>('Count', FlowResultKinds.METRICS, (series) => series.size);

const COUNTERS: ReadonlySet<string> = new Set(FLOW_METRIC_COUNTERS);

/** Sum() on flow metrics: one metric adding every counter (null when none); Sum('ABBytes'): that counter summed. */
export const flowMetricsSumStep = defineStep<FlowMetricCounter | undefined>({
  name: 'Sum',
  inputs: [FlowResultKinds.METRICS],
  output: 'value',
  compile(params, site) {
    expectCount(params, site, 0, 1);
    const p = params[0] as Param | undefined;
    if (p === undefined) return undefined;
    if (p.kind !== 'string' || !COUNTERS.has(p.value)) {
      throw paramsError(`Sum() on flow metrics takes one of ${FLOW_METRIC_COUNTERS.join(', ')}`, p.pos);
    }
    return p.value as FlowMetricCounter;
  },
  apply(input, key) {
    const series = dataOf<FlowMetricsData>(input);
    if (key === undefined) {
      const total = sumMetrics(series.values());
      return new ValueResult(total === undefined ? null : flowMetricToJSON(total));
    }
    let total = 0;
    for (const metrics of series.values()) for (const m of metrics) total += m[key];
    return new ValueResult(total);
  },
});

/** Keys() on flow metrics: the fields of a flow metric (none when there is no metric). */
export const flowMetricsKeysStep = valueStep<FlowMetricsData>('Keys', FlowResultKinds.METRICS,
  (series) => (series.size === 0 ? [] : [...FLOW_METRIC_FIELDS]));

/** The steps on flow metrics (Metrics() itself needs the source: flowMetricsStep). */
export const FLOW_METRICS_STEPS: readonly StepDefinition[] = [
  flowAggregatesStep, flowMetricsCountStep, flowMetricsSumStep, flowMetricsKeysStep,
] as readonly StepDefinition[];
