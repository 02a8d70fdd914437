// The optional time-travel hook: a later package (the history store) turns a time slice into a graph view.
import type { GraphView } from '@topoflow/graph';

/** A time window in epoch ms; `point` for `At(t)` (start = end = t), false for `At(t, d)` (every revision). */
export interface TimeSlice {
  readonly start: number;
  readonly end: number;
  readonly point: boolean;
}

/** Serves graph views of the past for `At()`/`Context()`. */
export interface HistoryProvider {
  /** The graph as it was at the instant (point) or during the window (range), per reference §2.7. */
  view(slice: TimeSlice): Promise<GraphView>;
}
