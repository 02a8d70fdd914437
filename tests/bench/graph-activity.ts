// Records what the agent changes in the analyzer's graph, so the namespace benchmark can tell whether its idle
// windows were idle: the netlink probe's metrics ticks, and topology events (this machine may be shared with
// other processes that create namespaces and links, which the agent watches too).
import type { Analyzer } from '@topoflow/analyzer';

/** One graph event at the analyzer: when (performance.now()), and whether it was a metrics update. */
interface Activity {
  at: number;
  metric: boolean;
}

/** What happened between two instants. */
export interface WindowActivity {
  /** Metrics ticks (bursts of `Metric` updates more than 1 s apart), in ms from the window's start. */
  ticks: number[];
  /** Other graph events (nodes or edges added, updated, deleted). */
  topologyEvents: number;
  /** Instants (performance.now()) of every event, to find the quiet parts of the window. */
  instants: number[];
}

/** Listens to every event of the analyzer's graph until `stop()`. */
export class GraphActivity {
  readonly #events: Activity[] = [];
  readonly #stop: () => void;

  constructor(analyzer: Analyzer) {
    this.#stop = analyzer.graph.onAny((e) => {
      const metric = e.type === 'nodeUpdated' && e.ops.length > 0 && e.ops.every((op) => op.Key === 'Metric' || op.Key === 'LastUpdateMetric');
      this.#events.push({ at: performance.now(), metric });
    });
  }

  /** Stops listening. */
  stop(): void {
    this.#stop();
  }

  /** The activity between `from` and `to` (performance.now() instants). */
  between(from: number, to: number): WindowActivity {
    const inside = this.#events.filter((e) => e.at >= from && e.at <= to);
    const ticks: number[] = [];
    for (const e of inside) if (e.metric && e.at - from - (ticks[ticks.length - 1] ?? -Infinity) > 1000) ticks.push(e.at - from);
    return { ticks, topologyEvents: inside.filter((e) => !e.metric).length, instants: inside.map((e) => e.at) };
  }
}
