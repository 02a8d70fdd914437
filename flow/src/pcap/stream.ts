// Reading captures from streams (an HTTP request body, a socket) and files, chunk by chunk, with backpressure
// given by async iteration.
import { createReadStream } from 'node:fs';
import type { PacketSink } from '../table/contract.js';
import { PcapReader, type PcapSummary } from './reader.js';

/** Reads a pcap or pcapng stream into `sink`; rejects with FLOW_PCAP_INVALID on a malformed stream. */
export async function readPcapStream(source: AsyncIterable<Uint8Array>, sink: PacketSink): Promise<PcapSummary> {
  const reader = new PcapReader(sink);
  for await (const chunk of source) reader.push(chunk);
  return reader.end();
}

/** Reads a pcap or pcapng file into `sink`. */
export function readPcapFile(path: string, sink: PacketSink): Promise<PcapSummary> {
  return readPcapStream(createReadStream(path, { highWaterMark: 1 << 20 }), sink);
}
