// The per-element form of `G.V()[.Has…].SubGraph([edge filter])` queries, for incremental subscribers.
import type { ElementFilter } from '../contract.js';
import { type SourceArgs, vStep } from '../steps/source.js';
import { type SubGraphArgs, subGraphStep } from '../steps/subgraph.js';
import type { Plan } from './plan.js';

const always = (): boolean => true;

/** The element filter of a plan, or undefined when the query is not a filtered V() turned into a SubGraph. */
export function elementFilterOf(plan: Plan): ElementFilter | undefined {
  const [source, sub, extra] = plan.steps;
  if (plan.time !== undefined || extra !== undefined || source?.def !== vStep || sub?.def !== subGraphStep) return undefined;
  const v = source.args as SourceArgs;
  if (v.id !== undefined || v.window !== undefined) return undefined;
  const nodes = v.filter;
  const edges = (sub.args as SubGraphArgs).edges;
  return {
    node: nodes === undefined ? always : (n) => nodes.test(n),
    edge: edges === undefined ? always : (e) => edges.test(e),
  };
}
