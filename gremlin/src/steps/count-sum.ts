// Count() and Sum('k') on node and edge lists: both return a bare number.
import { type Element, getField } from '@topoflow/graph';
import { GremlinErrors, gremlinError } from '../errors.js';
import { defineStep } from '../extension.js';
import type { Param } from '../parser/ast.js';
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
