// Test helper: a blocking RTM_GETLINK dump over a raw netlink fd, to see which namespace a socket is in.
import { readSync, writeSync } from 'node:fs';

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const NLMSG_DONE = 3;
const NLMSG_ERROR = 2;
const NLM_F_REQUEST_DUMP = 0x1 | 0x300;
const IFLA_IFNAME = 3;

/** Interface names a NETLINK_ROUTE socket's namespace holds (the socket must be blocking). */
export function linkNames(fd: number): string[] {
  const req = Buffer.alloc(32);
  req.writeUInt32LE(32, 0);
  req.writeUInt16LE(RTM_GETLINK, 4);
  req.writeUInt16LE(NLM_F_REQUEST_DUMP, 6);
  req.writeUInt32LE(1, 8);
  writeSync(fd, req);
  const names: string[] = [];
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    const n = readSync(fd, buf);
    for (let off = 0; off + 16 <= n;) {
      const len = buf.readUInt32LE(off);
      const type = buf.readUInt16LE(off + 4);
      if (type === NLMSG_DONE) return names;
      if (type === NLMSG_ERROR) throw new Error(`netlink error ${buf.readInt32LE(off + 16)}`);
      if (type === RTM_NEWLINK) names.push(...ifName(buf.subarray(off + 32, off + len)));
      off += (len + 3) & ~3;
    }
  }
}

function ifName(attrs: Buffer): string[] {
  for (let off = 0; off + 4 <= attrs.length;) {
    const len = attrs.readUInt16LE(off);
    if (len < 4) break;
    if (attrs.readUInt16LE(off + 2) === IFLA_IFNAME) return [attrs.toString('utf8', off + 4, off + len).replace(/\0+$/, '')];
    off += (len + 3) & ~3;
  }
  return [];
}
