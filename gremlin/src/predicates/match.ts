// Matching of resolved field values (Skydive §4.4): strings exact, numbers as truncated int64, booleans equal,
// arrays match when any element does, and a missing (or null) field never matches a positive test.

/** Tests a resolved field value: undefined when absent, possibly an array. */
export type FieldMatcher = (field: unknown) => boolean;

/** Tests one scalar (an array element, or the field itself). */
export type ScalarTest = (x: unknown) => boolean;

/** A value written in a query that equality and Within compare against. */
export type PlainValue = string | number | boolean;

/** True when the field exists and is not null. */
export function isPresent(field: unknown): boolean {
  return field !== undefined && field !== null;
}

/** Matches when the field exists and it, or any element of it when it is an array, passes `test`. */
export function anyElement(test: ScalarTest): FieldMatcher {
  return (field) => {
    if (field === undefined || field === null) return false;
    if (Array.isArray(field)) {
      for (const x of field) if (test(x)) return true;
      return false;
    }
    return test(field);
  };
}

/** The int64 view of a number (truncated); undefined for anything that is not a finite number. */
export function toInt64(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? Math.trunc(x) : undefined;
}

/** Equality with a query value: strings exactly, numbers after int64 truncation of both sides, booleans. */
export function equalsTest(v: PlainValue): ScalarTest {
  if (typeof v === 'number') {
    const t = Math.trunc(v);
    return (x) => typeof x === 'number' && Math.trunc(x) === t;
  }
  return (x) => x === v;
}

/** Equality with any of several query values. */
export function withinTest(values: readonly PlainValue[]): ScalarTest {
  const tests = values.map(equalsTest);
  if (tests.length === 1) return tests[0] as ScalarTest;
  return (x) => {
    for (const t of tests) if (t(x)) return true;
    return false;
  };
}

/** A numeric test applied to the int64 view of the field; non-numbers never match. */
export function numericTest(test: (x: number) => boolean): ScalarTest {
  return (x) => {
    const n = toInt64(x);
    return n !== undefined && test(n);
  };
}
