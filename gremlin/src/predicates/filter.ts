// Filters built from Has-style parameter lists: one term per key/value pair (or a lone key meaning "exists"),
// combined with AND (Has) or OR (HasEither). Terms that are plain equalities expose values for index lookups.
import { type Element, getField, getPath } from '@topoflow/graph';
import { paramsError } from '../errors.js';
import type { CallParam, Param } from '../parser/ast.js';
import { compileValue, plainValue } from './compile.js';
import { anyElement, equalsTest, type FieldMatcher, isPresent, type PlainValue } from './match.js';

/** Reads a key on an item: getField for elements, a metadata path for plain objects. */
export type Getter = (item: unknown, key: string) => unknown;

/** One condition of a filter. `key`/`lookup` are set when an index on `key` can answer it exactly. */
export interface FilterTerm {
  readonly key: string | undefined;
  readonly lookup: readonly PlainValue[] | undefined;
  test(item: unknown, get: Getter): boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Getter for plain objects (items of a Value list): dotted metadata paths, nothing for non-objects. */
export const objectGetter: Getter = (item, key) => (isObject(item) ? getPath(item, key) : undefined);

/** Getter for nodes and edges. */
export const elementGetter: Getter = getField as Getter;

/** A term on one key. */
export function keyTerm(key: string, match: FieldMatcher, lookup?: readonly PlainValue[]): FilterTerm {
  return { key, lookup, test: (item, get) => match(get(item, key)) };
}

/** A term that holds when the key exists (HasKey, or a Has with one parameter). */
export function existsTerm(key: string): FilterTerm {
  return keyTerm(key, isPresent);
}

/** A term that holds when the key is absent (HasNot). */
export function absentTerm(key: string): FilterTerm {
  return keyTerm(key, (f) => !isPresent(f));
}

/** An AND (or OR) of terms, evaluated against nodes, edges or plain objects. */
export class Filter {
  readonly terms: readonly FilterTerm[];
  readonly or: boolean;

  constructor(terms: readonly FilterTerm[], or = false) {
    this.terms = terms;
    this.or = or;
  }

  /** True when the element passes. */
  test(e: Element): boolean {
    return this.testWith(e, elementGetter);
  }

  /** True when the item passes, reading keys with `get`; `skip` names a term already known to hold. */
  testWith(item: unknown, get: Getter, skip = -1): boolean {
    const terms = this.terms;
    if (this.or) {
      for (let i = 0; i < terms.length; i++) if ((terms[i] as FilterTerm).test(item, get)) return true;
      return terms.length === 0;
    }
    for (let i = 0; i < terms.length; i++) {
      if (i !== skip && !(terms[i] as FilterTerm).test(item, get)) return false;
    }
    return true;
  }

  /** This filter as one term, so an OR filter can join an AND. */
  asTerm(): FilterTerm {
    if (!this.or && this.terms.length === 1) return this.terms[0] as FilterTerm;
    return { key: undefined, lookup: undefined, test: (item, get) => this.testWith(item, get) };
  }

  /** The AND of this filter and another. */
  and(other: Filter): Filter {
    const mine = this.or ? [this.asTerm()] : this.terms;
    const theirs = other.or ? [other.asTerm()] : other.terms;
    return new Filter([...mine, ...theirs]);
  }
}

/**
 * Compiles a parameter list: one string = "key exists"; otherwise key/value pairs. `position` locates errors
 * about the list as a whole. An empty list yields undefined (callers that need a filter reject it).
 */
export function compileFilter(params: readonly Param[], or: boolean, position: number): Filter | undefined {
  if (params.length === 0) return undefined;
  if (params.length === 1) {
    const p = params[0] as Param;
    if (p.kind !== 'string') throw paramsError('expected a key (string)', p.pos);
    return new Filter([existsTerm(p.value)], or);
  }
  if (params.length % 2 !== 0) throw paramsError('params should be a list of key,value', position);
  const terms: FilterTerm[] = [];
  for (let i = 0; i < params.length; i += 2) {
    const k = params[i] as Param;
    if (k.kind !== 'string') throw paramsError('params should be a list of key,value: keys are strings', k.pos);
    const v = compileValue(params[i + 1] as Param);
    terms.push(keyTerm(k.value, v.match, v.lookup));
  }
  return new Filter(terms, or);
}

/** Compiles `Metadata('k', v, …)` into an AND of equalities. */
export function compileMetadata(call: CallParam): Filter {
  const params = call.params;
  if (params.length % 2 !== 0) throw paramsError('Metadata() takes key,value pairs', call.pos);
  const terms: FilterTerm[] = [];
  for (let i = 0; i < params.length; i += 2) {
    const k = params[i] as Param;
    if (k.kind !== 'string') throw paramsError('Metadata() keys are strings', k.pos);
    const v = plainValue(params[i + 1] as Param);
    terms.push(keyTerm(k.value, anyElement(equalsTest(v)), [v]));
  }
  return new Filter(terms);
}
