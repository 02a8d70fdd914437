// The flow-table benchmark's trace: a pcap of small UDP and TCP packets over a fixed set of 5-tuples, written
// with the flow package's PcapWriter (seeded, so every run reads the same file); and the live-capture benchmark's
// trace of UDP datagrams across its test link.
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
  return writeFrames(path, frames, spec.packets, prng);
}

/** Writes `packets` frames drawn from `frames` at random, 1 µs apart; returns the bytes written. */
function writeFrames(path: string, frames: readonly Uint8Array[], packets: number, prng: Prng): number {
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    const writer = new PcapWriter((chunk) => {
      writeSync(fd, chunk);
      bytes += chunk.length;
    });
    const start = 1_700_000_000_000;
    for (let n = 0; n < packets; n++) writer.write(frames[prng.int(frames.length)] as Uint8Array, start + n * 0.001);
    writer.flush();
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** Addresses of one end of the live-capture benchmark's link. */
export interface TraceEnd {
  mac: string;
  ip: string;
}

/** Sets the IPv4 header checksum of an Ethernet frame (the builders leave it 0), so a receiver accepts it. */
function fixIpv4Checksum(frame: Uint8Array): Uint8Array {
  const ipOff = 14;
  let sum = 0;
  for (let i = 0; i < 20; i += 2) if (i !== 10) sum += ((frame[ipOff + i] as number) << 8) | (frame[ipOff + i + 1] as number);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const c = ~sum & 0xffff;
  frame[ipOff + 10] = c >> 8;
  frame[ipOff + 11] = c & 0xff;
  return frame;
}

/**
 * Writes a trace of small UDP datagrams from `src` to `dst` (the test link's MACs and addresses, so frames are
 * delivered to the peer and nothing is routed), `spec.tuples` source ports, 60–90 byte frames; returns the bytes.
 */
export function writeLinkTrace(path: string, spec: TraceSpec, src: TraceEnd, dst: TraceEnd): number {
  const prng = new Prng(7);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < spec.tuples; i++) {
    const payload = new Uint8Array(18 + prng.int(30));
    frames.push(fixIpv4Checksum(ethernet(src.mac, dst.mac, 0x0800, ipv4Packet(src.ip, dst.ip, 17, udp(20_000 + i, 9, payload)))));
  }
  return writeFrames(path, frames, spec.packets, prng);
}
