// The planner: resolves each step to the definition accepting the kind produced so far (so a step applied to
// the wrong kind fails before running), compiles parameters, then fuses steps (V/E/traversals absorb filters,
// producers absorb Range/Limit) so the evaluator can use indexes and stop early.
import type { ResultKind } from '../contract.js';
import { GremlinErrors, gremlinError, invalidStepError } from '../errors.js';
import type { CompileEnv } from '../extension.js';
import type { QueryAst, StepNode } from '../parser/ast.js';
import { compileTimeContext, type TimeSpec } from '../steps/context.js';
import type { Plan, PlannedStep } from './plan.js';
import { type StepRegistry, TIME_STEP_NAMES } from './registry.js';

const isTimeStep = (s: StepNode): boolean => (TIME_STEP_NAMES as readonly string[]).includes(s.name);

function planStep(s: StepNode, kind: ResultKind, registry: StepRegistry, env: CompileEnv): PlannedStep {
  if (isTimeStep(s)) {
    throw gremlinError(GremlinErrors.INVALID_STEP, `${s.name}() must come right after G`, { position: s.pos, step: s.name });
  }
  const def = registry.resolve(s.name, kind);
  if (def === undefined) throw invalidStepError(s.name, kind, s.pos);
  const args = def.compile(s.params, { name: s.name, position: s.pos, input: kind, env });
  const output = typeof def.output === 'function' ? def.output(kind) : def.output;
  return { name: s.name, position: s.pos, def, args, input: kind, output };
}

/** Lets each step absorb the ones after it while its definition accepts them. */
export function fuseSteps(steps: readonly PlannedStep[]): PlannedStep[] {
  const out: PlannedStep[] = [];
  for (const next of steps) {
    const last = out[out.length - 1];
    const merged = last?.def.fuse?.(last.args, next);
    if (last !== undefined && merged !== undefined) out[out.length - 1] = { ...last, args: merged, output: next.output };
    else out.push(next);
  }
  return out;
}

/** Planner switches; fusion can be turned off to check that it never changes results. */
export interface PlanOptions {
  readonly fuse?: boolean;
}

/** Turns a syntax tree into a plan; `now` is the engine clock, used to validate relative times. */
export function planQuery(ast: QueryAst, registry: StepRegistry, now: number, options: PlanOptions = {}): Plan {
  let steps = ast.steps;
  let time: TimeSpec | undefined;
  const first = steps[0];
  if (first !== undefined && isTimeStep(first)) {
    time = compileTimeContext(first, now);
    steps = steps.slice(1);
  }
  const env: CompileEnv = { now, names: new Set() };
  let kind: ResultKind = 'graph';
  const planned: PlannedStep[] = [];
  for (const s of steps) {
    const p = planStep(s, kind, registry, env);
    planned.push(p);
    kind = p.output;
  }
  return { text: ast.text, time, steps: options.fuse === false ? planned : fuseSteps(planned), output: kind };
}
