// Capture types, what each can do, and which ones a node type accepts (Skydive's ProbeTypeForNode): the tables
// behind capture validation and the on-demand server's choice of probe per node.
import { type CaptureType, captureRuleFor, isCaptureAllowed, isCaptureType } from '@topoflow/flow';
import { AnalyzerErrors } from '../errors.js';

export { CAPABILITIES, CAPTURE_TYPES, type CaptureCapabilities, type CaptureType, isCaptureType } from '@topoflow/flow';

/** True when nodes of this Type can be captured at all (others, such as host, netns or tuntap, are skipped). */
export function isCapturableNodeType(nodeType: unknown): boolean {
  return isCaptureAllowed(nodeType);
}

/** The probe for a node: the requested type when the node type allows it, its default when none is requested. */
export type ProbeChoice = { type: CaptureType } | { error: string; code: typeof AnalyzerErrors.CAPTURE_TYPE_NOT_ALLOWED };

/** Picks the capture type for a capturable node type; an explicit type the node type does not allow is an error. */
export function probeTypeForNode(nodeType: string, requested: string): ProbeChoice {
  const probes = captureRuleFor(nodeType);
  const code = AnalyzerErrors.CAPTURE_TYPE_NOT_ALLOWED;
  if (probes === undefined) return { error: `nodes of type "${nodeType}" cannot be captured`, code };
  if (requested === '') return { type: probes.default };
  if (isCaptureType(requested) && probes.allowed.includes(requested)) return { type: requested };
  return { error: `capture type "${requested}" is not allowed on a ${nodeType} node (allowed: ${probes.allowed.join(', ')})`, code };
}
