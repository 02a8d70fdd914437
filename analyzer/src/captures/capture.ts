// The capture resource: its fields with their defaults, its JSON as Skydive writes it (empty optional fields
// left out, Count computed), and the decoding of what etcd holds.

/** A capture as stored (every field present; Count is computed, not stored). */
export interface Capture {
  UUID: string;
  GremlinQuery: string;
  BPFFilter: string;
  Name: string;
  Description: string;
  /** '' picks the capture type per node type. */
  Type: string;
  Port: number;
  SamplingRate: number;
  PollingInterval: number;
  RawPacketLimit: number;
  HeaderSize: number;
  ExtraTCPMetric: boolean;
  IPDefrag: boolean;
  ReassembleTCP: boolean;
  LayerKeyMode: string;
  ExtraLayers: number;
  Target: string;
  TargetType: string;
}

/** The default layer key mode (Skydive's flow.default_layer_key_mode). */
export const DEFAULT_LAYER_KEY_MODE = 'L2';

/** A capture with every optional field at its default. */
export function defaultCapture(uuid: string, gremlinQuery: string): Capture {
  return {
    UUID: uuid, GremlinQuery: gremlinQuery, BPFFilter: '', Name: '', Description: '', Type: '', Port: 0,
    SamplingRate: 0, PollingInterval: 0, RawPacketLimit: 0, HeaderSize: 0, ExtraTCPMetric: false, IPDefrag: false,
    ReassembleTCP: false, LayerKeyMode: DEFAULT_LAYER_KEY_MODE, ExtraLayers: 0, Target: '', TargetType: '',
  };
}

/** Fields left out of the JSON when empty or zero, as Skydive's `omitempty`. */
const OMITTED_WHEN_EMPTY = new Set<keyof Capture>([
  'BPFFilter', 'Name', 'Description', 'Type', 'Port', 'RawPacketLimit', 'HeaderSize', 'LayerKeyMode', 'ExtraLayers', 'Target', 'TargetType',
]);

/** Skydive's field order. */
const ORDER: readonly (keyof Capture | 'Count')[] = [
  'UUID', 'GremlinQuery', 'BPFFilter', 'Name', 'Description', 'Type', 'Count', 'Port', 'SamplingRate', 'PollingInterval',
  'RawPacketLimit', 'HeaderSize', 'ExtraTCPMetric', 'IPDefrag', 'ReassembleTCP', 'LayerKeyMode', 'ExtraLayers', 'Target', 'TargetType',
];

/** The capture as the API returns it: Skydive's order, empty optional fields left out, `Count` when given. */
export function captureJSON(c: Capture, count?: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ORDER) {
    if (key === 'Count') {
      if (count !== undefined) out.Count = count;
      continue;
    }
    const v = c[key];
    if (OMITTED_WHEN_EMPTY.has(key) && (v === '' || v === 0)) continue;
    out[key] = v;
  }
  return out;
}

/** Reads a stored capture, filling missing fields with defaults; undefined when the value is not a capture. */
export function decodeStoredCapture(text: string): Capture | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const o = raw as Record<string, unknown>;
  if (typeof o.UUID !== 'string' || typeof o.GremlinQuery !== 'string') return undefined;
  const c = defaultCapture(o.UUID, o.GremlinQuery) as unknown as Record<string, unknown>;
  for (const [k, def] of Object.entries(c)) {
    if (k in o && typeof o[k] === typeof def) c[k] = o[k];
  }
  return c as unknown as Capture;
}
