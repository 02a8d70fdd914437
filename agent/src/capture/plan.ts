// Turns a capture spec, its node and the agent configuration into what the flow table and the source are built
// with: the table options (reference §6) and the source parameters (reference §7.3-§7.5).
import type { FlowTableOptions } from '@topoflow/flow';
import type { GraphView, Node } from '@topoflow/graph';
import type { ResolvedCaptureConfig, ResolvedFlowConfig } from '../config.js';
import { AgentErrors, agentError } from '../errors.js';
import type { SourceParams } from './factories.js';
import { namespaceOf, sflowListenAddress } from './node.js';
import type { CaptureSpec, SourceKind } from './spec.js';
import { SAMPLING_OFF } from './sources/ovs-sflow.js';

/** The flow settings a table takes from the agent configuration. */
export type TableDefaults = Pick<ResolvedFlowConfig,
  'updateIntervalMs' | 'expireIntervalMs' | 'maxEntries' | 'holdTimeoutMs' | 'applicationTimeoutsMs' | 'defaultLayerKeyMode' | 'mplsUDPPorts'>;

/** sFlow's default collector port, used by sflow captures without a Port. */
export const SFLOW_DEFAULT_PORT = 6343;

/** The options of a capture's flow table: the spec's fields, the agent's flow settings, the node's TID. */
export function tableOptions(spec: CaptureSpec, nodeTID: string, flow: TableDefaults): FlowTableOptions {
  return {
    nodeTID,
    captureID: spec.ID,
    updateIntervalMs: flow.updateIntervalMs,
    expireIntervalMs: flow.expireIntervalMs,
    applicationTimeoutsMs: { ...flow.applicationTimeoutsMs },
    holdTimeoutMs: flow.holdTimeoutMs,
    maxEntries: flow.maxEntries,
    rawPacketLimit: spec.RawPacketLimit ?? 0,
    extraTCPMetric: spec.ExtraTCPMetric === true,
    ipDefrag: spec.IPDefrag === true,
    reassembleTCP: spec.ReassembleTCP === true,
    layerKeyMode: spec.LayerKeyMode === 'L2' || spec.LayerKeyMode === 'L3' ? spec.LayerKeyMode : flow.defaultLayerKeyMode,
    extraLayers: spec.ExtraLayers ?? 0,
    mplsUDPPorts: [...flow.mplsUDPPorts],
    applicationPorts: { tcp: {}, udp: {} },
  };
}

const str = (node: Node, key: string): string => (typeof node.Metadata[key] === 'string' ? (node.Metadata[key] as string) : '');

/** What `plan` needs besides the spec and the node. */
export interface PlanContext {
  graph: GraphView;
  capture: ResolvedCaptureConfig;
  /** The port allocated for an ovssflow receiver. */
  port?: number;
  onError(err: Error): void;
}

/** The source parameters of a capture of `kind` on `node`, and the sFlow socket its Captures entry shows. */
export function plan(kind: SourceKind, spec: CaptureSpec, node: Node, ctx: PlanContext): { params: SourceParams; sflowSocket?: string } {
  const base = {
    captureId: spec.ID, nodeId: node.ID, bpfFilter: spec.BPFFilter ?? '',
    snapLength: spec.HeaderSize !== undefined && spec.HeaderSize > 0 ? spec.HeaderSize : ctx.capture.snapLength,
    onError: ctx.onError,
  };
  if (kind === 'ovssflow') {
    const { bindAddress } = ctx.capture.sflow;
    const port = ctx.port ?? 0;
    return {
      params: {
        ...base, kind, bridgeUUID: str(node, 'UUID'), bridgeName: str(node, 'Name'), bindAddress, port,
        samplingRate: spec.SamplingRate !== undefined && spec.SamplingRate > 0 ? spec.SamplingRate : SAMPLING_OFF,
        pollingInterval: spec.PollingInterval ?? 0,
      },
      sflowSocket: `${bindAddress}:${port}`,
    };
  }
  const ns = namespaceOf(ctx.graph, node.ID);
  if (ns === undefined) {
    throw agentError(AgentErrors.CAPTURE_PRECONDITION_FAILED, `node ${node.ID} has no ownership chain to a namespace yet`, {
      nodeId: node.ID, missing: ['namespace'],
    });
  }
  if (kind === 'sflow') {
    const bindAddress = sflowListenAddress(node);
    const port = spec.Port !== undefined && spec.Port > 0 ? spec.Port : SFLOW_DEFAULT_PORT;
    return { params: { ...base, kind, bindAddress, port, netnsPath: ns.path }, sflowSocket: `${bindAddress}:${port}` };
  }
  return { params: { ...base, kind, interfaceName: str(node, 'Name'), netnsPath: ns.path, encapType: str(node, 'EncapType') } };
}
