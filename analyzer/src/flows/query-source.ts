// The flows Gremlin's flow steps read: live flows from the analyzer's memory, history from the flow store
// (paged by Last so a filter with a limit stops early). A read right after a report waits briefly for it.
import type { Clock } from '@topoflow/common';
import type {
  Flow, FlowMetricRecord, FlowQuerySource, FlowRawPacketRecord, FlowSearch, FlowTimeRange, StoredFlowCursor,
} from '@topoflow/flow';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import type { FlowHistory } from './flow-history.js';
import type { LiveFlows } from './live-flows.js';

/** Stored flows read per page. */
const PAGE = 5000;
/** How long a read of the last second waits for the reports still queued for the store. */
const FRESH_WAIT_MS = 1000;

/** FlowQuerySource over the live flows and the flow history. */
export class AnalyzerFlowSource implements FlowQuerySource {
  readonly #live: LiveFlows;
  readonly #history: FlowHistory;
  readonly #clock: Clock;

  constructor(live: LiveFlows, history: FlowHistory, clock: Clock) {
    this.#live = live;
    this.#history = history;
    this.#clock = clock;
  }

  get hasHistory(): boolean {
    return this.#history.enabled;
  }

  live(search: FlowSearch): Flow[] {
    return this.#live.search(search);
  }

  liveRawPackets(uuids: readonly string[]): FlowRawPacketRecord[] {
    return this.#live.rawPackets(uuids);
  }

  async history(search: FlowSearch, range: FlowTimeRange): Promise<Flow[]> {
    const store = await this.#fresh(range.to);
    if (search.nodeTIDs !== undefined && search.nodeTIDs.length === 0) return [];
    const limit = search.limit ?? Infinity;
    const out: Flow[] = [];
    let after: StoredFlowCursor | undefined;
    for (;;) {
      const page = await store.flows({
        from: range.from, to: range.to, limit: PAGE,
        ...(search.nodeTIDs !== undefined ? { nodeTIDs: search.nodeTIDs } : {}), ...(after !== undefined ? { after } : {}),
      });
      for (const f of page) {
        if (search.filter !== undefined && !search.filter(f)) continue;
        out.push(f);
        if (out.length >= limit) return out;
      }
      const last = page[page.length - 1];
      if (page.length < PAGE || last === undefined) return out;
      after = { last: last.Last, uuid: last.UUID };
    }
  }

  async metrics(uuids: readonly string[], range: FlowTimeRange): Promise<FlowMetricRecord[]> {
    return (await this.#fresh(range.to)).metrics(uuids, range);
  }

  async rawPackets(uuids: readonly string[], range: FlowTimeRange | undefined): Promise<FlowRawPacketRecord[]> {
    return (await this.#fresh(range?.to ?? Infinity)).rawPackets(uuids, range);
  }

  /** The store, once the reports of the last second are in it (or a second has passed). */
  async #fresh(to: number) {
    if (!this.#history.enabled) {
      throw analyzerError(AnalyzerErrors.HISTORY_UNAVAILABLE, 'flow history is turned off (analyzer.history.backend: none)');
    }
    const store = this.#history.store();
    if (this.#history.recorder.pending > 0 && to >= this.#clock.now() - FRESH_WAIT_MS) await this.#history.recorder.durable(FRESH_WAIT_MS);
    return store;
  }
}
