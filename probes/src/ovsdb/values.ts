// OVSDB wire shapes (RFC 7047 §5.1) and decoders from its atoms, sets and maps to plain JS values.

/** One row as the server sends it: column name → OVSDB value. */
export type Row = Record<string, unknown>;

/** A row change: `new` absent means deleted, `old` absent means inserted (or the initial dump). */
export interface RowUpdate {
  old?: Row;
  new?: Row;
}

/** table → row UUID → change, the payload of `monitor` replies and `update` notifications. */
export type TableUpdates = Record<string, Record<string, RowUpdate>>;

/** What to monitor per table (RFC 7047 §4.1.5). */
export type MonitorRequests = Record<string, {
  columns?: string[];
  select?: { initial?: boolean; insert?: boolean; delete?: boolean; modify?: boolean };
}>;

/** The elements of an OVSDB set (a single atom is a set of one). */
export function setOf(value: unknown): unknown[] {
  if (Array.isArray(value) && value[0] === 'set' && Array.isArray(value[1])) return value[1] as unknown[];
  if (value === undefined || value === null) return [];
  return [value];
}

/** An OVSDB map of string atoms as an object (non-string atoms are stringified). */
export function mapOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(value) && value[0] === 'map' && Array.isArray(value[1])) {
    for (const pair of value[1] as unknown[]) {
      if (Array.isArray(pair) && pair.length === 2) out[String(atom(pair[0]))] = String(atom(pair[1]));
    }
  }
  return out;
}

/** The UUIDs of a set of references. */
export function uuidsOf(value: unknown): string[] {
  const out: string[] = [];
  for (const a of setOf(value)) {
    if (Array.isArray(a) && a[0] === 'uuid' && typeof a[1] === 'string') out.push(a[1]);
  }
  return out;
}

/** A string column or an optional string (set of 0–1); '' when empty. */
export function stringOf(value: unknown): string {
  const a = setOf(value)[0];
  return typeof a === 'string' ? a : '';
}

/** An integer column or an optional integer (set of 0–1); 0 when empty. */
export function intOf(value: unknown): number {
  const a = setOf(value)[0];
  return typeof a === 'number' && Number.isFinite(a) ? a : 0;
}

/** The integers of a set column. */
export function intsOf(value: unknown): number[] {
  return setOf(value).filter((a): a is number => typeof a === 'number');
}

/** The strings of a set column. */
export function stringsOf(value: unknown): string[] {
  return setOf(value).filter((a): a is string => typeof a === 'string');
}

function atom(a: unknown): unknown {
  return Array.isArray(a) && (a[0] === 'uuid' || a[0] === 'named-uuid') ? a[1] : a;
}
