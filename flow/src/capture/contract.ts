// The capture sources' contract: a source reads frames from somewhere (an interface through libpcap, an sFlow
// socket, a pcap file or stream) and feeds them to a PacketSink, counting what it received and lost.

/** Counters of one source since it started. */
export interface SourceStats {
  /** Frames delivered to the sink. */
  PacketsReceived: number;
  /** Frames lost by the capture (libpcap drops, ring overflow, undecodable datagrams). */
  PacketsDropped: number;
  /** Frames the interface itself dropped (rx_dropped delta since start), when known. */
  PacketsIfDropped: number;
}

/** A running source of frames. */
export interface CaptureSource {
  /** What it reads, for logs and the node's Captures entry ("eth0 in ns1", "udp 127.0.0.1:6345"). */
  readonly description: string;
  start(): Promise<void>;
  /** Stops reading; idempotent. */
  stop(): Promise<void>;
  stats(): SourceStats;
}
