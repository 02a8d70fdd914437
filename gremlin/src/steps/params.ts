// Parameter validation helpers shared by step definitions (core and extensions); errors carry positions.
import { paramsError } from '../errors.js';
import type { StepSite } from '../extension.js';
import type { Param } from '../parser/ast.js';

/** Fails unless the step got between `min` and `max` parameters. */
export function expectCount(params: readonly Param[], site: StepSite, min: number, max = min): void {
  if (params.length >= min && params.length <= max) return;
  const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
  throw paramsError(`${site.name}() takes ${want} parameter${min === 1 && max === 1 ? '' : 's'}, got ${params.length}`,
    params[max]?.pos ?? site.position);
}

/** The string value of a parameter. */
export function stringParam(p: Param, site: StepSite, what = 'a string'): string {
  if (p.kind !== 'string') throw paramsError(`${site.name}(): expected ${what}`, p.pos);
  return p.value;
}

/** Every parameter as a string. */
export function stringParams(params: readonly Param[], site: StepSite, what = 'a string'): string[] {
  return params.map((p) => stringParam(p, site, what));
}

/** The value of an integer parameter no smaller than `min`. */
export function integerParam(p: Param, site: StepSite, min = 0): number {
  if (p.kind !== 'number' || !p.integer || p.value < min || !Number.isSafeInteger(p.value)) {
    throw paramsError(`${site.name}(): expected an integer${min === 0 ? ' >= 0' : ` >= ${min}`}`, p.pos);
  }
  return p.value;
}

/** Fails when the step got any parameter. */
export function expectNoParams(params: readonly Param[], site: StepSite): void {
  expectCount(params, site, 0);
}
