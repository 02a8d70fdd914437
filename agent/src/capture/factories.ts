// The seams between the capture manager and what it drives: a factory of flow tables and a factory of capture
// sources, each with what it is given. Until the real ones are wired, `unavailableTableFactory` refuses captures.
import type { CaptureSource, FlowSender, FlowTableApi, FlowTableOptions, PacketSink } from '@topoflow/flow';
import { AgentErrors, agentError } from '../errors.js';
import type { SourceKind } from './spec.js';

/** Builds the flow table of one capture; its flows and stats go to `sender`. */
export type TableFactory = (options: FlowTableOptions, sender: FlowSender) => FlowTableApi;

/** What every source is given. */
export interface SourceParamsBase {
  /** The capture resource's ID (for logs). */
  captureId: string;
  /** The graph node captured on. */
  nodeId: string;
  /** User BPF filter ('' for none). */
  bpfFilter: string;
  /** Bytes kept of each packet (HeaderSize, or agent.capture.snapLength). */
  snapLength: number;
  /** Called when the source fails after start() resolved; the manager marks the capture as failed and stops it. */
  onError(err: Error): void;
}

/** A libpcap live capture on an interface (capture types afpacket and pcap). */
export interface PcapSourceParams extends SourceParamsBase {
  kind: 'pcap';
  /** Interface name (node Name). */
  interfaceName: string;
  /** Namespace file the interface lives in; '' for the agent's own namespace. */
  netnsPath: string;
  /** The node's EncapType ('ether', 'none', 'loopback', …; '' when unknown). */
  encapType: string;
}

/** An sFlow v5 receiver on a UDP socket (capture type sflow). */
export interface SflowSourceParams extends SourceParamsBase {
  kind: 'sflow';
  /** Address to listen on (the node's IPv4 when it has exactly one, else 0.0.0.0). */
  bindAddress: string;
  port: number;
  /** Namespace of the node; '' for the agent's own (the reference listens in the agent's namespace). */
  netnsPath: string;
}

/** Open vSwitch sFlow export of a bridge to a receiver of the agent (capture type ovssflow). */
export interface OvsSflowSourceParams extends SourceParamsBase {
  kind: 'ovssflow';
  /** The bridge's OVSDB UUID (node UUID). */
  bridgeUUID: string;
  /** The bridge's name. */
  bridgeName: string;
  /** Receiver address (agent.capture.sflow.bindAddress) and the port the manager allocated in portMin..portMax. */
  bindAddress: string;
  port: number;
  /** sFlow sampling rate; 0 in the capture means 2^32-1 (the manager passes the final value). */
  samplingRate: number;
  /** Counter polling interval in seconds (0 = none). */
  pollingInterval: number;
}

/** What a source factory is given; `kind` says which of the three. */
export type SourceParams = PcapSourceParams | SflowSourceParams | OvsSflowSourceParams;

/** Builds the source of one capture, feeding frames to `sink` (the capture's flow table); params.kind === kind. */
export type SourceFactory = (kind: SourceKind, params: SourceParams, sink: PacketSink) => CaptureSource;

/** A table factory that refuses every capture (the agent was built without a flow table). */
export const unavailableTableFactory: TableFactory = () => {
  throw agentError(AgentErrors.CAPTURE_UNAVAILABLE, 'flow table not built in');
};
