// Steps that turn flows into values or groups: Count(), Sum('Metric.X'), Values(k), Keys(), Group([k]) and
// MoreThan([n]) on groups.
import {
  defineStep, expectCount, integerParam, type Param, paramsError, type StepDefinition, ValueResult,
} from '@topoflow/gremlin';
import { getFieldKeys, getFlowField, getFlowNumber } from '../model/fields.js';
import { FLOW_METRIC_FIELDS } from '../model/metric.js';
import { DEFAULT_GROUP_KEY, groupFlows } from '../model/set.js';
import { dataOf, type FlowGroupsData, type FlowsData, FlowResultKinds, valueStep } from './kinds.js';
import { flowKeyParam } from './params.js';

const METRIC_FIELDS: ReadonlySet<string> = new Set(FLOW_METRIC_FIELDS);

/** Count(): the number of flows. */
export const flowCountStep = valueStep<FlowsData>('Count', FlowResultKinds.FLOWS, (data) => data.flows.length);

/** Sum('Metric.X' | 'LastUpdateMetric.X'): the sum of that metric field over the flows having it. */
export const flowSumStep = defineStep<string>({
  name: 'Sum',
  inputs: [FlowResultKinds.FLOWS],
  output: 'value',
  compile(params, site) {
    expectCount(params, site, 1);
    const p = params[0] as Param;
    const key = p.kind === 'string' ? p.value : '';
    const [head, field, extra] = key.split('.');
    if ((head !== 'Metric' && head !== 'LastUpdateMetric') || field === undefined || !METRIC_FIELDS.has(field) || extra !== undefined) {
      throw paramsError('Sum() on flows takes a field of Metric or LastUpdateMetric, e.g. \'Metric.ABBytes\'', p.pos);
    }
    return key;
  },
  apply(input, key, ctx) {
    let total = 0;
    for (const f of dataOf<FlowsData>(input).flows) {
      ctx.budget.tick();
      total += getFlowNumber(f, key) ?? 0;
    }
    return new ValueResult(total);
  },
});

/** Values(k): the value of `k` for each flow having it. */
export const flowValuesStep = defineStep<string>({
  name: 'Values',
  inputs: [FlowResultKinds.FLOWS],
  output: 'value',
  compile(params, site) {
    expectCount(params, site, 1);
    return flowKeyParam(params[0] as Param, site);
  },
  apply(input, key, ctx) {
    const out: unknown[] = [];
    for (const f of dataOf<FlowsData>(input).flows) {
      ctx.budget.tick();
      const v = getFlowField(f, key);
      if (v !== undefined) out.push(v);
    }
    ctx.budget.ensureSize(out.length);
    return new ValueResult(out);
  },
});

/** Keys(): every field key of the flows, in first-seen order. */
export const flowKeysStep = valueStep<FlowsData>('Keys', FlowResultKinds.FLOWS, (data, ctx) => {
  const seen = new Set<string>();
  for (const f of data.flows) {
    ctx.budget.tick();
    for (const k of getFieldKeys(f)) seen.add(k);
  }
  return [...seen];
});

/** Group([k]): flows by the value of `k` (default TrackingID). */
export const groupStep = defineStep<string>({
  name: 'Group',
  inputs: [FlowResultKinds.FLOWS],
  output: FlowResultKinds.GROUPS,
  compile(params, site) {
    expectCount(params, site, 0, 1);
    return params[0] === undefined ? DEFAULT_GROUP_KEY : flowKeyParam(params[0], site);
  },
  apply(input, key, ctx) {
    const { flows, view } = dataOf<FlowsData>(input);
    return ctx.result<FlowGroupsData>(FlowResultKinds.GROUPS, { groups: groupFlows(flows, key), view });
  },
});

/** MoreThan([n]): the groups holding more than `n` flows (default 1). */
export const moreThanStep = defineStep<number>({
  name: 'MoreThan',
  inputs: [FlowResultKinds.GROUPS],
  output: FlowResultKinds.GROUPS,
  compile(params, site) {
    expectCount(params, site, 0, 1);
    return params[0] === undefined ? 1 : integerParam(params[0], site);
  },
  apply(input, n, ctx) {
    const { groups, view } = dataOf<FlowGroupsData>(input);
    const kept = new Map([...groups].filter(([, flows]) => flows.length > n));
    return ctx.result<FlowGroupsData>(FlowResultKinds.GROUPS, { groups: kept, view });
  },
});

/** The value and group steps. */
export const FLOW_VALUE_STEPS: readonly StepDefinition[] = [
  flowCountStep, flowSumStep, flowValuesStep, flowKeysStep, groupStep, moreThanStep,
] as readonly StepDefinition[];
