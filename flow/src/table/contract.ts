// The flow table's contract: what capture sources feed it, what it reports, and how it is driven.
// Implemented by `FlowTable` (table/table.ts); capture sources and the analyzer's pcap ingestion use only this.
import type { CaptureStats, Flow } from '../model/flow.js';

/** Link types (pcap LINKTYPE_* values) a frame may start with. */
export const LinkType = {
  ETHERNET: 1,
  RAW: 101,
  /** DLT_RAW as BSD numbers it, seen in captures (link-type-12.pcap). */
  RAW_BSD: 12,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
} as const;

/** How flow keys treat the link layer (reference §5.4). */
export type LayerKeyMode = 'L2' | 'L3';

/** Bits of `extraLayers`: which application layers are copied into flows. */
export const ExtraLayers = { VRRP: 1, DNS: 2, DHCPv4: 4, ALL: 255 } as const;

/** Per-capture options (the capture resource's fields) and table limits. */
export interface FlowTableOptions {
  /** TID of the capture node, stamped on every flow (and hashed into its UUID). */
  nodeTID: string;
  /** ID of the capture resource. */
  captureID: string;
  /** Reporting period: flows touched since the last report are sent with their LastUpdateMetric (ms). */
  updateIntervalMs: number;
  /** Flows idle longer than this are finished as TIMEOUT and sent (ms). */
  expireIntervalMs: number;
  /** Idle time after which a flow of that Application is finished (ms), e.g. {ARP: 10000, DNS: 10000}. */
  applicationTimeoutsMs: Readonly<Record<string, number>>;
  /** Finished flows (FIN/RST/TIMEOUT) are removed once idle this long (ms; reference 15 s). */
  holdTimeoutMs: number;
  /** Table capacity; inserting into a full table evicts the least recently used flow (counted, and sent). */
  maxEntries: number;
  /** Raw packets kept per flow between two reports, 0..10. */
  rawPacketLimit: number;
  extraTCPMetric: boolean;
  ipDefrag: boolean;
  reassembleTCP: boolean;
  layerKeyMode: LayerKeyMode;
  /** ExtraLayers bitmask. */
  extraLayers: number;
  /** UDP ports decoded as MPLS (besides the built-in VXLAN 4789/8472 and Geneve 6081). */
  mplsUDPPorts: readonly number[];
  /** Port → application name overrides (checked on the source port first), e.g. {tcp: {80: 'HTTP'}}. */
  applicationPorts: { readonly tcp: Readonly<Record<number, string>>; readonly udp: Readonly<Record<number, string>> };
}

/** Where a table sends flows (on update, expire, eviction and stop) and its counters. */
export interface FlowSender {
  /** Flows are snapshots the receiver may keep; called with at least one flow. */
  sendFlows(flows: Flow[]): void;
  sendStats?(stats: CaptureStats): void;
}

/** Something frames are fed into: a flow table, or a filter in front of one. */
export interface PacketSink {
  /**
   * One frame: `data[offset, offset + capturedLength)` holds the captured bytes, `wireLength` the length on the
   * wire (≥ capturedLength), `timestampMs` its time (epoch ms, may be fractional), `linkType` a LinkType value.
   * The sink must not keep a reference to `data` after returning (sources reuse their buffers).
   */
  packet(data: Uint8Array, offset: number, capturedLength: number, wireLength: number, timestampMs: number,
    linkType: number): void;
}

/** A flow table (one per capture). */
export interface FlowTableApi extends PacketSink {
  /** Flows currently held. */
  readonly size: number;
  /** Starts the update / expire / stats timers. */
  start(): void;
  /** Stops the timers, finishes every flow as TIMEOUT and sends them. */
  stop(): void;
  /** Runs an update pass as if the clock read `nowMs` (timers call this; tests call it directly). */
  updateAt(nowMs: number): void;
  /** Runs an expire pass at `nowMs`. */
  expireAt(nowMs: number): void;
  /** Snapshots of the live flows accepted by `filter`, least recently touched first. */
  flows(filter?: (flow: Flow) => boolean): Flow[];
  /** The counters of this table (PacketsReceived = frames fed; the capture manager adds its source's drops). */
  stats(): CaptureStats;
}
