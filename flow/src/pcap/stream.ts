// Reading captures from streams (an HTTP request body, a socket) and files, chunk by chunk, with backpressure
// given by async iteration; files are read into one reused buffer, so a large file allocates nothing per chunk.
import { open } from 'node:fs/promises';
import type { PacketSink } from '../table/contract.js';
import { PcapReader, type PcapSummary } from './reader.js';

/** Size of the buffer files are read with. */
const FILE_CHUNK = 1 << 20;

/** Reads a pcap or pcapng stream into `sink`; rejects with FLOW_PCAP_INVALID on a malformed stream. */
export async function readPcapStream(source: AsyncIterable<Uint8Array>, sink: PacketSink): Promise<PcapSummary> {
  const reader = new PcapReader(sink);
  for await (const chunk of source) reader.push(chunk);
  return reader.end();
}

/** Reads a pcap or pcapng file into `sink`. */
export async function readPcapFile(path: string, sink: PacketSink): Promise<PcapSummary> {
  const file = await open(path, 'r');
  try {
    const reader = new PcapReader(sink);
    const buf = new Uint8Array(FILE_CHUNK);
    for (;;) {
      const { bytesRead } = await file.read(buf, 0, FILE_CHUNK, null);
      if (bytesRead === 0) break;
      // the reader copies what it keeps across chunks, so the buffer can be refilled
      reader.push(bytesRead === FILE_CHUNK ? buf : buf.subarray(0, bytesRead));
    }
    return reader.end();
  } finally {
    await file.close();
  }
}
