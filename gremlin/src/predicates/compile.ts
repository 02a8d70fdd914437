// Compiles the value side of a filter pair — a plain value or a predicate call — into a field matcher (§4.4).
import { paramsError } from '../errors.js';
import type { CallParam, Param } from '../parser/ast.js';
import { ipv4RangeTest } from './ipv4.js';
import {
  anyElement, equalsTest, type FieldMatcher, isPresent, numericTest, type PlainValue, type ScalarTest, withinTest,
} from './match.js';
import { regexTest } from './regex.js';

/** A compiled value: its matcher, and the equality values an index can answer when it is a plain equality. */
export interface CompiledValue {
  readonly match: FieldMatcher;
  readonly lookup: readonly PlainValue[] | undefined;
}

/** The plain value of a string, number or boolean parameter; throws for anything else. */
export function plainValue(p: Param, what = 'a string, number or boolean'): PlainValue {
  if (p.kind === 'string' || p.kind === 'number' || p.kind === 'bool') return p.value;
  throw paramsError(`expected ${what}`, p.pos);
}

function numberArg(call: CallParam, i: number): number {
  const p = call.params[i];
  if (p?.kind !== 'number') throw paramsError(`${call.name}() expects numbers`, p?.pos ?? call.pos);
  return Math.trunc(p.value);
}

function arity(call: CallParam, n: number): void {
  if (call.params.length !== n) {
    throw paramsError(`${call.name}() takes exactly ${n} parameter${n === 1 ? '' : 's'}`, call.pos);
  }
}

function stringArg(call: CallParam): string {
  arity(call, 1);
  const p = call.params[0] as Param;
  if (p.kind !== 'string') throw paramsError(`${call.name}() expects a string`, p.pos);
  return p.value;
}

const not = (m: FieldMatcher): FieldMatcher => (f) => !m(f);

function comparison(call: CallParam): ScalarTest {
  const two = call.name === 'Inside' || call.name === 'Outside' || call.name === 'Between';
  arity(call, two ? 2 : 1);
  const a = numberArg(call, 0);
  const b = two ? numberArg(call, 1) : 0;
  switch (call.name) {
    case 'Lt': return numericTest((x) => x < a);
    case 'Gt': return numericTest((x) => x > a);
    case 'Lte': return numericTest((x) => x <= a);
    case 'Gte': return numericTest((x) => x >= a);
    case 'Inside': return numericTest((x) => a < x && x < b);
    case 'Outside': return numericTest((x) => x < a || x > b);
    case 'Between': return numericTest((x) => a <= x && x < b);
    default: throw paramsError(`unknown predicate ${call.name}()`, call.pos);
  }
}

function inequality(call: CallParam): FieldMatcher {
  arity(call, 1);
  const v = plainValue(call.params[0] as Param);
  if (call.name === 'Ne' && typeof v === 'boolean') return anyElement((x) => x === !v);
  const eq = anyElement(equalsTest(v));
  return call.name === 'Ne' ? (f) => isPresent(f) && !eq(f) : not(eq);
}

function predicate(call: CallParam): CompiledValue {
  switch (call.name) {
    case 'Ne':
    case 'Nee':
      return { match: inequality(call), lookup: undefined };
    case 'Within':
    case 'Without': {
      const values = call.params.map((p) => plainValue(p));
      const m = anyElement(withinTest(values));
      return call.name === 'Within' ? { match: m, lookup: values } : { match: not(m), lookup: undefined };
    }
    case 'Regex':
      return { match: anyElement(regexTest(stringArg(call), call.pos)), lookup: undefined };
    case 'Ipv4Range':
      return { match: anyElement(ipv4RangeTest(stringArg(call), call.pos)), lookup: undefined };
    case 'Metadata':
      throw paramsError('Metadata(...) is only valid as a ShortestPathTo parameter', call.pos);
    default:
      return { match: anyElement(comparison(call)), lookup: undefined };
  }
}

/** Compiles the value of a key/value pair. */
export function compileValue(p: Param): CompiledValue {
  if (p.kind === 'call') return predicate(p);
  const v = plainValue(p);
  return { match: anyElement(equalsTest(v)), lookup: [v] };
}
