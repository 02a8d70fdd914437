// `--at` and `--window` of `client query`: the query is rewritten to start with G.At(time[, window]).
import { usageError } from '../errors.js';

/** Where a query should look in the past. */
export interface TimeOptions {
  at?: string | undefined;
  window?: string | undefined;
}

const literal = (v: string, what: string): string => {
  const s = v.trim();
  if (s === '') throw usageError(`--${what} needs a value`);
  if (/^\d+$/.test(s)) return s;
  if (!s.includes("'")) return `'${s}'`;
  if (!s.includes('"')) return `"${s}"`;
  throw usageError(`--${what} cannot hold both kinds of quotes`);
};

/** The query with `.At(...)` inserted after its leading G; unchanged without --at. */
export function atQuery(query: string, t: TimeOptions): string {
  if (t.at === undefined) {
    if (t.window !== undefined) throw usageError('--window needs --at (the end of the window)');
    return query;
  }
  const m = /^\s*G\s*(?=\.|$)/i.exec(query);
  if (m === null) throw usageError('with --at the query must start with G');
  const rest = query.slice(m[0].length);
  if (/^\s*\.\s*(At|Context)\s*\(/i.test(rest)) throw usageError('the query already has At()/Context(); drop --at or the step');
  const args = t.window === undefined ? literal(t.at, 'at') : `${literal(t.at, 'at')}, ${literal(t.window, 'window')}`;
  return `G.At(${args})${rest}`;
}
