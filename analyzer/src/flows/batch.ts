// Decoding of one message of the agent flow link: size and flow-count limits, JSON, the FlowBatch envelope, then
// each flow and each stats entry on its own, so one bad flow is refused without losing the rest of the batch.
import type { CaptureStats, Flow } from '@topoflow/flow';
import type { Validate } from '../elements/element-input.js';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import { type SchemaViolation, schemaViolations } from '../http/errors.js';

/** The validators of a batch, compiled from the schemas of schema.ts. */
export interface BatchValidators {
  batch: Validate;
  flow: Validate;
  stats: Validate;
}

/** Limits of one message. */
export interface BatchLimits {
  maxMessageSize: number;
  maxBatchFlows: number;
}

/** A decoded message: the valid flows and stats, and what was refused in it. */
export interface DecodedBatch {
  flows: Flow[];
  stats: CaptureStats[];
  /** Flows and stats entries refused. */
  invalid: number;
  /** The first refused entry: where and why. */
  problem?: { index: number; kind: 'flow' | 'stats'; violations: SchemaViolation[] };
}

/**
 * Decodes a text message; throws (nothing of the message is kept) ANALYZER_FLOW_BATCH_TOO_LARGE above a limit,
 * ANALYZER_INVALID_JSON for bad JSON and ANALYZER_VALIDATION_ERROR for a message that is not a FlowBatch.
 */
export function decodeFlowBatch(data: Buffer, v: BatchValidators, limits: BatchLimits): DecodedBatch {
  if (data.length > limits.maxMessageSize) {
    throw analyzerError(AnalyzerErrors.FLOW_BATCH_TOO_LARGE, `a flow message of ${data.length} bytes exceeds ${limits.maxMessageSize}`,
      { bytes: data.length, limit: limits.maxMessageSize });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(data.toString('utf8'));
  } catch {
    throw analyzerError(AnalyzerErrors.INVALID_JSON, 'the flow message is not valid JSON');
  }
  if (!v.batch(raw)) {
    throw analyzerError(AnalyzerErrors.VALIDATION_ERROR, 'the flow message is not a FlowBatch {Flows, Stats?}',
      { in: 'flow batch', violations: schemaViolations(v.batch.errors) });
  }
  const batch = raw as { Flows: unknown[]; Stats?: unknown[] };
  if (batch.Flows.length > limits.maxBatchFlows) {
    throw analyzerError(AnalyzerErrors.FLOW_BATCH_TOO_LARGE, `a flow message of ${batch.Flows.length} flows exceeds ${limits.maxBatchFlows}`,
      { flows: batch.Flows.length, limit: limits.maxBatchFlows });
  }
  const out: DecodedBatch = { flows: [], stats: [], invalid: 0 };
  const refuse = (index: number, kind: 'flow' | 'stats', violations: SchemaViolation[]) => {
    out.invalid++;
    out.problem ??= { index, kind, violations };
  };
  batch.Flows.forEach((f, i) => {
    if (!v.flow(f)) refuse(i, 'flow', schemaViolations(v.flow.errors));
    else if (!consistent(f as Flow)) refuse(i, 'flow', [{ path: '/Start', keyword: 'order', message: 'must not be after Last' }]);
    else out.flows.push(f as Flow);
  });
  (batch.Stats ?? []).forEach((s, i) => {
    if (v.stats(s)) out.stats.push(s as CaptureStats);
    else refuse(i, 'stats', schemaViolations(v.stats.errors));
  });
  return out;
}

/** A flow's windows run forwards. */
function consistent(f: Flow): boolean {
  return f.Start <= f.Last && (f.Metric === undefined || f.Metric.Start <= f.Metric.Last)
    && (f.LastUpdateMetric === undefined || f.LastUpdateMetric.Start <= f.LastUpdateMetric.Last);
}
