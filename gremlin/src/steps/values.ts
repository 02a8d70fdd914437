// Values('k'), ValueMap('k1', …) and Keys() on node and edge lists: they turn elements into a Value list.
import { type Element, elementKeys, getField } from '@topoflow/graph';
import { defineStep, type StepContext } from '../extension.js';
import type { Param } from '../parser/ast.js';
import { EdgesResult, NodesResult, ValueResult } from '../results/results.js';
import type { QueryResult } from '../contract.js';
import { expectCount, expectNoParams, stringParam, stringParams } from './params.js';

function elementsOf(input: QueryResult): readonly Element[] {
  return input instanceof NodesResult ? input.items : (input as EdgesResult).items;
}

/** True for values Values() skips: absent, null, empty arrays and empty objects. */
function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

function collect(input: QueryResult, ctx: StepContext, each: (e: Element, out: unknown[]) => void): ValueResult {
  const out: unknown[] = [];
  for (const e of elementsOf(input)) {
    ctx.budget.tick();
    each(e, out);
    ctx.budget.ensureSize(out.length);
  }
  return new ValueResult(out);
}

/** Values('k'): the value of `k` for each item having it. */
export const valuesStep = defineStep<string>({
  name: 'Values',
  inputs: ['nodes', 'edges'],
  output: 'value',
  compile(params, site) {
    expectCount(params, site, 1);
    return stringParam(params[0] as Param, site, 'a key (string)');
  },
  apply: (input, key, ctx) => collect(input, ctx, (e, out) => {
    const v = getField(e, key);
    if (!isEmptyValue(v)) out.push(v);
  }),
});

/** ValueMap('k1', …): one `{k: value}` object per item having at least one of the keys. */
export const valueMapStep = defineStep<readonly string[]>({
  name: 'ValueMap',
  inputs: ['nodes', 'edges'],
  output: 'value',
  compile(params, site) {
    expectCount(params, site, 1, Infinity);
    return stringParams(params, site, 'a key (string)');
  },
  apply: (input, keys, ctx) => collect(input, ctx, (e, out) => {
    let obj: Record<string, unknown> | undefined;
    for (const k of keys) {
      const v = getField(e, k);
      if (v !== undefined && v !== null) (obj ??= {})[k] = v;
    }
    if (obj !== undefined) out.push(obj);
  }),
});

/** Keys(): distinct keys in first-seen order: the '@' pseudo-fields, then dotted metadata keys. */
export const keysStep = defineStep<undefined>({
  name: 'Keys',
  inputs: ['nodes', 'edges'],
  output: 'value',
  compile(params, site) {
    expectNoParams(params, site);
    return undefined;
  },
  apply(input, _args, ctx) {
    const seen = new Set<string>();
    for (const e of elementsOf(input)) {
      ctx.budget.tick();
      for (const k of elementKeys(e)) seen.add(k);
      ctx.budget.ensureSize(seen.size);
    }
    return new ValueResult([...seen]);
  },
});
