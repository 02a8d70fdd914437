// At(t[, d]) / Context(t[, d]): validated while planning, resolved to a time slice when the query runs (so a
// cached '-5m' stays relative to each execution). Instants: epoch s (<= 2147483647) or ms, RFC 1123 date,
// duration from now, NOW. Durations: integer seconds, duration string, FOREVER (from the epoch).
import { parseDuration, parseInstant } from '@topoflow/common';
import { paramsError } from '../errors.js';
import type { TimeSlice } from '../history.js';
import type { Param, StepNode } from '../parser/ast.js';

/** A compiled time context. */
export interface TimeSpec {
  /** Offset of the At/Context step in the query. */
  readonly position: number;
  /** NOW, or the instant as written (a number or a string). */
  readonly instant: 'NOW' | number | string;
  /** Window length in ms, 'FOREVER', or undefined for a point in time. */
  readonly duration: number | 'FOREVER' | undefined;
}

function instantOf(p: Param, now: number): TimeSpec['instant'] {
  if (p.kind === 'const' && p.value === 'NOW') return 'NOW';
  if (p.kind !== 'number' && p.kind !== 'string') {
    throw paramsError('expected an instant: epoch seconds or ms, a date, a duration such as \'-5m\', or NOW', p.pos);
  }
  try {
    parseInstant(p.value, now);
  } catch (err) {
    throw paramsError(`invalid instant: ${(err as Error).message}`, p.pos);
  }
  return p.value;
}

function durationOf(p: Param): TimeSpec['duration'] {
  if (p.kind === 'const' && p.value === 'FOREVER') return 'FOREVER';
  let ms: number;
  if (p.kind === 'number') ms = Math.trunc(p.value) * 1000;
  else if (p.kind === 'string') {
    try {
      ms = parseDuration(p.value);
    } catch (err) {
      throw paramsError(`invalid duration: ${(err as Error).message}`, p.pos);
    }
  } else throw paramsError('expected a duration: seconds, a string such as \'5m\', or FOREVER', p.pos);
  if (!Number.isFinite(ms) || ms < 0) throw paramsError('the duration must not be negative', p.pos);
  return ms;
}

/** Validates an At/Context step. */
export function compileTimeContext(step: StepNode, now: number): TimeSpec {
  const [t, d, extra] = step.params;
  if (t === undefined || extra !== undefined) {
    throw paramsError(`${step.name}() takes an instant and an optional duration`, extra?.pos ?? step.pos);
  }
  return { position: step.pos, instant: instantOf(t, now), duration: d === undefined ? undefined : durationOf(d) };
}

/** The time slice of a compiled context at execution time `now`. */
export function resolveTimeSlice(spec: TimeSpec, now: number): TimeSlice {
  const end = spec.instant === 'NOW' ? now : parseInstant(spec.instant, now);
  if (spec.duration === undefined) return { start: end, end, point: true };
  const start = spec.duration === 'FOREVER' ? 0 : Math.max(0, end - spec.duration);
  return { start, end, point: false };
}
