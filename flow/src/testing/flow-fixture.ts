// A small topology with capture nodes and five live flows between them, small enough to compute query answers by
// hand: eth0 (device), veth0–veth1 (a veth pair, each carrying the other's MAC as PeerIntfMAC), tap0 (not capturable).
import { MemoryGraph, type Metadata } from '@topoflow/graph';
import type { Flow, FlowMetric } from '../model/flow.js';

/** MACs of the fixture's interfaces. */
export const FIXTURE_MACS = {
  eth0: 'aa:00:00:00:00:01', veth0: 'aa:00:00:00:00:02', veth1: 'aa:00:00:00:00:03', tap0: 'aa:00:00:00:00:04',
  /** Only a patch port's PeerIntfMAC: a node found through PeerIntfMAC alone. */
  patchPeer: 'aa:00:00:00:00:05',
  /** A MAC no node has. */
  gateway: 'aa:00:00:00:00:09',
} as const;

const NODES: readonly [string, Metadata][] = [
  ['host', { Name: 'host1', Type: 'host' }],
  ['ns1', { Name: 'ns1', Type: 'netns' }],
  ['eth0', { Name: 'eth0', Type: 'device', TID: 'tid-eth0', MAC: FIXTURE_MACS.eth0 }],
  ['veth0', { Name: 'veth0', Type: 'veth', TID: 'tid-veth0', MAC: FIXTURE_MACS.veth0, PeerIntfMAC: FIXTURE_MACS.veth1 }],
  ['veth1', { Name: 'veth1', Type: 'veth', TID: 'tid-veth1', MAC: FIXTURE_MACS.veth1, PeerIntfMAC: FIXTURE_MACS.veth0 }],
  ['tap0', { Name: 'tap0', Type: 'tuntap', TID: 'tid-tap0', MAC: FIXTURE_MACS.tap0 }],
  ['br0', { Name: 'br0', Type: 'bridge', TID: 'tid-br0' }],
  ['patch0', { Name: 'patch0', Type: 'patch', PeerIntfMAC: FIXTURE_MACS.patchPeer }],
];

const EDGES: readonly [string, string, string, Metadata][] = [
  ['e1', 'host', 'eth0', { RelationType: 'ownership' }],
  ['e2', 'host', 'veth0', { RelationType: 'ownership' }],
  ['e3', 'host', 'ns1', { RelationType: 'ownership' }],
  ['e4', 'ns1', 'veth1', { RelationType: 'ownership' }],
  ['e5', 'veth0', 'veth1', { RelationType: 'layer2' }],
  ['e6', 'host', 'tap0', { RelationType: 'ownership' }],
  ['e7', 'host', 'br0', { RelationType: 'ownership' }],
  ['e8', 'host', 'patch0', { RelationType: 'ownership' }],
];

/** The fixture graph (IDs are the short names). */
export function flowFixtureGraph(): MemoryGraph {
  const g = new MemoryGraph({ host: 'host1', origin: 'test' });
  for (const [id, md] of NODES) g.addNode({ ID: id, Metadata: md, CreatedAt: 1 });
  for (const [id, parent, child, md] of EDGES) g.addEdge({ ID: id, Parent: parent, Child: child, Metadata: md, CreatedAt: 1 });
  return g;
}

/** A metric from its counters and times. */
export function metric(ab: [number, number], ba: [number, number], Start: number, Last: number, RTT?: number): FlowMetric {
  return { ABPackets: ab[0], ABBytes: ab[1], BAPackets: ba[0], BABytes: ba[1], Start, Last, ...(RTT === undefined ? {} : { RTT }) };
}

/** A flow with the fields every flow has, plus `extra`. */
export function flow(UUID: string, TrackingID: string, extra: Partial<Flow>): Flow {
  return {
    UUID, LayersPath: 'Ethernet', Application: 'Ethernet', ParentUUID: '', Start: 0, Last: 0, RawPacketsCaptured: 0,
    TrackingID, L3TrackingID: `l3-${TrackingID}`, ...extra,
  };
}

/**
 * The live flows: u1 TCP on eth0; u2 and u3 the same DNS exchange (TrackingID t2) seen on veth0 and veth1; u4 an
 * ICMP echo on eth0 towards the patch port's peer MAC; u5 an ARP broadcast on tap0.
 */
export function fixtureFlows(): Flow[] {
  const M = FIXTURE_MACS;
  return [
    flow('u1', 't1', {
      LayersPath: 'Ethernet/IPv4/TCP', Application: 'TCP', NodeTID: 'tid-eth0', Start: 1000, Last: 5000,
      Link: { Protocol: 'ETHERNET', A: M.eth0, B: M.gateway, ID: 0 },
      Network: { Protocol: 'IPV4', A: '10.0.0.1', B: '10.0.0.2', ID: 0 },
      Transport: { Protocol: 'TCP', A: 40000, B: 80, ID: 0 },
      Metric: metric([10, 1000], [8, 4000], 1000, 5000), LastUpdateMetric: metric([2, 200], [1, 100], 4000, 5000),
    }),
    flow('u2', 't2', {
      LayersPath: 'Ethernet/IPv4/UDP/DNS', Application: 'DNS', NodeTID: 'tid-veth0', Start: 2000, Last: 3000,
      Link: { Protocol: 'ETHERNET', A: M.veth0, B: M.veth1, ID: 0 },
      Network: { Protocol: 'IPV4', A: '10.0.0.3', B: '10.0.0.1', ID: 0 },
      Transport: { Protocol: 'UDP', A: 5353, B: 53, ID: 0 },
      Metric: metric([1, 100], [1, 200], 2000, 3000, 500),
    }),
    flow('u3', 't2', {
      LayersPath: 'Ethernet/IPv4/UDP/DNS', Application: 'DNS', NodeTID: 'tid-veth1', Start: 2100, Last: 3100,
      Link: { Protocol: 'ETHERNET', A: M.veth0, B: M.veth1, ID: 0 },
      Network: { Protocol: 'IPV4', A: '10.0.0.3', B: '10.0.0.1', ID: 0 },
      Transport: { Protocol: 'UDP', A: 5353, B: 53, ID: 0 },
      Metric: metric([1, 100], [1, 200], 2100, 3100),
    }),
    flow('u4', 't4', {
      LayersPath: 'Ethernet/IPv4/ICMPv4', Application: 'ICMPv4', NodeTID: 'tid-eth0', Start: 500, Last: 6000,
      Link: { Protocol: 'ETHERNET', A: M.eth0, B: M.patchPeer, ID: 0 },
      Network: { Protocol: 'IPV4', A: '10.0.0.1', B: '8.8.8.8', ID: 0 },
      ICMP: { Type: 'ECHO', ID: 7 },
      Metric: metric([3, 300], [3, 300], 500, 6000), LastUpdateMetric: metric([1, 100], [1, 100], 5000, 6000),
    }),
    flow('u5', 't5', {
      LayersPath: 'Ethernet/ARP', Application: 'ARP', NodeTID: 'tid-tap0', Start: 4500, Last: 4500,
      Link: { Protocol: 'ETHERNET', A: M.tap0, B: 'ff:ff:ff:ff:ff:ff', ID: 0 },
      Metric: metric([1, 42], [0, 0], 4500, 4500),
    }),
  ];
}
