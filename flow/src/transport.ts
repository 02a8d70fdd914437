// Flows from agents to analyzers: a WebSocket per agent on FLOW_WS_PATH, opened with the same handshake headers
// as the topology link (/ws/agent/topology). Each text message is one JSON FlowBatch; the analyzer answers
// nothing. Agents batch flows and stats, queue them while disconnected (bounded, drops counted) and resend.
import type { CaptureStats, Flow } from './model/flow.js';

export const FLOW_WS_PATH = '/ws/agent/flow';

/** One message of the flow link. */
export interface FlowBatch {
  Flows: Flow[];
  Stats?: CaptureStats[];
}
