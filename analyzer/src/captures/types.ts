// Capture types, what each can do, and which ones a node type accepts (Skydive's ProbeTypeForNode): the tables
// behind capture validation and the on-demand server's choice of probe per node.
import { AnalyzerErrors } from '../errors.js';

/** Every capture type Skydive defines. */
export const CAPTURE_TYPES = ['afpacket', 'pcap', 'ebpf', 'sflow', 'pcapsocket', 'ovsmirror', 'dpdk', 'ovssflow', 'ovsnetflow'] as const;

/** One capture type. */
export type CaptureType = (typeof CAPTURE_TYPES)[number];

/** What a capture type supports. */
export interface CaptureCapabilities {
  bpf: boolean;
  rawPackets: boolean;
  extraTcpMetric: boolean;
  /** Several captures of this type may run on one node (with different BPF filters). */
  multiplePerNode: boolean;
}

const FULL = { bpf: true, rawPackets: true, extraTcpMetric: true, multiplePerNode: false };

/** Capabilities per capture type (reference: probes §7.2). */
export const CAPABILITIES: Readonly<Record<CaptureType, CaptureCapabilities>> = {
  afpacket: { ...FULL, multiplePerNode: true },
  pcap: { ...FULL, multiplePerNode: true },
  ebpf: { bpf: false, rawPackets: false, extraTcpMetric: true, multiplePerNode: false },
  sflow: FULL,
  pcapsocket: FULL,
  ovsmirror: FULL,
  dpdk: FULL,
  ovssflow: FULL,
  ovsnetflow: FULL,
};

/** True for a known capture type. */
export function isCaptureType(t: string): t is CaptureType {
  return (CAPTURE_TYPES as readonly string[]).includes(t);
}

interface NodeProbes {
  allowed: readonly CaptureType[];
  default: CaptureType;
}

const PACKET_PROBES: NodeProbes = { allowed: ['afpacket', 'pcap', 'pcapsocket', 'sflow', 'ebpf'], default: 'afpacket' };

/** Interface types captured by packet probes. */
const INTERFACE_TYPES = [
  'internal', 'veth', 'tun', 'bridge', 'dummy', 'gre', 'bond', 'can', 'hsr', 'ifb', 'macvlan', 'macvtap', 'vlan', 'vxlan',
  'gretap', 'ip6gretap', 'geneve', 'ipoib', 'vcan', 'ipip', 'ipvlan', 'lowpan', 'ip6tnl', 'ip6gre', 'sit', 'device',
];

const NODE_PROBES = new Map<string, NodeProbes>([
  ['ovsbridge', { allowed: ['ovssflow', 'pcapsocket', 'ovsnetflow'], default: 'ovssflow' }],
  ['ovsport', { allowed: ['ovsmirror'], default: 'ovsmirror' }],
  ['dpdkport', { allowed: ['dpdk'], default: 'dpdk' }],
  ...INTERFACE_TYPES.map((t): [string, NodeProbes] => [t, PACKET_PROBES]),
]);

/** True when nodes of this Type can be captured at all (others, such as host, netns or tuntap, are skipped). */
export function isCapturableNodeType(nodeType: unknown): boolean {
  return typeof nodeType === 'string' && NODE_PROBES.has(nodeType);
}

/** The probe for a node: the requested type when the node type allows it, its default when none is requested. */
export type ProbeChoice = { type: CaptureType } | { error: string; code: typeof AnalyzerErrors.CAPTURE_TYPE_NOT_ALLOWED };

/** Picks the capture type for a capturable node type; an explicit type the node type does not allow is an error. */
export function probeTypeForNode(nodeType: string, requested: string): ProbeChoice {
  const probes = NODE_PROBES.get(nodeType);
  const code = AnalyzerErrors.CAPTURE_TYPE_NOT_ALLOWED;
  if (probes === undefined) return { error: `nodes of type "${nodeType}" cannot be captured`, code };
  if (requested === '') return { type: probes.default };
  if (isCaptureType(requested) && probes.allowed.includes(requested)) return { type: requested };
  return { error: `capture type "${requested}" is not allowed on a ${nodeType} node (allowed: ${probes.allowed.join(', ')})`, code };
}
