// Range(from, to) and Limit(n) on node and edge lists; usually fused into the producing step as an early stop.
import { paramsError } from '../errors.js';
import { defineStep } from '../extension.js';
import type { Param } from '../parser/ast.js';
import { EdgesResult, NodesResult } from '../results/results.js';
import type { QueryResult } from '../contract.js';
import { expectCount, integerParam } from './params.js';
import { applyWindow, type Window } from './window.js';

function sliceResult(input: QueryResult, w: Window): QueryResult {
  if (input instanceof NodesResult) return new NodesResult(applyWindow(input.items, w), input.view);
  const edges = input as EdgesResult;
  return new EdgesResult(applyWindow(edges.items, w), edges.view);
}

/** Range(from, to): items with index in [from, to). */
export const rangeStep = defineStep<Window>({
  name: 'Range',
  inputs: ['nodes', 'edges'],
  output: (kind) => kind,
  compile(params, site) {
    expectCount(params, site, 2);
    const from = integerParam(params[0] as Param, site);
    const to = integerParam(params[1] as Param, site);
    if (to < from) throw paramsError('Range(from, to): to must not be smaller than from', (params[1] as Param).pos);
    return { from, to };
  },
  apply: (input, w) => sliceResult(input, w),
});

/** Limit(n): Range(0, n). */
export const limitStep = defineStep<Window>({
  name: 'Limit',
  inputs: ['nodes', 'edges'],
  output: (kind) => kind,
  compile(params, site) {
    expectCount(params, site, 1);
    return { from: 0, to: integerParam(params[0] as Param, site) };
  },
  apply: (input, w) => sliceResult(input, w),
});
