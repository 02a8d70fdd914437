// A FlowQuerySource over arrays that records every call it gets, for tests of code reading flows.
import type { Flow } from '../model/flow.js';
import type {
  FlowMetricRecord, FlowQuerySource, FlowRawPacketRecord, FlowSearch, FlowTimeRange,
} from '../query/contract.js';

/** What a FakeFlowSource serves. */
export interface FakeFlowSourceData {
  /** Live flows. */
  live?: readonly Flow[];
  /** Stored flows; hasHistory is true when given. */
  history?: readonly Flow[];
  metrics?: readonly FlowMetricRecord[];
  rawPackets?: readonly FlowRawPacketRecord[];
  /** Raw packets of live flows; liveRawPackets is absent when not given. */
  liveRawPackets?: readonly FlowRawPacketRecord[];
}

/** One recorded call. */
export type FakeFlowSourceCall =
  | { readonly method: 'live'; readonly search: FlowSearch }
  | { readonly method: 'history'; readonly search: FlowSearch; readonly range: FlowTimeRange }
  | { readonly method: 'metrics' | 'liveRawPackets'; readonly uuids: readonly string[]; readonly range?: FlowTimeRange }
  | { readonly method: 'rawPackets'; readonly uuids: readonly string[]; readonly range: FlowTimeRange | undefined };

function select(flows: readonly Flow[], search: FlowSearch): Flow[] {
  const tids = search.nodeTIDs === undefined ? undefined : new Set(search.nodeTIDs);
  const out: Flow[] = [];
  for (const f of flows) {
    if (tids !== undefined && (f.NodeTID === undefined || !tids.has(f.NodeTID))) continue;
    if (search.filter !== undefined && !search.filter(f)) continue;
    out.push(f);
    if (search.limit !== undefined && out.length >= search.limit) break;
  }
  return out;
}

const inRange = (t: number, r: FlowTimeRange | undefined): boolean => r === undefined || (t >= r.from && t <= r.to);

/** A FlowQuerySource over arrays, answering as the contract says and recording each call in `calls`. */
export class FakeFlowSource implements FlowQuerySource {
  readonly calls: FakeFlowSourceCall[] = [];
  readonly hasHistory: boolean;
  readonly liveRawPackets?: (uuids: readonly string[]) => FlowRawPacketRecord[];
  readonly #data: FakeFlowSourceData;

  constructor(data: FakeFlowSourceData = {}) {
    this.#data = data;
    this.hasHistory = data.history !== undefined;
    const live = data.liveRawPackets;
    if (live !== undefined) {
      this.liveRawPackets = (uuids) => {
        this.calls.push({ method: 'liveRawPackets', uuids });
        return live.filter((r) => uuids.includes(r.UUID));
      };
    }
  }

  live(search: FlowSearch): Flow[] {
    this.calls.push({ method: 'live', search });
    return select(this.#data.live ?? [], search);
  }

  async history(search: FlowSearch, range: FlowTimeRange): Promise<Flow[]> {
    this.calls.push({ method: 'history', search, range });
    const active = (this.#data.history ?? []).filter((f) => f.Start <= range.to && f.Last >= range.from);
    return select(active, search);
  }

  async metrics(uuids: readonly string[], range: FlowTimeRange): Promise<FlowMetricRecord[]> {
    this.calls.push({ method: 'metrics', uuids, range });
    return (this.#data.metrics ?? [])
      .filter((r) => uuids.includes(r.UUID) && r.Metric.Start >= range.from && r.Metric.Last <= range.to)
      .sort((a, b) => a.Metric.Last - b.Metric.Last);
  }

  async rawPackets(uuids: readonly string[], range: FlowTimeRange | undefined): Promise<FlowRawPacketRecord[]> {
    this.calls.push({ method: 'rawPackets', uuids, range });
    return (this.#data.rawPackets ?? [])
      .filter((r) => uuids.includes(r.UUID) && inRange(r.Packet.Timestamp, range))
      .sort((a, b) => a.Packet.Index - b.Packet.Index);
  }
}
