// The flow-table benchmark's trace: a pcap of small UDP and TCP packets over a fixed set of 5-tuples, written
// with the flow package's PcapWriter (seeded, so every run reads the same file).
import { closeSync, openSync, writeSync } from 'node:fs';
import { PcapWriter } from '@topoflow/flow';
import { packetFrames } from '@topoflow/flow/testing';

const { ethernet, ipv4Packet, TCP_FLAGS, tcp, udp } = packetFrames;
import { Prng } from './prng.js';

/** Shape of the generated trace. */
export interface TraceSpec {
  packets: number;
  tuples: number;
}

/** Writes the trace to `path`; returns the bytes written. */
export function writeFlowTrace(path: string, spec: TraceSpec): number {
  const prng = new Prng(42);
  // one frame per tuple and direction, built once; the writer copies them into the file
  const frames: Uint8Array[] = [];
  for (let i = 0; i < spec.tuples; i++) {
    const a = `10.${(i >> 8) & 255}.${i & 255}.1`, b = `10.200.${i & 255}.2`;
    const sport = 10_000 + i, dport = i % 2 === 0 ? 53 + (i % 7) * 1000 : 80;
    const payload = new Uint8Array(prng.int(40));
    const isTcp = i % 2 === 1;
    const fwd = isTcp ? tcp(sport, dport, TCP_FLAGS.ACK, i * 1000, payload) : udp(sport, dport, payload);
    const rev = isTcp ? tcp(dport, sport, TCP_FLAGS.ACK, i * 7, payload) : udp(dport, sport, payload);
    frames.push(ethernet('02:00:00:00:00:01', '02:00:00:00:00:02', 0x0800, ipv4Packet(a, b, isTcp ? 6 : 17, fwd)));
    frames.push(ethernet('02:00:00:00:00:02', '02:00:00:00:00:01', 0x0800, ipv4Packet(b, a, isTcp ? 6 : 17, rev)));
  }
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    const writer = new PcapWriter((chunk) => {
      writeSync(fd, chunk);
      bytes += chunk.length;
    });
    const start = 1_700_000_000_000;
    for (let n = 0; n < spec.packets; n++) {
      const frame = frames[prng.int(frames.length)] as Uint8Array;
      writer.write(frame, start + n * 0.001);
    }
    writer.flush();
  } finally {
    closeSync(fd);
  }
  return bytes;
}
