// Helpers of the pcap upload tests: a raw HTTP client that streams a body chunk by chunk (and keeps the answer of
// a server that refuses before the end), and a classic pcap rewritten as pcapng.
import { request } from 'node:http';

/** An HTTP answer. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** Splits `data` into chunks of `size` bytes. */
export function chunksOf(data: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

/**
 * POSTs `chunks` one at a time (chunked transfer unless a content-length header is given). With `abortAfter`,
 * the request is destroyed after that many chunks and the promise resolves with undefined.
 */
export function postChunks(url: string, chunks: readonly Uint8Array[], options: { headers?: Record<string, string>; abortAfter?: number } = {}):
  Promise<Answer | undefined> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/vnd.tcpdump.pcap', ...options.headers } }, (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text === '' ? {} : JSON.parse(text) as Record<string, unknown> }));
    });
    // a server refusing early closes the connection while chunks are still being written
    req.on('error', (err) => {
      if (!answered && options.abortAfter === undefined) reject(err);
    });
    void (async () => {
      for (const [i, chunk] of chunks.entries()) {
        if (answered || req.destroyed) return;
        if (i === options.abortAfter) {
          req.destroy();
          resolve(undefined);
          return;
        }
        await new Promise<void>((done) => req.write(chunk, () => done()));
        await new Promise((r) => setImmediate(r));
      }
      req.end();
    })();
  });
}

/** An upload left open after its first bytes: the server is reading it until finish() sends the rest. */
export interface OpenUpload {
  /** Sends `rest`, ends the body and resolves with the answer. */
  finish(rest: Uint8Array): Promise<Answer>;
}

/** Starts a chunked POST of `head` and leaves its body open; resolves once `head` is written. */
export async function openUpload(url: string, head: Uint8Array): Promise<OpenUpload> {
  let settle: { resolve: (a: Answer) => void; reject: (err: unknown) => void } | undefined;
  const answer = new Promise<Answer>((resolve, reject) => (settle = { resolve, reject }));
  const req = request(url, { method: 'POST', headers: { 'content-type': 'application/vnd.tcpdump.pcap' } }, (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => (text += d));
    res.on('end', () => settle?.resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text === '' ? {} : JSON.parse(text) as Record<string, unknown> }));
  });
  req.on('error', (err) => settle?.reject(err));
  await new Promise<void>((done) => req.write(head, () => done()));
  return {
    finish: async (rest) => {
      req.end(rest);
      return answer;
    },
  };
}

/** The frames of a classic little-endian µs pcap as pcapng: a section, one interface, enhanced packet blocks. */
export function toPcapng(pcap: Uint8Array): Buffer {
  const classic = Buffer.from(pcap.buffer, pcap.byteOffset, pcap.byteLength);
  const block = (type: number, body: Buffer): Buffer => {
    const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
    const len = padded.length + 12;
    const head = Buffer.alloc(8);
    head.writeUInt32LE(type, 0);
    head.writeUInt32LE(len, 4);
    const tail = Buffer.alloc(4);
    tail.writeUInt32LE(len, 0);
    return Buffer.concat([head, padded, tail]);
  };
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(0x1a2b3c4d, 0);
  shb.writeUInt16LE(1, 4);
  shb.writeBigInt64LE(-1n, 8);
  const idb = Buffer.alloc(8);
  idb.writeUInt16LE(classic.readUInt32LE(20) & 0xffff, 0);
  const out = [block(0x0a0d0d0a, shb), block(1, idb)];
  for (let off = 24; off + 16 <= classic.length;) {
    const caplen = classic.readUInt32LE(off + 8);
    const units = BigInt(classic.readUInt32LE(off)) * 1_000_000n + BigInt(classic.readUInt32LE(off + 4));
    const head = Buffer.alloc(20);
    head.writeUInt32LE(0, 0);
    head.writeUInt32LE(Number(units >> 32n), 4);
    head.writeUInt32LE(Number(units & 0xffffffffn), 8);
    head.writeUInt32LE(caplen, 12);
    head.writeUInt32LE(classic.readUInt32LE(off + 12), 16);
    out.push(block(6, Buffer.concat([head, classic.subarray(off + 16, off + 16 + caplen)])));
    off += 16 + caplen;
  }
  return Buffer.concat(out);
}
