// The result kinds the flow steps produce and their JSON (reference §4.8): flows as an array of flows, metrics, raw
// packets and groups as `[{"<key>": [...]}]` (or `[]` when empty).
import type { GraphView } from '@topoflow/graph';
import {
  CustomResult, defineStep, expectNoParams, type QueryResult, type ResultKind, type ResultKindDefinition, type StepContext,
  type StepDefinition, ValueResult,
} from '@topoflow/gremlin';
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

/** Appends an item to the list of `key`, creating it. */
export function appendTo<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [item]);
  else list.push(item);
}

/** A step without parameters computing a Value from a result of `input` kind (Count(), Keys()…). */
export function valueStep<T>(name: string, input: ResultKind, value: (data: T, ctx: StepContext) => unknown): StepDefinition<undefined> {
  return defineStep<undefined>({
    name,
    inputs: [input],
    output: 'value',
    compile(params, site) {
      expectNoParams(params, site);
      return undefined;
    },
    apply: (result, _args, ctx) => new ValueResult(value(dataOf<T>(result), ctx)),
  });
}
