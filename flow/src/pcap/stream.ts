// Reading captures from streams (an HTTP request body, a socket) and files, chunk by chunk, with backpressure
// given by async iteration; files are read into two reused buffers, so a large file allocates nothing per chunk.
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

/** Reads a pcap or pcapng file into `sink`; the next chunk is read (on libuv's pool) while this one is parsed. */
export async function readPcapFile(path: string, sink: PacketSink): Promise<PcapSummary> {
  const file = await open(path, 'r');
  try {
    const reader = new PcapReader(sink);
    let current = new Uint8Array(FILE_CHUNK), spare = new Uint8Array(FILE_CHUNK);
    let pending = file.read(current, 0, FILE_CHUNK, null);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const chunk = current;
      current = spare;
      spare = chunk;
      pending = file.read(current, 0, FILE_CHUNK, null);
      // the reader copies what it keeps across chunks, so this buffer can be refilled after the next read
      reader.push(bytesRead === FILE_CHUNK ? chunk : chunk.subarray(0, bytesRead));
    }
    return reader.end();
  } finally {
    await file.close();
  }
}
