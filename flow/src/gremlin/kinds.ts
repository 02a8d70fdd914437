// The result kinds the flow steps produce and their JSON (reference §4.8): flows as an array of flows, metrics, raw
// packets and groups as `[{"<key>": [...]}]` (or `[]` when empty).
import type { GraphView } from '@topoflow/graph';
import { CustomResult, type QueryResult, type ResultKindDefinition } from '@topoflow/gremlin';
import type { Flow, FlowMetric, RawPacket } from '../model/flow.js';
import { flowMetricToJSON } from '../model/metric.js';

/** Names of the flow result kinds. */
export const FlowResultKinds = {
  FLOWS: 'flows',
  METRICS: 'flowmetrics',
  RAW_PACKETS: 'rawpackets',
  GROUPS: 'flowgroups',
} as const;

/** A list of flows, with the graph later steps (Hops, In, Out…) resolve nodes in. */
export interface FlowsData {
  readonly flows: readonly Flow[];
  readonly view: GraphView;
}

/** Flow metric series by flow UUID (or 'Aggregated'). */
export type FlowMetricsData = ReadonlyMap<string, readonly FlowMetric[]>;

/** Raw packets by flow UUID. */
export type RawPacketsData = ReadonlyMap<string, readonly RawPacket[]>;

/** Flows grouped by the value of a key. */
export interface FlowGroupsData {
  readonly groups: ReadonlyMap<string, readonly Flow[]>;
  readonly view: GraphView;
}

function mapJSON<T>(map: ReadonlyMap<string, readonly T[]>, each: (item: T) => unknown = (x) => x): unknown {
  if (map.size === 0) return [];
  return [Object.fromEntries([...map].map(([k, items]) => [k, items.map(each)]))];
}

/** The serializations of the flow result kinds. */
export const FLOW_RESULT_KINDS: readonly ResultKindDefinition[] = [
  { kind: FlowResultKinds.FLOWS, toJSON: (d: FlowsData) => d.flows },
  { kind: FlowResultKinds.METRICS, toJSON: (d: FlowMetricsData) => mapJSON(d, flowMetricToJSON) },
  { kind: FlowResultKinds.RAW_PACKETS, toJSON: (d: RawPacketsData) => mapJSON(d) },
  { kind: FlowResultKinds.GROUPS, toJSON: (d: FlowGroupsData) => mapJSON(d.groups) },
] as readonly ResultKindDefinition[];

/** The data of a result built by the flow steps. */
export function dataOf<T>(result: QueryResult): T {
  return (result as CustomResult<T>).data;
}

/** True when the result is a RawPackets() result (the one a pcap file can be made of). */
export function isRawPacketsResult(result: QueryResult): result is CustomResult<RawPacketsData> {
  return result.kind === FlowResultKinds.RAW_PACKETS && result instanceof CustomResult;
}
