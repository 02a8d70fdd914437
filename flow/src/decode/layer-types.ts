// Layer types the decoder produces, with the names gopacket gives them (they make LayersPath and Application),
// and the mapping of ICMP types onto the flow model's ICMPType (reference §4.1).
import type { ICMPType } from '../model/flow.js';

/** Numeric layer type codes (index into LAYER_NAMES). */
export const L = {
  PAYLOAD: 0,
  DECODE_FAILURE: 1,
  ETHERNET: 2,
  DOT1Q: 3,
  LINUX_SLL: 4,
  LLC: 5,
  ARP: 6,
  IPV4: 7,
  IPV6: 8,
  IPV6_HOP_BY_HOP: 9,
  IPV6_ROUTING: 10,
  IPV6_FRAGMENT: 11,
  IPV6_DESTINATION: 12,
  FRAGMENT: 13,
  ICMPV4: 14,
  ICMPV6: 15,
  ICMPV6_ECHO: 16,
  ICMPV6_ROUTER_SOLICITATION: 17,
  ICMPV6_ROUTER_ADVERTISEMENT: 18,
  ICMPV6_NEIGHBOR_SOLICITATION: 19,
  ICMPV6_NEIGHBOR_ADVERTISEMENT: 20,
  ICMPV6_REDIRECT: 21,
  TCP: 22,
  UDP: 23,
  SCTP: 24,
  SCTP_CHUNK: 25,
  IGMP: 26,
  GRE: 27,
  MPLS: 28,
  VXLAN: 29,
  GENEVE: 30,
  DNS: 31,
  NTP: 32,
  DHCPV4: 33,
  DHCPV6: 34,
  TLS: 35,
  LINUX_SLL2: 36,
} as const;

/** gopacket's name of each layer type; SCTP chunks are named by their chunk type (sctpChunkName). */
export const LAYER_NAMES: readonly string[] = [
  'Payload', 'DecodeFailure', 'Ethernet', 'Dot1Q', 'Linux SLL', 'LLC', 'ARP', 'IPv4', 'IPv6', 'IPv6HopByHop',
  'IPv6Routing', 'IPv6Fragment', 'IPv6Destination', 'Fragment', 'ICMPv4', 'ICMPv6', 'ICMPv6Echo',
  'ICMPv6RouterSolicitation', 'ICMPv6RouterAdvertisement', 'ICMPv6NeighborSolicitation',
  'ICMPv6NeighborAdvertisement', 'ICMPv6Redirect', 'TCP', 'UDP', 'SCTP', 'SCTPUnknownChunkType', 'IGMP', 'GRE',
  'MPLS', 'VXLAN', 'Geneve', 'DNS', 'NTP', 'DHCPv4', 'DHCPv6', 'TLS', 'Linux SLL2',
];

const SCTP_CHUNK_NAMES: Readonly<Record<number, string>> = {
  0: 'SCTPData', 1: 'SCTPInit', 2: 'SCTPInitAck', 3: 'SCTPSack', 4: 'SCTPHeartbeat', 5: 'SCTPHeartbeatAck',
  6: 'SCTPAbort', 7: 'SCTPShutdown', 8: 'SCTPShutdownAck', 9: 'SCTPError', 10: 'SCTPCookieEcho',
  11: 'SCTPCookieAck', 14: 'SCTPShutdownComplete',
};

/** gopacket's name of an SCTP chunk layer. */
export function sctpChunkName(chunkType: number): string {
  return SCTP_CHUNK_NAMES[chunkType] ?? 'SCTPUnknownChunkType';
}

/** ICMPType values in the order of the model's enum. */
export const ICMP_TYPE_NAMES: readonly ICMPType[] = [
  'UNKNOWN', 'DESTINATION_UNREACHABLE', 'ECHO', 'NEIGHBOR', 'ADDRESS_MASK', 'INFO', 'PARAMETER_PROBLEM',
  'REDIRECT', 'ROUTER', 'SOURCE_QUENCH', 'TIME_EXCEEDED', 'TIMESTAMP', 'PACKET_TOO_BIG',
];

/** The ECHO value of ICMPType. */
export const ICMP_ECHO = 2;

/** Maps an ICMPv4 type to the ICMPType value (request and reply of a pair alike). */
export function icmpv4FlowType(type: number): number {
  switch (type) {
    case 0: case 8: return 2; // echo reply / request
    case 3: return 1; // destination unreachable
    case 4: return 9; // source quench
    case 5: return 7; // redirect
    case 9: case 10: return 8; // router advertisement / solicitation
    case 11: return 10; // time exceeded
    case 12: return 6; // parameter problem
    case 13: case 14: return 11; // timestamp request / reply
    case 15: case 16: return 5; // information request / reply
    case 17: case 18: return 4; // address mask request / reply
    default: return 0;
  }
}

/** Maps an ICMPv6 type to the ICMPType value. */
export function icmpv6FlowType(type: number): number {
  switch (type) {
    case 1: return 1; // destination unreachable
    case 2: return 12; // packet too big
    case 3: return 10; // time exceeded
    case 4: return 6; // parameter problem
    case 128: case 129: return 2; // echo request / reply
    case 133: case 134: return 8; // router solicitation / advertisement
    case 135: case 136: return 3; // neighbor solicitation / advertisement
    case 137: return 7; // redirect
    default: return 0;
  }
}
