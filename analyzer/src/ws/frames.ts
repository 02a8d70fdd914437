// Unmasked WebSocket text frames (server to client, RFC 6455 §5.2) for a batch of messages, in one buffer, so a
// batch costs one allocation and one write instead of one of each per message.

/** Header size of an unmasked frame carrying `len` payload bytes. */
function headerSize(len: number): number {
  return len < 126 ? 2 : len < 65_536 ? 4 : 10;
}

/** Encodes `texts` as consecutive final text frames. */
export function textFrames(texts: readonly string[]): Buffer {
  const lengths = new Array<number>(texts.length);
  let total = 0;
  for (let i = 0; i < texts.length; i++) {
    const len = Buffer.byteLength(texts[i] as string, 'utf8');
    lengths[i] = len;
    total += headerSize(len) + len;
  }
  const buf = Buffer.allocUnsafe(total);
  let o = 0;
  for (let i = 0; i < texts.length; i++) {
    const len = lengths[i] as number;
    buf[o++] = 0x81; // FIN + text opcode
    if (len < 126) {
      buf[o++] = len;
    } else if (len < 65_536) {
      buf[o++] = 126;
      buf.writeUInt16BE(len, o);
      o += 2;
    } else {
      buf[o++] = 127;
      buf.writeUInt32BE(Math.floor(len / 2 ** 32), o);
      buf.writeUInt32BE(len >>> 0, o + 4);
      o += 8;
    }
    o += buf.write(texts[i] as string, o, len, 'utf8');
  }
  return buf;
}
