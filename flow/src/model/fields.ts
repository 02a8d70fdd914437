// Field access on flows for filters and Gremlin (reference §4.3): dotted paths ('Network.A'), layer aliases
// ('IPV4.A' is 'Network.A'), enums as names, and proto3 defaults inside a layer that is present.
import type { Flow, FlowProtocol, ICMPType } from './flow.js';

/** The type of a flow field: a string, a number, a structure (a layer or metric), or a free-form extra layer. */
export type FlowFieldType = 'string' | 'number' | 'struct' | 'extra';

type Leaf = 'string' | 'number' | 'protocol' | 'icmptype';

const LAYER: readonly [string, Leaf][] = [['Protocol', 'protocol'], ['A', 'string'], ['B', 'string'], ['ID', 'number']];
const TRANSPORT: readonly [string, Leaf][] = [['Protocol', 'protocol'], ['A', 'number'], ['B', 'number'], ['ID', 'number']];
const ICMP: readonly [string, Leaf][] = [['Type', 'icmptype'], ['Code', 'number'], ['ID', 'number']];
const numbers = (...names: string[]): readonly [string, Leaf][] => names.map((n) => [n, 'number']);
const METRIC = numbers('ABPackets', 'ABBytes', 'BAPackets', 'BABytes', 'Start', 'Last', 'RTT');
const TCP_METRIC = numbers(
  'ABSynStart', 'BASynStart', 'ABSynTTL', 'BASynTTL', 'ABFinStart', 'BAFinStart', 'ABRstStart', 'BARstStart',
  'ABSegmentOutOfOrder', 'ABSegmentSkipped', 'ABSegmentSkippedBytes', 'ABPackets', 'ABBytes', 'ABSawStart', 'ABSawEnd',
  'BASegmentOutOfOrder', 'BASegmentSkipped', 'BASegmentSkippedBytes', 'BAPackets', 'BABytes', 'BASawStart', 'BASawEnd',
);
const IP_METRIC = numbers('Fragments', 'FragmentErrors');

/** A top-level field: a scalar (with its default, or none when optional), a structure, or an extra layer. */
type TopField =
  | { readonly kind: 'scalar'; readonly leaf: Leaf; readonly optional: boolean }
  | { readonly kind: 'struct'; readonly leaves: ReadonlyMap<string, Leaf> }
  | { readonly kind: 'extra' };

const scalar = (leaf: Leaf, optional = false): TopField => ({ kind: 'scalar', leaf, optional });
const struct = (leaves: readonly [string, Leaf][]): TopField => ({ kind: 'struct', leaves: new Map(leaves) });
const EXTRA: TopField = { kind: 'extra' };

/** Every top-level field, in the order of the proto's field numbers (the order Keys() lists them). */
const SCHEMA: ReadonlyMap<string, TopField> = new Map<string, TopField>([
  ['UUID', scalar('string')], ['LayersPath', scalar('string')], ['Application', scalar('string')],
  ['ParentUUID', scalar('string')], ['Start', scalar('number')], ['Last', scalar('number')],
  ['Link', struct(LAYER)], ['Network', struct(LAYER)], ['Transport', struct(TRANSPORT)], ['ICMP', struct(ICMP)],
  ['LastUpdateMetric', struct(METRIC)], ['Metric', struct(METRIC)],
  ['NodeTID', scalar('string', true)], ['CaptureID', scalar('string', true)], ['RawPacketsCaptured', scalar('number')],
  ['TCPMetric', struct(TCP_METRIC)], ['IPMetric', struct(IP_METRIC)],
  ['TrackingID', scalar('string')], ['L3TrackingID', scalar('string')], ['FinishType', scalar('number')],
  ['DHCPv4', EXTRA], ['DNS', EXTRA], ['VRRPv2', EXTRA],
]);

/** Layer aliases of Skydive filters: ETHERNET is Link, IPV4 and IPV6 are Network, TCP, UDP and SCTP are Transport. */
export const FLOW_FIELD_ALIASES: ReadonlyMap<string, string> = new Map([
  ['ETHERNET', 'Link'], ['IPV4', 'Network'], ['IPV6', 'Network'], ['TCP', 'Transport'], ['UDP', 'Transport'], ['SCTP', 'Transport'],
]);

/** Keys that, as a bare Has() key, mean "X.A == v OR X.B == v". */
export const ENDPOINT_LAYER_KEYS: ReadonlySet<string> = new Set(['Link', 'Network', 'Transport']);

const PROTOCOLS: readonly FlowProtocol[] = ['ETHERNET', 'IPV4', 'TCP', 'UDP', 'SCTP', 'IPV6', 'ICMPV4', 'ICMPV6'];
const ICMP_TYPES: readonly ICMPType[] = [
  'UNKNOWN', 'DESTINATION_UNREACHABLE', 'ECHO', 'NEIGHBOR', 'ADDRESS_MASK', 'INFO', 'PARAMETER_PROBLEM',
  'REDIRECT', 'ROUTER', 'SOURCE_QUENCH', 'TIME_EXCEEDED', 'TIMESTAMP', 'PACKET_TOO_BIG',
];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A leaf value with its proto3 default when absent; enums given as numbers become their names. */
function leafValue(v: unknown, leaf: Leaf): unknown {
  switch (leaf) {
    case 'string': return typeof v === 'string' ? v : '';
    case 'number': return typeof v === 'number' ? v : 0;
    case 'protocol': return typeof v === 'number' ? (PROTOCOLS[v] ?? String(v)) : (v ?? PROTOCOLS[0]);
    case 'icmptype': return typeof v === 'number' ? (ICMP_TYPES[v] ?? String(v)) : (v ?? ICMP_TYPES[0]);
  }
}

function splitKey(key: string): [TopField | undefined, string, string | undefined] {
  const dot = key.indexOf('.');
  const head = dot < 0 ? key : key.slice(0, dot);
  const name = FLOW_FIELD_ALIASES.get(head) ?? head;
  return [SCHEMA.get(name), name, dot < 0 ? undefined : key.slice(dot + 1)];
}

function extraPath(v: unknown, rest: string): unknown {
  let cur = v;
  for (const part of rest.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/**
 * The value of a field of a flow, or undefined when the flow does not have it: a layer that is absent, a key
 * that is no flow field. Inside a present layer a missing leaf reads as its default ('' or 0), as in Skydive.
 */
export function getFlowField(flow: Flow, key: string): unknown {
  const [field, name, rest] = splitKey(key);
  if (field === undefined) return undefined;
  const v = (flow as unknown as Record<string, unknown>)[name];
  if (field.kind === 'scalar') {
    if (rest !== undefined || (field.optional && (v === undefined || v === null))) return undefined;
    return leafValue(v, field.leaf);
  }
  if (!isObject(v)) return undefined;
  if (rest === undefined) return v;
  if (field.kind === 'extra') return extraPath(v, rest);
  const leaf = field.leaves.get(rest);
  return leaf === undefined ? undefined : leafValue(v[rest], leaf);
}

/** A getter over flows with the shape the Gremlin predicate machinery expects. */
export const flowGetter = (item: unknown, key: string): unknown => getFlowField(item as Flow, key);

/** The field as a string, or undefined when it is absent or not a string. */
export function getFlowString(flow: Flow, key: string): string | undefined {
  const v = getFlowField(flow, key);
  return typeof v === 'string' ? v : undefined;
}

/** The field as a number, or undefined when it is absent or not a number. */
export function getFlowNumber(flow: Flow, key: string): number | undefined {
  const v = getFlowField(flow, key);
  return typeof v === 'number' ? v : undefined;
}

/** The type of a field key (aliases allowed), or undefined when no flow can have it. */
export function flowFieldType(key: string): FlowFieldType | undefined {
  const [field, , rest] = splitKey(key);
  if (field === undefined) return undefined;
  if (field.kind === 'scalar') return rest === undefined ? (field.leaf === 'number' ? 'number' : 'string') : undefined;
  if (field.kind === 'extra') return 'extra';
  if (rest === undefined) return 'struct';
  const leaf = field.leaves.get(rest);
  if (leaf === undefined) return undefined;
  return leaf === 'number' ? 'number' : 'string';
}

/** True when the key names a flow field (aliases and extra layers included). */
export function isFlowField(key: string): boolean {
  return flowFieldType(key) !== undefined;
}

function extraKeys(prefix: string, v: unknown, out: string[]): void {
  if (!isObject(v)) {
    out.push(prefix);
    return;
  }
  for (const [k, x] of Object.entries(v)) extraKeys(`${prefix}.${k}`, x, out);
}

/** Every dotted leaf key the flow has (those getFlowField answers), in proto field order. */
export function getFieldKeys(flow: Flow): string[] {
  const out: string[] = [];
  const obj = flow as unknown as Record<string, unknown>;
  for (const [name, field] of SCHEMA) {
    const v = obj[name];
    if (field.kind === 'scalar') {
      if (!field.optional || (v !== undefined && v !== null)) out.push(name);
    } else if (isObject(v)) {
      if (field.kind === 'struct') for (const leaf of field.leaves.keys()) out.push(`${name}.${leaf}`);
      else for (const [k, x] of Object.entries(v)) extraKeys(`${name}.${k}`, x, out);
    }
  }
  return out;
}
