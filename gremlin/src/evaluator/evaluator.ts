// The evaluator: runs a plan's steps left to right over a graph view. Synchronous steps run without awaiting;
// an async step (extensions, history) is raced against the query deadline.
import type { QueryResult } from '../contract.js';
import { invalidStepError } from '../errors.js';
import type { PlannedStep, Plan } from '../planner/plan.js';
import { GraphResult } from '../results/results.js';
import type { Budget } from './budget.js';
import type { ExecContext } from './context.js';

/** Longest delay setTimeout honours; longer budgets are waited for in one such period. */
const MAX_TIMER_MS = 2_147_483_647;

const isPromise = (v: unknown): v is Promise<QueryResult> => typeof (v as Promise<unknown> | undefined)?.then === 'function';

/** Waits for a promise, failing with GREMLIN_TIMEOUT when the query deadline passes first. */
export async function withDeadline<T>(p: Promise<T>, budget: Budget): Promise<T> {
  const ms = budget.remainingMs();
  if (ms <= 0) throw budget.timeoutError();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(budget.timeoutError()), Math.min(Math.ceil(ms), MAX_TIMER_MS));
    timer.unref();
  });
  try {
    return await Promise.race([p, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function applyStep(s: PlannedStep, cur: QueryResult, ctx: ExecContext): QueryResult | Promise<QueryResult> {
  const inputs = s.def.inputs;
  if (inputs !== 'any' && !inputs.includes(cur.kind)) throw invalidStepError(s.name, cur.kind, s.position);
  return s.def.apply(cur, s.args, ctx);
}

function finish(result: QueryResult, budget: Budget): QueryResult {
  if (result instanceof GraphResult) budget.ensureSize(result.graph.nodeCount + result.graph.edgeCount);
  return result;
}

async function continueAsync(pending: Promise<QueryResult>, steps: readonly PlannedStep[], from: number, ctx: ExecContext,
  budget: Budget): Promise<QueryResult> {
  let cur = await withDeadline(pending, budget);
  for (let i = from; i < steps.length; i++) {
    budget.check();
    const r = applyStep(steps[i] as PlannedStep, cur, ctx);
    cur = isPromise(r) ? await withDeadline(r, budget) : r;
  }
  return finish(cur, budget);
}

/** Runs the plan's steps from the root graph of the context. */
export function runSteps(plan: Plan, ctx: ExecContext, budget: Budget): QueryResult | Promise<QueryResult> {
  let cur: QueryResult = new GraphResult(ctx.root);
  const steps = plan.steps;
  for (let i = 0; i < steps.length; i++) {
    const r = applyStep(steps[i] as PlannedStep, cur, ctx);
    if (isPromise(r)) return continueAsync(r, steps, i + 1, ctx, budget);
    cur = r;
    budget.check();
  }
  return finish(cur, budget);
}
