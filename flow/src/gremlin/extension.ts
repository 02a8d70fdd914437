// The flow extension of the Gremlin engine: Flows() and every step on flows, flow metrics, raw packets and groups
// (reference §8.3), bound to one FlowQuerySource.
import { AppError, CommonErrors } from '@topoflow/common';
import type { GremlinExtension, StepDefinition } from '@topoflow/gremlin';
import { flowsStep } from './flows.js';
import { FLOW_RESULT_KINDS } from './kinds.js';
import { FLOW_METRICS_STEPS, flowMetricsStep } from './metrics.js';
import { FLOW_NODE_STEPS } from './nodes.js';
import { FLOW_OP_STEPS } from './ops.js';
import { bpfStep, rawPacketsStep } from './rawpackets.js';
import type { FlowExtensionDeps } from './source.js';
import { FLOW_VALUE_STEPS } from './values.js';

/** The flow steps and result kinds, reading flows from `deps.source`; register with createEngine({ extensions }). */
export function flowExtension(deps: FlowExtensionDeps): GremlinExtension {
  const expire = deps.expireMs;
  if (expire !== undefined && !(Number.isFinite(expire) && expire >= 0)) {
    throw new AppError(CommonErrors.CONFIG_INVALID, `flow: expireMs must be a non-negative number, got ${expire}`, { statusCode: 500 });
  }
  const steps = [
    flowsStep(deps), ...FLOW_OP_STEPS, ...FLOW_NODE_STEPS, ...FLOW_VALUE_STEPS,
    flowMetricsStep(deps), ...FLOW_METRICS_STEPS, rawPacketsStep(deps), bpfStep(deps),
  ] as readonly StepDefinition[];
  return { name: 'flow', steps, resultKinds: FLOW_RESULT_KINDS };
}
