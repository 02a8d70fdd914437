// A capture as the agent receives it (Skydive's capture resource fields, reference §7.1), its checks, and the
// choice of capture type per node type (reference §7.2): which types a node allows and which one it defaults to.
import { type CaptureType, MAX_RAW_PACKET_LIMIT, captureRuleFor, isCaptureAllowed } from '@topoflow/flow';
import { AgentErrors, agentError } from '../errors.js';

export { CAPTURE_TYPES, MAX_RAW_PACKET_LIMIT, type CaptureType } from '@topoflow/flow';

/** The capture sources this agent runs: libpcap on an interface, an sFlow receiver, OVS sFlow export + receiver. */
export type SourceKind = 'pcap' | 'sflow' | 'ovssflow';

/** The types this agent implements, and the source each one runs (afpacket runs as a libpcap live capture). */
export const IMPLEMENTED_TYPES: Readonly<Partial<Record<CaptureType, SourceKind>>> = {
  afpacket: 'pcap', pcap: 'pcap', sflow: 'sflow', ovssflow: 'ovssflow',
};

/** HeaderSize is 0 (the configured snap length) or within these bounds. */
export const HEADER_SIZE_MIN = 14;
export const HEADER_SIZE_MAX = 4096;

/** What to capture on one node: the Skydive capture fields that matter to an agent. */
export interface CaptureSpec {
  /** The capture's identifier (the analyzer's capture UUID, or one the agent API generated). */
  ID: string;
  Name?: string;
  Description?: string;
  /** '' or absent picks the node type's default. */
  Type?: string;
  BPFFilter?: string;
  /** Bytes kept of each packet: 0 means agent.capture.snapLength, else 14..4096. */
  HeaderSize?: number;
  /** Raw packets kept per flow, 0..10. */
  RawPacketLimit?: number;
  ExtraTCPMetric?: boolean;
  IPDefrag?: boolean;
  ReassembleTCP?: boolean;
  /** 'L2', 'L3', or ''/absent for agent.flow.defaultLayerKeyMode. */
  LayerKeyMode?: string;
  /** ExtraLayers bitmask (VRRP 1, DNS 2, DHCPv4 4, all 255). */
  ExtraLayers?: number;
  /** sFlow listening port (sflow; 0 means 6343). */
  Port?: number;
  /** sFlow sampling rate (ovssflow; 0 means 2^32-1). */
  SamplingRate?: number;
  /** sFlow counter polling interval in seconds (ovssflow; 0 means none). */
  PollingInterval?: number;
  /**
   * True for a capture started through the agent's own API rather than by an analyzer: its Captures entry says so
   * (`Local: true`), so an analyzer does not stop it as a capture its store no longer holds.
   */
  Local?: boolean;
}

/** True when Skydive would capture on a node of this type with some capture type. */
export function isCapturableType(nodeType: string): boolean {
  return isCaptureAllowed(nodeType);
}

/**
 * The capture type to run on a node of `nodeType` for the `requested` type ('' = the default) and its source.
 * Throws AGENT_CAPTURE_NOT_CAPTURABLE (node type or combination refused) or AGENT_CAPTURE_TYPE_UNSUPPORTED.
 */
export function captureTypeFor(nodeType: string, requested: string | undefined): { type: CaptureType; kind: SourceKind } {
  const rule = captureRuleFor(nodeType);
  if (rule === undefined) {
    throw agentError(AgentErrors.CAPTURE_NOT_CAPTURABLE, `nodes of type "${nodeType}" cannot be captured on`, { nodeType });
  }
  const type = requested === undefined || requested === '' ? rule.default : requested;
  if (!(rule.allowed as readonly string[]).includes(type)) {
    throw agentError(AgentErrors.CAPTURE_NOT_CAPTURABLE, `capture type "${type}" cannot run on a node of type "${nodeType}"`, {
      nodeType, type, allowed: [...rule.allowed],
    });
  }
  const kind = IMPLEMENTED_TYPES[type as CaptureType];
  if (kind === undefined) {
    throw agentError(AgentErrors.CAPTURE_TYPE_UNSUPPORTED, `capture type "${type}" is not implemented by this agent`, {
      type, implemented: Object.keys(IMPLEMENTED_TYPES),
    });
  }
  return { type: type as CaptureType, kind };
}

const isInt = (v: unknown, min: number, max: number): boolean => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** Checks a spec that did not come through the HTTP schema (orders from an analyzer); throws AGENT_BAD_REQUEST. */
export function checkCaptureSpec(spec: CaptureSpec): void {
  const problems: string[] = [];
  if (typeof spec.ID !== 'string' || spec.ID === '') problems.push('ID: must be a non-empty string');
  for (const key of ['Name', 'Description', 'Type', 'BPFFilter', 'LayerKeyMode'] as const) {
    if (spec[key] !== undefined && typeof spec[key] !== 'string') problems.push(`${key}: must be a string`);
  }
  for (const key of ['ExtraTCPMetric', 'IPDefrag', 'ReassembleTCP'] as const) {
    if (spec[key] !== undefined && typeof spec[key] !== 'boolean') problems.push(`${key}: must be a boolean`);
  }
  const h = spec.HeaderSize;
  if (h !== undefined && h !== 0 && !isInt(h, HEADER_SIZE_MIN, HEADER_SIZE_MAX)) problems.push(`HeaderSize: must be 0 or ${HEADER_SIZE_MIN}..${HEADER_SIZE_MAX}`);
  if (spec.RawPacketLimit !== undefined && !isInt(spec.RawPacketLimit, 0, MAX_RAW_PACKET_LIMIT)) problems.push(`RawPacketLimit: must be 0..${MAX_RAW_PACKET_LIMIT}`);
  if (spec.LayerKeyMode !== undefined && !['', 'L2', 'L3'].includes(spec.LayerKeyMode)) problems.push('LayerKeyMode: must be L2 or L3');
  if (spec.ExtraLayers !== undefined && !isInt(spec.ExtraLayers, 0, 255)) problems.push('ExtraLayers: must be 0..255');
  if (spec.Port !== undefined && !isInt(spec.Port, 0, 65535)) problems.push('Port: must be 0..65535');
  for (const key of ['SamplingRate', 'PollingInterval'] as const) {
    if (spec[key] !== undefined && !isInt(spec[key], 0, 0xffff_ffff)) problems.push(`${key}: must be 0..4294967295`);
  }
  if (problems.length > 0) throw agentError(AgentErrors.BAD_REQUEST, `invalid capture: ${problems.join('; ')}`, { problems });
}
