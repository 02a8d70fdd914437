// The flow model: Skydive's flow.proto as JSON (reference skydive-probes-flows.md §4). These are the shapes
// agents send, analyzers store and users see; enums travel as their names, times are epoch ms, RTT is ns.

/** Protocol of a flow layer. */
export type FlowProtocol = 'ETHERNET' | 'IPV4' | 'TCP' | 'UDP' | 'SCTP' | 'IPV6' | 'ICMPV4' | 'ICMPV6';

/** ICMP type, with request and reply of a pair mapped to the same value. */
export type ICMPType =
  | 'UNKNOWN' | 'DESTINATION_UNREACHABLE' | 'ECHO' | 'NEIGHBOR' | 'ADDRESS_MASK' | 'INFO' | 'PARAMETER_PROBLEM'
  | 'REDIRECT' | 'ROUTER' | 'SOURCE_QUENCH' | 'TIME_EXCEEDED' | 'TIMESTAMP' | 'PACKET_TOO_BIG';

/** Why a flow ended: NOT_FINISHED=0, TIMEOUT=1, TCP_FIN=2, TCP_RST=3 (a plain integer, omitted when 0). */
export const FinishType = { NOT_FINISHED: 0, TIMEOUT: 1, TCP_FIN: 2, TCP_RST: 3 } as const;
export type FinishType = (typeof FinishType)[keyof typeof FinishType];

/** `Link` (A/B = MACs of the first packet, ID = folded VLAN ids) or `Network` (A/B = IPs, ID = tunnel id). */
export interface FlowLayer {
  Protocol: FlowProtocol;
  A?: string;
  B?: string;
  ID: number;
}

/** `Transport`: A/B are the source and destination ports of the first packet; ID is always 0. */
export interface TransportLayer {
  Protocol: FlowProtocol;
  A: number;
  B: number;
  ID: number;
}

/** `ICMP`: ID is the echo identifier. */
export interface ICMPLayer {
  Type: ICMPType;
  Code?: number;
  ID?: number;
}

/** Packet and byte counters per direction over [Start, Last]; RTT in nanoseconds. */
export interface FlowMetric {
  ABPackets: number;
  ABBytes: number;
  BAPackets: number;
  BABytes: number;
  Start: number;
  Last: number;
  RTT?: number;
}

/** TCP details, only when the capture asks for ExtraTCPMetric (times in ms, SawStart/SawEnd 0 or 1). */
export interface TCPMetric {
  ABSynStart: number;
  BASynStart: number;
  ABSynTTL?: number;
  BASynTTL?: number;
  ABFinStart: number;
  BAFinStart: number;
  ABRstStart: number;
  BARstStart: number;
  ABSegmentOutOfOrder: number;
  ABSegmentSkipped: number;
  ABSegmentSkippedBytes: number;
  ABPackets: number;
  ABBytes: number;
  ABSawStart: number;
  ABSawEnd: number;
  BASegmentOutOfOrder: number;
  BASegmentSkipped: number;
  BASegmentSkippedBytes: number;
  BAPackets: number;
  BABytes: number;
  BASawStart: number;
  BASawEnd: number;
}

/** IPv4 defragmentation counters, only when the capture asks for IPDefrag. */
export interface IPMetric {
  Fragments: number;
  FragmentErrors: number;
}

/** One captured packet kept with its flow (RawPacketLimit); Data is base64 in JSON. */
export interface RawPacket {
  Timestamp: number;
  Index: number;
  Data?: string;
  /** 1 (Ethernet), 228 (raw IPv4) or 229 (raw IPv6); omitted when 0. */
  LinkType?: number;
}

/** A DNS message as Skydive exports it (field names of the reference). */
export interface DNSLayer {
  ID: number;
  QR: boolean;
  op_code: number;
  AA: boolean;
  TC: boolean;
  RD: boolean;
  RA: boolean;
  z: number;
  response_code: number;
  q_d_count: number;
  a_n_count: number;
  n_s_count: number;
  a_r_count: number;
  questions?: Array<{ name: string; type: string; class: string }>;
  answers?: DNSResourceRecord[];
  authorities?: DNSResourceRecord[];
  additionals?: DNSResourceRecord[];
  timestamp?: string;
}

/** One DNS resource record; only the fields of its type are present. */
export interface DNSResourceRecord {
  name: string;
  type: string;
  class: string;
  TTL: number;
  data_length: number;
  IP?: string;
  NS?: string;
  CName?: string;
  PTR?: string;
  TXTs?: string[];
  SOA?: { m_name: string; r_name: string; serial: number; refresh: number; retry: number; expire: number; minimum: number };
  SRV?: { priority: number; weight: number; port: number; name: string };
  MX?: { preference: number; name: string };
  OPT?: Array<{ code: string; data: string }>;
}

/** A flow. Optional members are absent (not null) when the layer or option does not apply. */
export interface Flow {
  UUID: string;
  LayersPath: string;
  Application: string;
  /** UUID of the enclosing (outer) flow; always present, '' for an outermost flow. */
  ParentUUID: string;
  Start: number;
  Last: number;
  Link?: FlowLayer;
  Network?: FlowLayer;
  Transport?: TransportLayer;
  ICMP?: ICMPLayer;
  LastUpdateMetric?: FlowMetric;
  Metric?: FlowMetric;
  /** TID of the node the flow was captured on. */
  NodeTID?: string;
  /** ID of the capture resource. */
  CaptureID?: string;
  /** Always present. */
  RawPacketsCaptured: number;
  TCPMetric?: TCPMetric;
  IPMetric?: IPMetric;
  TrackingID: string;
  L3TrackingID: string;
  /** FinishType; omitted when NOT_FINISHED. */
  FinishType?: FinishType;
  DNS?: DNSLayer;
  /**
   * Raw packets captured since the flow was last sent (RawPacketLimit); absent when none. Skydive keeps them out of
   * its JSON; here they travel with the flow from agent to analyzer, which stores them for pcap download.
   */
  LastRawPackets?: RawPacket[];
  DHCPv4?: Record<string, unknown>;
  VRRPv2?: Record<string, unknown>;
}

/** Counters of one capture, sent with flows every few seconds and kept on the node's `Captures` entry. */
export interface CaptureStats {
  CaptureID: string;
  /** Flows in the table. */
  FlowCount: number;
  /** Flows lost: evicted from a full table (every eviction counts, exported or not). */
  FlowDropped: number;
  /** Flows the kernel dropped (kernel flow tables; 0 for packet captures). */
  KernelFlowDropped: number;
  /** Packets the capture dropped (libpcap, ring overflow, interface counters). */
  PacketsDropped: number;
  PacketsReceived: number;
}
