// Capture types and the node types they run on (reference §7.2, Skydive's ProbeTypeForNode): one table that the
// analyzer (validation, choice of probe per node), the agent (which source to run) and the flow steps (which nodes
// can have flows) all read.

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

/** Capabilities per capture type. */
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

/** The capture types a node type accepts, and the one it gets when a capture names none. */
export interface NodeCaptureRule {
  readonly allowed: readonly CaptureType[];
  readonly default: CaptureType;
}

const PACKET_PROBES: NodeCaptureRule = { allowed: ['afpacket', 'pcap', 'pcapsocket', 'sflow', 'ebpf'], default: 'afpacket' };

/** Kernel interface types, captured by packet probes. */
const INTERFACE_TYPES = [
  'internal', 'veth', 'tun', 'bridge', 'dummy', 'gre', 'bond', 'can', 'hsr', 'ifb', 'macvlan', 'macvtap', 'vlan', 'vxlan',
  'gretap', 'ip6gretap', 'geneve', 'ipoib', 'vcan', 'ipip', 'ipvlan', 'lowpan', 'ip6tnl', 'ip6gre', 'sit', 'device',
];

const RULES: ReadonlyMap<string, NodeCaptureRule> = new Map<string, NodeCaptureRule>([
  ['ovsbridge', { allowed: ['ovssflow', 'pcapsocket', 'ovsnetflow'], default: 'ovssflow' }],
  ['ovsport', { allowed: ['ovsmirror'], default: 'ovsmirror' }],
  ['dpdkport', { allowed: ['dpdk'], default: 'dpdk' }],
  ...INTERFACE_TYPES.map((t): [string, NodeCaptureRule] => [t, PACKET_PROBES]),
]);

/** The capture rule of a node type; undefined for types that cannot be captured (host, netns, tuntap…). */
export function captureRuleFor(nodeType: string): NodeCaptureRule | undefined {
  return RULES.get(nodeType);
}

/** Every node Type some capture type accepts. */
export const CAPTURE_ALLOWED_TYPES: ReadonlySet<string> = new Set(RULES.keys());

/** True when a node of this Type can be captured on. */
export function isCaptureAllowed(type: unknown): boolean {
  return typeof type === 'string' && RULES.has(type);
}
