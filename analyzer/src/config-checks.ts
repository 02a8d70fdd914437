// Converters used while resolving the configuration: each records a problem under its dotted path and returns a
// fallback, so start-up can list every bad key at once.
import { parseDuration, parseSize } from '@topoflow/common';

/** Converters that record a problem and return a fallback. */
export interface ConfigChecks {
  duration(path: string, v: string, min: number): number;
  size(path: string, v: string, allowZero?: boolean): number;
  count(path: string, v: number): number;
  problem(message: string): void;
}

/** Checks whose problems are pushed to `problems`, each path prefixed with `prefix` (e.g. 'analyzer.'). */
export function configChecks(prefix: string, problems: string[]): ConfigChecks {
  return {
    duration: (path, v, min) => {
      try {
        const ms = parseDuration(String(v));
        if (ms >= min) return ms;
        problems.push(`${prefix}${path}: must be at least ${min}ms`);
      } catch {
        problems.push(`${prefix}${path}: invalid duration "${v}"`);
      }
      return min;
    },
    size: (path, v, allowZero = false) => {
      try {
        const n = parseSize(v);
        if (n > 0 || (allowZero && n === 0)) return n;
        problems.push(`${prefix}${path}: must be positive`);
      } catch {
        problems.push(`${prefix}${path}: invalid size "${v}"`);
      }
      return 1;
    },
    count: (path, v) => {
      if (Number.isInteger(v) && v > 0) return v;
      problems.push(`${prefix}${path}: must be a positive integer`);
      return 1;
    },
    problem: (message) => problems.push(message),
  };
}
