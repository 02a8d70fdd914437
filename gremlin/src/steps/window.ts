// Range/Limit windows, applied directly or fused into the step producing the items (early stop).
import type { NextStep } from '../extension.js';

/** Items with index in [from, to). */
export interface Window {
  readonly from: number;
  readonly to: number;
}

/** Applies a window to a list. */
export function applyWindow<T>(items: readonly T[], w: Window | undefined): readonly T[] {
  if (w === undefined) return items;
  return items.slice(w.from, Math.max(w.from, w.to));
}

/** Step names whose arguments are a Window. */
const WINDOW_STEPS = new Set(['Range', 'Limit']);

/** The window of a following Range/Limit step on element lists, if that is what it is. */
export function windowOf(next: NextStep): Window | undefined {
  if (!WINDOW_STEPS.has(next.def.name) || (next.input !== 'nodes' && next.input !== 'edges')) return undefined;
  return next.args as Window;
}
