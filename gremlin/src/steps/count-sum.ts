// Count() and Sum('k') on node and edge lists: both return a bare number. On metrics, Count() gives the number of
// series and Sum() one metric adding up every metric (Sum('k'): the sum of one field).
import { type Element, getField } from '@topoflow/graph';
import { GremlinErrors, gremlinError } from '../errors.js';
import { defineStep, type StepContext } from '../extension.js';
import type { Param } from '../parser/ast.js';
import { type MetricsResult, metricToJSON } from '../results/metrics.js';
import { EdgesResult, NodesResult, ValueResult } from '../results/results.js';
import type { QueryResult } from '../contract.js';
import { expectCount, expectNoParams, stringParam } from './params.js';

function elementsOf(input: QueryResult): readonly Element[] {
  return input instanceof NodesResult ? input.items : (input as EdgesResult).items;
}

/** Count(): the number of items. */
export const countStep = defineStep<undefined>({
  name: 'Count',
  inputs: ['nodes', 'edges'],
  output: 'value',
  compile(params, site) {
    expectNoParams(params, site);
    return undefined;
  },
  apply: (input) => new ValueResult(elementsOf(input).length),
});

function addValue(total: number, v: unknown, key: string, id: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return total + Math.trunc(v);
  if (Array.isArray(v)) return v.reduce((t: number, x: unknown) => addValue(t, x, key, id), total);
  throw gremlinError(GremlinErrors.EXECUTION_ERROR, `Sum(): '${key}' of '${id}' is not numeric`, { key, id });
}

/** Sum('k'): integer sum of `k` over the items having it (array values add each element). */
export const sumStep = defineStep<string>({
  name: 'Sum',
  inputs: ['nodes', 'edges'],
  output: 'value',
  compile(params, site) {
    expectCount(params, site, 1);
    return stringParam(params[0] as Param, site, 'a key (string)');
  },
  apply(input, key, ctx) {
    let total = 0;
    for (const e of elementsOf(input)) {
      ctx.budget.tick();
      const v = getField(e, key);
      if (v !== undefined && v !== null) total = addValue(total, v, key, e.ID);
    }
    return new ValueResult(total);
  },
});

/** Count() on metrics: the number of series. */
export const metricsCountStep = defineStep<undefined>({
  name: 'Count',
  inputs: ['metrics'],
  output: 'value',
  compile(params, site) {
    expectNoParams(params, site);
    return undefined;
  },
  apply: (input) => new ValueResult((input as MetricsResult).series.size),
});

/** Adds every field of every metric; Start is the earliest, Last the latest (`{}` when there is no metric). */
function sumMetrics(input: MetricsResult, ctx: StepContext): Record<string, number> {
  const total = new Map<string, number>();
  for (const metrics of input.series.values()) {
    for (const m of metrics) {
      for (const [k, v] of Object.entries(m)) {
        ctx.budget.tick();
        const t = total.get(k);
        total.set(k, t === undefined ? v : k === 'Start' ? Math.min(t, v) : k === 'Last' ? Math.max(t, v) : t + v);
      }
    }
  }
  return metricToJSON(Object.fromEntries(total));
}

/** The sum of one field over every metric (metrics without it add nothing). */
function sumField(input: MetricsResult, key: string, ctx: StepContext): number {
  let total = 0;
  for (const metrics of input.series.values()) {
    for (const m of metrics) {
      ctx.budget.tick();
      if (Object.hasOwn(m, key)) total += m[key] as number;
    }
  }
  return total;
}

/** Sum() on metrics: one metric summing every counter (Start the earliest, Last the latest); Sum('k'): field k summed. */
export const metricsSumStep = defineStep<string | undefined>({
  name: 'Sum',
  inputs: ['metrics'],
  output: 'value',
  compile(params, site) {
    expectCount(params, site, 0, 1);
    return params[0] === undefined ? undefined : stringParam(params[0], site, 'a metric field (string)');
  },
  apply(input, key, ctx) {
    const metrics = input as MetricsResult;
    return new ValueResult(key === undefined ? sumMetrics(metrics, ctx) : sumField(metrics, key, ctx));
  },
});
