// Node types a capture may run on (reference §7.2): flows can only come from nodes of these types, so G.V()…Flows()
// asks for the flows of such nodes only.

/** Every node Type some capture probe accepts (OVS bridges and ports, DPDK ports, kernel interfaces). */
export const CAPTURE_ALLOWED_TYPES: ReadonlySet<string> = new Set([
  'ovsbridge', 'ovsport', 'dpdkport',
  'internal', 'veth', 'tun', 'bridge', 'dummy', 'gre', 'bond', 'can', 'hsr', 'ifb', 'macvlan', 'macvtap', 'vlan',
  'vxlan', 'gretap', 'ip6gretap', 'geneve', 'ipoib', 'vcan', 'ipip', 'ipvlan', 'lowpan', 'ip6tnl', 'ip6gre', 'sit',
  'device',
]);

/** True when a node of this Type can be captured on. */
export function isCaptureAllowed(type: unknown): boolean {
  return typeof type === 'string' && CAPTURE_ALLOWED_TYPES.has(type);
}
