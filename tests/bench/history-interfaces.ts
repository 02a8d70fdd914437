// Metadata of Linux interface nodes as a Skydive agent reports them (about 3 KB of JSON each: ethtool Features,
// addresses, routes, Metric and LastUpdateMetric), and the counters a metrics tick moves.
import type { Metadata } from '@topoflow/graph';
import type { Prng } from './prng.js';

/** The ethtool feature names of a Linux kernel (netdev_features_strings), as Skydive's `Features` keys. */
const FEATURES = [
  'esp-hw-offload', 'esp-tx-csum-hw-offload', 'fcoe-mtu', 'highdma', 'hsr-dup-offload', 'hsr-fwd-offload',
  'hsr-tag-ins-offload', 'hsr-tag-rm-offload', 'hw-tc-offload', 'l2-fwd-offload', 'loopback', 'macsec-hw-offload',
  'netns-local', 'rx-all', 'rx-checksum', 'rx-fcs', 'rx-gro', 'rx-gro-hw', 'rx-gro-list', 'rx-hashing', 'rx-lro',
  'rx-ntuple-filter', 'rx-udp-gro-forwarding', 'rx-udp_tunnel-port-offload', 'rx-vlan-filter', 'rx-vlan-hw-parse',
  'rx-vlan-stag-filter', 'rx-vlan-stag-hw-parse', 'tls-hw-record', 'tls-hw-rx-offload', 'tls-hw-tx-offload',
  'tx-checksum-fcoe-crc', 'tx-checksum-ip-generic', 'tx-checksum-ipv4', 'tx-checksum-ipv6', 'tx-checksum-sctp',
  'tx-esp-segmentation', 'tx-fcoe-segmentation', 'tx-generic-segmentation', 'tx-gre-csum-segmentation',
  'tx-gre-segmentation', 'tx-gso-list', 'tx-gso-partial', 'tx-gso-robust', 'tx-ipxip4-segmentation',
  'tx-ipxip6-segmentation', 'tx-lockless', 'tx-nocache-copy', 'tx-scatter-gather', 'tx-scatter-gather-fraglist',
  'tx-sctp-segmentation', 'tx-tcp-ecn-segmentation', 'tx-tcp-mangleid-segmentation', 'tx-tcp-segmentation',
  'tx-tcp6-segmentation', 'tx-tunnel-remcsum-segmentation', 'tx-udp-segmentation', 'tx-udp_tnl-csum-segmentation',
  'tx-udp_tnl-segmentation', 'tx-vlan-hw-insert', 'tx-vlan-stag-hw-insert', 'vlan-challenged',
] as const;

/** The counters of an InterfaceMetric the workload moves (Skydive's names). */
const COUNTERS = [
  'RxPackets', 'TxPackets', 'RxBytes', 'TxBytes', 'RxErrors', 'TxErrors', 'RxDropped', 'TxDropped', 'Multicast',
  'Collisions',
] as const;

type Counters = Record<(typeof COUNTERS)[number], number>;

/** What the workload remembers of one interface between its updates. */
export interface InterfaceState {
  readonly id: string;
  totals: Counters;
  /** Time of the previous metrics sample (`LastUpdateMetric.Start` of the next). */
  last: number;
  mtu: number;
  up: boolean;
}

const hex2 = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');

/** Features of a driver: seeded booleans, the same for every interface of that driver (as real drivers are). */
function featuresOf(driver: string, rng: Prng): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const f of FEATURES) out[f] = rng.next() < (driver === 'veth' ? 0.55 : 0.4);
  return out;
}

/** A zeroed counter set (a literal: one hidden class for every counter object). */
function zeroCounters(): Counters {
  return { RxPackets: 0, TxPackets: 0, RxBytes: 0, TxBytes: 0, RxErrors: 0, TxErrors: 0, RxDropped: 0, TxDropped: 0, Multicast: 0, Collisions: 0 };
}

/** One interface's position in the topology, from which its static metadata is derived. */
export interface InterfaceSlot {
  readonly id: string;
  /** Index of the interface on its host (1 for the uplink). */
  readonly ifIndex: number;
  readonly host: number;
  readonly type: 'device' | 'veth';
  /** IfIndex of the veth peer (veths only). */
  readonly peerIfIndex?: number;
}

/** The static metadata of an interface plus zero metrics; `features` is shared by the interfaces of a driver. */
export function interfaceMetadata(slot: InterfaceSlot, features: Record<string, boolean>, rng: Prng, now: number): Metadata {
  const veth = slot.type === 'veth';
  const a = slot.host;
  const b = slot.ifIndex;
  const mac = `${veth ? '02' : '3c'}:fd:${hex2(a >> 8)}:${hex2(a)}:${hex2(b >> 8)}:${hex2(b)}`;
  const ip4 = `10.${(a >> 8) & 0xff}.${a & 0xff}.${b & 0xff}`;
  const ll = `fe80::${hex2(a)}ff:fe${hex2(b)}:${rng.hex(4)}`;
  const md: Metadata = {
    Name: veth ? `veth${rng.hex(7)}` : 'eth0', Type: slot.type, Driver: veth ? 'veth' : 'ixgbe', EncapType: 'ether',
    IfIndex: b, MTU: 1500, MAC: mac, State: 'UP', LinkFlags: ['UP', 'BROADCAST', 'MULTICAST'],
    TID: `${rng.hex(8)}-${rng.hex(4)}-5${rng.hex(3)}-${rng.hex(4)}-${rng.hex(12)}`, BusInfo: veth ? '' : `0000:${hex2(a)}:00.0`,
    Speed: veth ? 10000 : 25000, IPV4: [`${ip4}/24`], IPV6: [`${ll}/64`], Features: features,
    RoutingTables: [
      { ID: 254, Src: null, Routes: [{ Protocol: 2, Prefix: `10.${(a >> 8) & 0xff}.${a & 0xff}.0/24`, NextHops: [{ Priority: 0, IfIndex: b }] }] },
      { ID: 255, Src: null, Routes: [
        { Protocol: 2, Prefix: `${ip4}/32`, NextHops: [{ Priority: 0, IfIndex: b }] },
        { Protocol: 2, Prefix: `${ll}/128`, NextHops: [{ Priority: 0, IfIndex: b }] },
        { Protocol: 3, Prefix: 'ff00::/8', NextHops: [{ Priority: 256, IfIndex: b }] },
      ] },
    ],
    Metric: { ...zeroCounters(), Start: now, Last: now },
  };
  if (veth) {
    md.PeerIfIndex = slot.peerIfIndex ?? 0;
    md.ParentIndex = slot.peerIfIndex ?? 0;
    md.MasterIndex = 3;
    md.LinkNetNsName = `ns-${a}-${b >> 1}`;
  }
  return md;
}

/** Features shared by the interfaces of each driver. */
export function driverFeatures(rng: Prng): { device: Record<string, boolean>; veth: Record<string, boolean> } {
  return { device: featuresOf('ixgbe', rng), veth: featuresOf('veth', rng) };
}

/** A fresh state for an interface created at `now`. */
export function interfaceState(id: string, now: number): InterfaceState {
  return { id, totals: zeroCounters(), last: now, mtu: 1500, up: true };
}

/**
 * The keys a metrics tick sets on an interface that carried traffic: Metric (totals since creation, Start at
 * creation) and LastUpdateMetric (what moved since the previous sample); the counters only grow.
 */
export function metricsChange(s: InterfaceState, created: number, now: number, rng: Prng): Metadata {
  const rxPackets = 1 + rng.int(rng.next() < 0.1 ? 200_000 : 5_000);
  const txPackets = 1 + rng.int(rxPackets);
  const d: Counters = {
    RxPackets: rxPackets, TxPackets: txPackets, RxBytes: rxPackets * (64 + rng.int(1400)), TxBytes: txPackets * (64 + rng.int(1400)),
    RxErrors: rng.next() < 0.01 ? 1 : 0, TxErrors: rng.next() < 0.01 ? 1 : 0,
    RxDropped: rng.next() < 0.2 ? 1 + rng.int(50) : 0, TxDropped: rng.next() < 0.05 ? 1 + rng.int(10) : 0,
    Multicast: rng.int(20), Collisions: 0,
  };
  const t = s.totals;
  for (const c of COUNTERS) t[c] += d[c];
  const out: Metadata = {
    Metric: {
      RxPackets: t.RxPackets, TxPackets: t.TxPackets, RxBytes: t.RxBytes, TxBytes: t.TxBytes, RxErrors: t.RxErrors,
      TxErrors: t.TxErrors, RxDropped: t.RxDropped, TxDropped: t.TxDropped, Multicast: t.Multicast, Collisions: t.Collisions,
      Start: created, Last: now,
    },
    LastUpdateMetric: { ...d, Start: s.last, Last: now },
  };
  s.last = now;
  return out;
}
