// The 'metrics' result kind: interface metric series by node ID (Metrics(), Aggregates()), serialized as
// `[{"<id>": [metric, …]}]`, or `[]` when there is no series (reference §4.8).
import type { QueryResult } from '../contract.js';
import { ResultKinds } from './results.js';

/** One metric: integer counters (RxBytes, TxPackets…) counted between `Start` and `Last` (epoch ms). */
export interface Metric {
  readonly Start: number;
  readonly Last: number;
  readonly [field: string]: number;
}

/** Metric series by key (a node ID, or 'Aggregated'), each in Start order; iteration follows insertion. */
export type MetricSeries = ReadonlyMap<string, readonly Metric[]>;

/** A metric's JSON: fields equal to zero are omitted, as Skydive's `omitempty` does. */
export function metricToJSON(m: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== 0));
}

/** Metric series; no traversal follows them, so they keep no graph. */
export class MetricsResult implements QueryResult {
  readonly kind = ResultKinds.METRICS;
  readonly series: MetricSeries;

  constructor(series: MetricSeries) {
    this.series = series;
  }

  toJSON(): unknown {
    if (this.series.size === 0) return [];
    return [Object.fromEntries([...this.series].map(([id, ms]) => [id, ms.map(metricToJSON)]))];
  }
}
