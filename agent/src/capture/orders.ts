// Capture orders from the analyzer's on-demand server: `CaptureStart` / `CaptureStop` in namespace `OnDemand` on
// the topology link. Starts of a running capture and stops of an unknown one are done already; every order gets a
// reply (`CaptureStartReply` / `CaptureStopReply`, the request's UUID, Status 200 or the error's status, and
// `{NodeID, CaptureID, Error?, Code?}`, so the analyzer knows which start was refused and can send it again).
import type { ComponentReporter } from '@topoflow/common';
import { isAppError } from '@topoflow/common';
import type { CaptureManager } from './manager.js';
import type { CaptureSpec } from './spec.js';

/** Namespace of capture orders and their replies. */
export const ONDEMAND_NAMESPACE = 'OnDemand';

interface Envelope {
  Namespace?: unknown;
  Type?: unknown;
  UUID?: unknown;
  Obj?: unknown;
}

const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The capture spec of a CaptureStart order: the capture's fields, its UUID as ID, the chosen probe type as Type. */
export function orderSpec(obj: Record<string, unknown>): CaptureSpec | undefined {
  const capture = record(obj.Capture);
  if (capture === undefined) return undefined;
  const id = text(capture.UUID) || text(capture.ID);
  if (id === '') return undefined;
  const spec: Record<string, unknown> = { ID: id };
  for (const key of ['Name', 'Description', 'BPFFilter', 'LayerKeyMode']) if (typeof capture[key] === 'string') spec[key] = capture[key];
  for (const key of ['HeaderSize', 'RawPacketLimit', 'ExtraLayers', 'Port', 'SamplingRate', 'PollingInterval']) {
    if (typeof capture[key] === 'number') spec[key] = capture[key];
  }
  for (const key of ['ExtraTCPMetric', 'IPDefrag', 'ReassembleTCP']) if (typeof capture[key] === 'boolean') spec[key] = capture[key];
  const type = text(obj.ProbeType) || text(capture.Type);
  if (type !== '') spec.Type = type;
  return spec as unknown as CaptureSpec;
}

/** Handles one message of the topology link; messages of other namespaces are ignored. */
export function handleOrderMessage(captures: CaptureManager, reporter: ComponentReporter, message: string,
  reply: (message: unknown) => void): void {
  let env: Envelope;
  try {
    env = JSON.parse(message) as Envelope;
  } catch {
    reporter.logger.warn('analyzer message is not JSON');
    return;
  }
  if (record(env) === undefined || env.Namespace !== ONDEMAND_NAMESPACE) return;
  const obj = record(env.Obj) ?? {};
  const nodeId = text(obj.NodeID);
  const captureId = text(record(obj.Capture)?.UUID) || text(obj.CaptureID);
  const answer = (status: number, error?: string, code?: string): void => reply({
    Namespace: ONDEMAND_NAMESPACE, Type: `${text(env.Type)}Reply`, UUID: env.UUID, Status: status,
    Obj: { NodeID: nodeId, CaptureID: captureId, ...(error ? { Error: error } : {}), ...(code ? { Code: code } : {}) },
  });
  const fail = (err: unknown): void => {
    const status = isAppError(err) ? err.statusCode : 500;
    reporter.logger.warn({ err, nodeId, captureId, type: env.Type }, 'capture order failed');
    answer(status, err instanceof Error ? err.message : String(err), isAppError(err) ? err.code : undefined);
  };
  if (env.Type === 'CaptureStart') {
    const spec = orderSpec(obj);
    if (spec === undefined || nodeId === '') return answer(400, 'CaptureStart needs NodeID and Capture.UUID');
    captures.startCapture(spec, nodeId).then(() => answer(200), fail);
  } else if (env.Type === 'CaptureStop') {
    const id = text(obj.CaptureID);
    if (id === '') return answer(400, 'CaptureStop needs CaptureID');
    captures.stopCapture(id, nodeId === '' ? undefined : nodeId).then(() => answer(200), fail);
  } else {
    answer(400, `unknown OnDemand message type ${text(env.Type)}`);
  }
}
