// Checks of a capture create body: field types and ranges, type capabilities, a Gremlin expression that parses,
// and Skydive's rule against duplicate captures.
import { AppError, isAppError } from '@topoflow/common';
import { FlowErrors, LinkType, compileBpf } from '@topoflow/flow';
import type { QueryEngine } from '@topoflow/gremlin';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import { type Capture, DEFAULT_LAYER_KEY_MODE, defaultCapture } from './capture.js';
import { CAPABILITIES, CAPTURE_TYPES, isCaptureType } from './types.js';

/** One problem of a capture body. */
export interface CaptureViolation {
  path: string;
  message: string;
}

type FieldSpec = { kind: 'string'; maxLength?: number } | { kind: 'bool' } | { kind: 'int'; min: number; max: number };

const UINT32_MAX = 2 ** 32 - 1;

/** Longest free-text field a capture may hold: captures live in etcd and go to every agent in each order. */
export const CAPTURE_TEXT_MAX = 4096;

const FIELDS: Record<string, FieldSpec> = {
  GremlinQuery: { kind: 'string', maxLength: CAPTURE_TEXT_MAX },
  BPFFilter: { kind: 'string', maxLength: CAPTURE_TEXT_MAX },
  Name: { kind: 'string', maxLength: CAPTURE_TEXT_MAX },
  Description: { kind: 'string', maxLength: CAPTURE_TEXT_MAX },
  Type: { kind: 'string' },
  Port: { kind: 'int', min: 0, max: 65535 },
  SamplingRate: { kind: 'int', min: 0, max: UINT32_MAX },
  PollingInterval: { kind: 'int', min: 0, max: UINT32_MAX },
  RawPacketLimit: { kind: 'int', min: 0, max: 10 },
  HeaderSize: { kind: 'int', min: 0, max: 4096 },
  ExtraTCPMetric: { kind: 'bool' },
  IPDefrag: { kind: 'bool' },
  ReassembleTCP: { kind: 'bool' },
  LayerKeyMode: { kind: 'string' },
  ExtraLayers: { kind: 'int', min: 0, max: 255 },
  Target: { kind: 'string', maxLength: CAPTURE_TEXT_MAX },
  TargetType: { kind: 'string' },
};

/** Fields a client may send that the server sets itself (Skydive's clients send them). */
const SERVER_FIELDS = new Set(['UUID', 'Count']);

const TARGET_TYPES = ['', 'local', 'netflowv5', 'erspanv1'];

function checkField(key: string, v: unknown, spec: FieldSpec): string | undefined {
  if (spec.kind === 'string') {
    if (typeof v !== 'string') return 'must be a string';
    return spec.maxLength !== undefined && v.length > spec.maxLength ? `must be at most ${spec.maxLength} characters` : undefined;
  }
  if (spec.kind === 'bool') return typeof v === 'boolean' ? undefined : 'must be true or false';
  if (typeof v !== 'number' || !Number.isInteger(v)) return 'must be an integer';
  if (v < spec.min || v > spec.max) return `must be between ${spec.min} and ${spec.max}${key === 'SamplingRate' && v < 0 ? ' (sampling cannot be negative)' : ''}`;
  return undefined;
}

/** Checks that depend on several fields or on the capture type. */
function checkSemantics(c: Capture, problems: CaptureViolation[]): void {
  const add = (path: string, message: string) => problems.push({ path: `/${path}`, message });
  if (c.GremlinQuery.trim() === '') add('GremlinQuery', 'is required');
  if (c.HeaderSize !== 0 && c.HeaderSize < 14) add('HeaderSize', 'must be 0 (default 256 bytes) or between 14 and 4096');
  if (c.LayerKeyMode !== 'L2' && c.LayerKeyMode !== 'L3') add('LayerKeyMode', 'must be L2 or L3');
  if (!TARGET_TYPES.includes(c.TargetType)) add('TargetType', `must be one of ${TARGET_TYPES.filter((t) => t !== '').join(', ')} (or empty)`);
  if (c.Target !== '' && !/^[^\s:]+(:\d{1,5})?$|^\[[0-9a-fA-F:.]+\](:\d{1,5})?$/.test(c.Target)) add('Target', 'must be host or host:port');
  if (c.Type === '') return;
  if (!isCaptureType(c.Type)) {
    add('Type', `unknown capture type "${c.Type}" (known: ${CAPTURE_TYPES.join(', ')}, or empty to choose per node)`);
    return;
  }
  const caps = CAPABILITIES[c.Type];
  if (c.BPFFilter !== '' && !caps.bpf) add('BPFFilter', `capture type ${c.Type} does not support BPF filters`);
  if (c.RawPacketLimit !== 0 && !caps.rawPackets) add('RawPacketLimit', `capture type ${c.Type} does not keep raw packets`);
  if (c.ExtraTCPMetric && !caps.extraTcpMetric) add('ExtraTCPMetric', `capture type ${c.Type} does not compute TCP metrics`);
}

/**
 * Validates a create body and returns the capture with `uuid`; throws ANALYZER_CAPTURE_INVALID listing every problem
 * (details.violations), or GREMLIN_PARSE_ERROR (details.position) when the Gremlin expression does not parse.
 */
export function validateCapture(body: unknown, uuid: string, engine: Pick<QueryEngine, 'parse'>): Capture {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw analyzerError(AnalyzerErrors.CAPTURE_INVALID, 'the capture must be a JSON object with at least GremlinQuery', {
      violations: [{ path: '', message: 'must be an object' }],
    });
  }
  const problems: CaptureViolation[] = [];
  const capture = defaultCapture(uuid, '') as unknown as Record<string, unknown>;
  for (const [key, v] of Object.entries(body as Record<string, unknown>)) {
    if (SERVER_FIELDS.has(key) || v === null) continue;
    const spec = FIELDS[key];
    if (spec === undefined) {
      problems.push({ path: `/${key}`, message: 'is not a capture field' });
      continue;
    }
    const problem = checkField(key, v, spec);
    if (problem !== undefined) problems.push({ path: `/${key}`, message: problem });
    else capture[key] = v;
  }
  const c = capture as unknown as Capture;
  if (c.LayerKeyMode === '') c.LayerKeyMode = DEFAULT_LAYER_KEY_MODE;
  if (c.TargetType === 'local') c.TargetType = '';
  if (!problems.some((p) => p.path === '/GremlinQuery')) checkSemantics(c, problems);
  const bpf = problems.some((p) => p.path === '/BPFFilter') ? undefined : checkBpf(c.BPFFilter, problems);
  if (problems.length > 0) {
    const list = problems.map((p) => `${p.path.slice(1) || 'body'} ${p.message}`).join('; ');
    throw analyzerError(AnalyzerErrors.CAPTURE_INVALID, `invalid capture: ${list}`, { ...bpf, violations: problems });
  }
  parseGremlin(c.GremlinQuery, engine);
  return c;
}

/**
 * Compiles a BPF filter with libpcap for Ethernet frames, as agents will; a filter that does not compile adds a
 * violation carrying libpcap's message and returns FLOW_BPF_INVALID's details (expression, linkType, pcapError).
 */
function checkBpf(expr: string, problems: CaptureViolation[]): Record<string, unknown> | undefined {
  if (expr === '') return undefined;
  try {
    compileBpf(expr, LinkType.ETHERNET);
    return undefined;
  } catch (err) {
    if (!isAppError(err) || err.code !== FlowErrors.BPF_INVALID) throw err;
    const pcapError = err.details?.pcapError;
    problems.push({ path: '/BPFFilter', message: `does not compile: ${typeof pcapError === 'string' ? pcapError : err.message}` });
    return err.details;
  }
}

function parseGremlin(query: string, engine: Pick<QueryEngine, 'parse'>): void {
  try {
    engine.parse(query);
  } catch (err) {
    if (!isAppError(err)) throw err;
    throw new AppError(err.code, `GremlinQuery: ${err.message}`, {
      statusCode: err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400,
      details: { ...err.details, field: 'GremlinQuery' },
      cause: err,
    });
  }
}

/**
 * Skydive's duplicate rule: a capture with the same Type and GremlinQuery conflicts, unless the type allows several
 * captures per node (an empty type does) and the BPF filters differ. Throws ANALYZER_CAPTURE_DUPLICATE (409).
 */
export function checkDuplicate(candidate: Capture, existing: Iterable<Capture>): void {
  const multiple = candidate.Type === '' || (isCaptureType(candidate.Type) && CAPABILITIES[candidate.Type].multiplePerNode);
  for (const e of existing) {
    if (e.Type !== candidate.Type || e.GremlinQuery !== candidate.GremlinQuery) continue;
    if (multiple && e.BPFFilter !== candidate.BPFFilter) continue;
    throw analyzerError(AnalyzerErrors.CAPTURE_DUPLICATE,
      `capture ${e.UUID} already captures "${e.GremlinQuery}"${e.Type !== '' ? ` with type ${e.Type}` : ''}${multiple ? ' and the same BPF filter' : ''}`,
      { existing: e.UUID });
  }
}
