// JSON schemas of the agent flow link (flow/src/transport.ts): the FlowBatch envelope, one Flow and one
// CaptureStats, matching the flow model exactly (unknown fields are refused).

const ID = { type: 'string', maxLength: 256 } as const;
const TIME = { type: 'number', minimum: 0 } as const;
const COUNT = { type: 'integer', minimum: 0 } as const;
const PROTOCOLS = ['ETHERNET', 'IPV4', 'TCP', 'UDP', 'SCTP', 'IPV6', 'ICMPV4', 'ICMPV6'];
const ICMP_TYPES = [
  'UNKNOWN', 'DESTINATION_UNREACHABLE', 'ECHO', 'NEIGHBOR', 'ADDRESS_MASK', 'INFO', 'PARAMETER_PROBLEM', 'REDIRECT',
  'ROUTER', 'SOURCE_QUENCH', 'TIME_EXCEEDED', 'TIMESTAMP', 'PACKET_TOO_BIG',
];
const TCP_COUNTERS = [
  'ABSynStart', 'BASynStart', 'ABFinStart', 'BAFinStart', 'ABRstStart', 'BARstStart', 'ABSegmentOutOfOrder',
  'ABSegmentSkipped', 'ABSegmentSkippedBytes', 'ABPackets', 'ABBytes', 'ABSawStart', 'ABSawEnd', 'BASegmentOutOfOrder',
  'BASegmentSkipped', 'BASegmentSkippedBytes', 'BAPackets', 'BABytes', 'BASawStart', 'BASawEnd',
];

const strict = (properties: Record<string, object>, required: string[]) =>
  ({ type: 'object', properties, required, additionalProperties: false });

const FLOW_LAYER = strict({ Protocol: { enum: PROTOCOLS }, A: { type: 'string', maxLength: 64 }, B: { type: 'string', maxLength: 64 }, ID: { type: 'integer' } },
  ['Protocol', 'ID']);
const TRANSPORT_LAYER = strict({ Protocol: { enum: PROTOCOLS }, A: COUNT, B: COUNT, ID: { type: 'integer' } }, ['Protocol', 'A', 'B', 'ID']);
const ICMP_LAYER = strict({ Type: { enum: ICMP_TYPES }, Code: COUNT, ID: COUNT }, ['Type']);
const FLOW_METRIC = strict({ ABPackets: COUNT, ABBytes: COUNT, BAPackets: COUNT, BABytes: COUNT, Start: TIME, Last: TIME, RTT: TIME },
  ['ABPackets', 'ABBytes', 'BAPackets', 'BABytes', 'Start', 'Last']);
const TCP_METRIC = strict(
  Object.fromEntries([...TCP_COUNTERS, 'ABSynTTL', 'BASynTTL'].map((k) => [k, COUNT])), TCP_COUNTERS);
const IP_METRIC = strict({ Fragments: COUNT, FragmentErrors: COUNT }, ['Fragments', 'FragmentErrors']);
const RAW_PACKET = strict({
  Timestamp: TIME, Index: COUNT, Data: { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$' }, LinkType: COUNT,
}, ['Timestamp', 'Index']);

/** One flow as agents send it. */
export const FLOW_SCHEMA = strict({
  UUID: { ...ID, minLength: 1 },
  LayersPath: { type: 'string', maxLength: 1024 },
  Application: { type: 'string', maxLength: 256 },
  ParentUUID: ID,
  Start: TIME,
  Last: TIME,
  Link: FLOW_LAYER,
  Network: FLOW_LAYER,
  Transport: TRANSPORT_LAYER,
  ICMP: ICMP_LAYER,
  LastUpdateMetric: FLOW_METRIC,
  Metric: FLOW_METRIC,
  NodeTID: ID,
  CaptureID: ID,
  ANodeTID: ID,
  BNodeTID: ID,
  RawPacketsCaptured: COUNT,
  LastRawPackets: { type: 'array', items: RAW_PACKET, maxItems: 1000 },
  TCPMetric: TCP_METRIC,
  IPMetric: IP_METRIC,
  TrackingID: ID,
  L3TrackingID: ID,
  FinishType: { enum: [0, 1, 2, 3] },
  DNS: { type: 'object' },
  DHCPv4: { type: 'object' },
  VRRPv2: { type: 'object' },
}, ['UUID', 'LayersPath', 'Application', 'ParentUUID', 'Start', 'Last', 'RawPacketsCaptured', 'TrackingID', 'L3TrackingID']);

/** The counters of one capture. */
export const CAPTURE_STATS_SCHEMA = strict({
  CaptureID: { ...ID, minLength: 1 }, FlowCount: COUNT, FlowDropped: COUNT, KernelFlowDropped: COUNT, PacketsDropped: COUNT,
  PacketsReceived: COUNT,
}, ['CaptureID', 'FlowCount', 'FlowDropped', 'KernelFlowDropped', 'PacketsDropped', 'PacketsReceived']);

/** The envelope of one message; its flows and stats are checked one by one. */
export const FLOW_BATCH_SCHEMA = strict({ Flows: { type: 'array' }, Stats: { type: 'array' } }, ['Flows']);
