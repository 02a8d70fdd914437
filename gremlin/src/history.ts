// The optional time-travel hook: the history store turns a time slice into a graph view.
import type { GraphView } from '@topoflow/graph';
import type { TimeSlice } from '@topoflow/graph/history';

export type { TimeSlice };

/** Serves graph views of the past for `At()`/`Context()`. */
export interface HistoryProvider {
  /** The graph as it was at the instant (point) or during the window (range), per reference §2.7. */
  view(slice: TimeSlice): Promise<GraphView>;
}
