// The Regex predicate: implicitly anchored like Skydive's, so an explicit leading '^' or trailing '$' is refused.
import { paramsError } from '../errors.js';
import type { ScalarTest } from './match.js';

/** Compiles an anchored pattern into a test on string values; throws GREMLIN_INVALID_PARAMS when invalid. */
export function regexTest(pattern: string, position: number): ScalarTest {
  if (pattern.startsWith('^') || (pattern.endsWith('$') && !pattern.endsWith('\\$'))) {
    throw paramsError('Regex is implicitly anchored: remove the leading ^ or trailing $', position);
  }
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`);
  } catch (err) {
    throw paramsError(`invalid regular expression '${pattern}': ${(err as Error).message}`, position);
  }
  return (x) => typeof x === 'string' && re.test(x);
}
