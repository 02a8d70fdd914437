// Instants as users write them: epoch seconds or milliseconds, RFC 1123 / ISO dates, or a duration relative to now.
import { parseDuration } from './duration.js';
import { AppError, CommonErrors } from './errors.js';

/** Largest value read as epoch seconds; above it a number is epoch milliseconds (Skydive's rule). */
export const MAX_EPOCH_SECONDS = 2_147_483_647;

/** Converts a user-supplied instant to epoch milliseconds. `now` is the reference for relative durations. */
export function parseInstant(value: string | number, now: number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw invalidTime(String(value));
    return value <= MAX_EPOCH_SECONDS ? Math.trunc(value * 1000) : Math.trunc(value);
  }
  const s = value.trim();
  if (/^\d+$/.test(s)) return parseInstant(Number(s), now);
  if (/^[-+]?\d/.test(s)) {
    try {
      return Math.trunc(now + parseDuration(s));
    } catch {
      // fall through to date parsing
    }
  }
  if (/[a-z]{3}|\d{4}-\d{2}-\d{2}/i.test(s)) {
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return t;
  }
  throw invalidTime(s);
}

function invalidTime(value: string): AppError {
  return new AppError(
    CommonErrors.TIME_INVALID,
    `invalid time "${value}": expected epoch seconds or ms, an RFC 1123 or ISO date, or a duration such as "-5m"`,
    { statusCode: 400, details: { value } },
  );
}
