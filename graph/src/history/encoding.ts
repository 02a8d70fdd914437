// Metadata as stored: a keyframe holds the whole metadata; a delta holds only the top-level keys that differ from
// its keyframe. Revisions share unchanged sub-objects by reference, so the comparison is cheap; an interface
// counter update stores a few hundred bytes instead of the whole node.
import { deepEqual } from '../metadata/deep-equal.js';
import type { Metadata } from '../model.js';

/** Deltas written against one keyframe before a new keyframe is written. */
export const KEYFRAME_INTERVAL = 32;

/** A delta: the keys set to new values, and the keys removed. */
export type Delta = [Metadata] | [Metadata, string[]];

/** The delta turning `base` into `next`, or undefined when writing `next` whole is as small. */
export function diffMetadata(base: Readonly<Metadata>, next: Readonly<Metadata>): Delta {
  const sets: Metadata = {};
  let removed: string[] | undefined;
  for (const k in next) {
    const v = next[k];
    const b = base[k];
    if (v !== b && !deepEqual(v, b)) sets[k] = v;
  }
  for (const k in base) {
    if (!Object.prototype.hasOwnProperty.call(next, k)) (removed ??= []).push(k);
  }
  return removed === undefined ? [sets] : [sets, removed];
}

/** Rebuilds metadata from its keyframe and a delta. */
export function applyDelta(base: Readonly<Metadata>, delta: Delta): Metadata {
  const out: Metadata = { ...base };
  const [sets, removed] = delta;
  for (const k in sets) out[k] = sets[k];
  if (removed !== undefined) for (const k of removed) delete out[k];
  return out;
}

/** Parses a stored delta, checking its shape. */
export function parseDelta(text: string): Delta {
  const d = JSON.parse(text) as unknown;
  if (!Array.isArray(d) || typeof d[0] !== 'object' || d[0] === null || (d.length > 1 && !Array.isArray(d[1]))) {
    throw new Error('malformed metadata delta');
  }
  return d as Delta;
}

/** Parses stored keyframe metadata, checking it is an object. */
export function parseMetadata(text: string): Metadata {
  const m = JSON.parse(text) as unknown;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new Error('malformed stored metadata');
  return m as Metadata;
}
