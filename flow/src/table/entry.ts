// The mutable state of one flow in the table: identity and layers fixed at creation, counters updated per packet,
// and the report window (LastUpdateMetric). Plain numeric fields, so a packet update allocates nothing.
import type { DNSLayer, FlowProtocol, ICMPType, RawPacket, TCPMetric } from '../model/flow.js';
import type { Indexed } from './flow-index.js';
import type { TcpTracker } from './tcp-tracker.js';

/** One flow of the table. */
export class FlowEntry implements Indexed {
  // index
  id = 0;
  /** Unique per entry of a table; keys of child flows include their parent's. */
  readonly serial: number;

  // identity
  uuid = '';
  parentUUID = '';
  trackingID = '';
  l3TrackingID = '';
  layersPath = '';
  application = '';
  start = 0;
  last = 0;

  // layers of the first packet
  hasLink = false;
  linkA = '';
  linkB = '';
  linkID = 0;
  /** SWAP bit of the first packet's key normalisation: later packets normalised alike come from A. */
  swapDecision = 0;
  netProtocol: FlowProtocol | '' = '';
  netA = '';
  netB = '';
  netID = 0;
  /** Network.A bytes (4 or 16). */
  netABytes: Uint8Array | null = null;
  transportProtocol: FlowProtocol | '' = '';
  transportA = 0;
  transportB = 0;
  icmpType: ICMPType | '' = '';
  icmpCode = 0;
  icmpID = 0;

  // counters
  abPackets = 0;
  abBytes = 0;
  baPackets = 0;
  baBytes = 0;
  rtt = 0;
  /** Time (ms, fractional) of the pending echo request or SYN; -1 when none. */
  rttStartMs = -1;
  finishType = 0;
  tcp: TCPMetric | null = null;
  tcpTracker: TcpTracker | null = null;
  fragments = 0;
  fragmentErrors = 0;
  dns: DNSLayer | undefined = undefined;
  rawPackets: RawPacket[] | null = null;
  rawPacketsCaptured = 0;

  // report window
  /** Touched since the last update pass. */
  touched = true;
  /** Reported at least once (LastUpdateMetric exists). */
  reported = false;
  luABPackets = 0;
  luABBytes = 0;
  luBAPackets = 0;
  luBABytes = 0;
  luStart = 0;
  luLast = 0;
  // Metric at the previous report
  prevABPackets = 0;
  prevABBytes = 0;
  prevBAPackets = 0;
  prevBABytes = 0;

  constructor(serial: number) {
    this.serial = serial;
  }

  /** Counts a packet of `length` bytes from A (`ab`) or from B, seen at `tsMs`. */
  count(ab: boolean, length: number, tsMs: number): void {
    if (ab) {
      this.abPackets++;
      this.abBytes += length;
    } else {
      this.baPackets++;
      this.baBytes += length;
    }
    const ms = Math.floor(tsMs);
    if (ms > this.last) this.last = ms;
    this.touched = true;
  }

  /** Sets LastUpdateMetric to the counters' change since the previous report, over [start, end]. */
  closeWindow(start: number, end: number): void {
    this.luABPackets = this.abPackets - this.prevABPackets;
    this.luABBytes = this.abBytes - this.prevABBytes;
    this.luBAPackets = this.baPackets - this.prevBAPackets;
    this.luBABytes = this.baBytes - this.prevBABytes;
    this.luStart = start;
    this.luLast = end;
    this.prevABPackets = this.abPackets;
    this.prevABBytes = this.abBytes;
    this.prevBAPackets = this.baPackets;
    this.prevBABytes = this.baBytes;
    this.reported = true;
    this.touched = false;
  }

  /** Sets LastUpdateMetric to an empty window [start, end] (no packet since the previous report). */
  emptyWindow(start: number, end: number): void {
    this.luABPackets = this.luABBytes = this.luBAPackets = this.luBABytes = 0;
    this.luStart = start;
    this.luLast = end;
  }
}

/** A TCPMetric with every counter at zero. */
export function emptyTCPMetric(): TCPMetric {
  return {
    ABSynStart: 0, BASynStart: 0, ABSynTTL: 0, BASynTTL: 0, ABFinStart: 0, BAFinStart: 0, ABRstStart: 0,
    BARstStart: 0, ABSegmentOutOfOrder: 0, ABSegmentSkipped: 0, ABSegmentSkippedBytes: 0, ABPackets: 0, ABBytes: 0,
    ABSawStart: 0, ABSawEnd: 0, BASegmentOutOfOrder: 0, BASegmentSkipped: 0, BASegmentSkippedBytes: 0,
    BAPackets: 0, BABytes: 0, BASawStart: 0, BASawEnd: 0,
  };
}
