// As('name') remembers the current node list for the query; Select('n1', …) concatenates remembered lists.
// Names are checked while planning, so Select of a name no As() registered earlier fails at parse time.
import { paramsError } from '../errors.js';
import { defineStep } from '../extension.js';
import type { Param } from '../parser/ast.js';
import { NodesResult } from '../results/results.js';
import { expectCount, stringParam, stringParams } from './params.js';

/** As('name'). */
export const asStep = defineStep<string>({
  name: 'As',
  inputs: ['nodes'],
  output: 'nodes',
  compile(params, site) {
    expectCount(params, site, 1);
    const name = stringParam(params[0] as Param, site, 'a name (string)');
    site.env.names.add(name);
    return name;
  },
  apply(input, name, ctx) {
    ctx.names.set(name, input as NodesResult);
    return input;
  },
});

/** Select('n1', …). */
export const selectStep = defineStep<readonly string[]>({
  name: 'Select',
  inputs: ['nodes', 'edges', 'graph'],
  output: 'nodes',
  compile(params, site) {
    expectCount(params, site, 1, Infinity);
    const names = stringParams(params, site, 'a name (string)');
    names.forEach((n, i) => {
      if (!site.env.names.has(n)) throw paramsError(`Select(): no As('${n}') before this step`, (params[i] as Param).pos);
    });
    return names;
  },
  apply(_input, names, ctx) {
    const lists = names.map((n) => ctx.names.get(n)).filter((r) => r !== undefined);
    const out = lists.flatMap((r) => r.items);
    ctx.budget.ensureSize(out.length);
    return new NodesResult(out, lists[0]?.view ?? ctx.root);
  },
});
