// rtnetlink framing: splitting a datagram into nlmsghdr messages, reading route attributes (TLVs) and
// building requests. Bounds are checked everywhere: bad input yields a count of malformed parts, never a throw.

/** Netlink control message types and rtnetlink message types used by the probe. */
export const NLMSG = { NOOP: 1, ERROR: 2, DONE: 3, OVERRUN: 4 } as const;
/** rtnetlink message types (RTM_*). */
export const RTM = {
  NEWLINK: 16, DELLINK: 17, GETLINK: 18, NEWADDR: 20, DELADDR: 21, GETADDR: 22,
  NEWROUTE: 24, DELROUTE: 25, GETROUTE: 26, NEWNEIGH: 28, DELNEIGH: 29, GETNEIGH: 30,
  NEWNSID: 88, GETNSID: 90,
} as const;
/** nlmsghdr flags. */
export const NLM_F = { REQUEST: 0x1, MULTI: 0x2, ACK: 0x4, DUMP_INTR: 0x10, DUMP: 0x300 } as const;

/** Size of struct nlmsghdr. */
export const NLMSG_HDRLEN = 16;

/** One netlink message: its header fields and the bytes after the header. */
export interface NetlinkMessage {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  payload: Buffer;
}

/** Messages of one datagram and how many bytes could not be framed. */
export interface SplitResult {
  messages: NetlinkMessage[];
  /** 1 when the datagram ends with a truncated or inconsistent header, else 0. */
  malformed: number;
}

/** Rounds up to the 4-byte netlink alignment. */
export function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Splits a datagram into its messages; stops at the first header that does not fit. */
export function splitMessages(buf: Buffer): SplitResult {
  const messages: NetlinkMessage[] = [];
  let off = 0;
  while (off < buf.length) {
    if (off + NLMSG_HDRLEN > buf.length) return { messages, malformed: 1 };
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HDRLEN || off + len > buf.length) return { messages, malformed: 1 };
    messages.push({
      type: buf.readUInt16LE(off + 4),
      flags: buf.readUInt16LE(off + 6),
      seq: buf.readUInt32LE(off + 8),
      pid: buf.readUInt32LE(off + 12),
      payload: buf.subarray(off + NLMSG_HDRLEN, off + len),
    });
    off += align4(len);
  }
  return { messages, malformed: 0 };
}

/** Route attributes by type (the last one wins); the nested flag (0x8000) and byte-order bit are cleared. */
export type Attributes = Map<number, Buffer>;

/** Reads the TLV attributes in `buf[start..]`; returns undefined when one overruns the buffer. */
export function parseAttributes(buf: Buffer, start = 0): Attributes | undefined {
  const attrs: Attributes = new Map();
  let off = start;
  while (off + 4 <= buf.length) {
    const len = buf.readUInt16LE(off);
    if (len < 4 || off + len > buf.length) return undefined;
    attrs.set(buf.readUInt16LE(off + 2) & 0x3fff, buf.subarray(off + 4, off + len));
    off += align4(len);
  }
  return attrs;
}

/** The error number of an NLMSG_ERROR message (0 = ack), or undefined when truncated. */
export function errorCode(msg: NetlinkMessage): number | undefined {
  return msg.payload.length >= 4 ? -msg.payload.readInt32LE(0) : undefined;
}

/** A NUL-terminated string attribute. */
export function attrString(b: Buffer | undefined): string | undefined {
  if (b === undefined) return undefined;
  const end = b.indexOf(0);
  return b.toString('utf8', 0, end < 0 ? b.length : end);
}

/** A u32 attribute, or undefined when absent or short. */
export function attrU32(b: Buffer | undefined): number | undefined {
  return b !== undefined && b.length >= 4 ? b.readUInt32LE(0) : undefined;
}

/** A s32 attribute, or undefined when absent or short. */
export function attrS32(b: Buffer | undefined): number | undefined {
  return b !== undefined && b.length >= 4 ? b.readInt32LE(0) : undefined;
}

/** A u16 attribute, or undefined when absent or short. */
export function attrU16(b: Buffer | undefined): number | undefined {
  return b !== undefined && b.length >= 2 ? b.readUInt16LE(0) : undefined;
}

/** Lowercase colon-separated hex of a hardware address. */
export function formatMac(b: Buffer): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** Builds a message: header + fixed part + attributes. */
export function buildMessage(type: number, flags: number, seq: number, body: Buffer, attrs: readonly [number, Buffer][] = []): Buffer {
  const parts: Buffer[] = [Buffer.alloc(NLMSG_HDRLEN), body, Buffer.alloc(align4(body.length) - body.length)];
  for (const [t, v] of attrs) {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(4 + v.length, 0);
    h.writeUInt16LE(t, 2);
    parts.push(h, v, Buffer.alloc(align4(v.length) - v.length));
  }
  const msg = Buffer.concat(parts);
  msg.writeUInt32LE(msg.length, 0);
  msg.writeUInt16LE(type, 4);
  msg.writeUInt16LE(flags, 6);
  msg.writeUInt32LE(seq >>> 0, 8);
  return msg;
}

/** Size of the fixed header of each dump request (ifinfomsg, ifaddrmsg, rtmsg, ndmsg). */
const DUMP_BODY: Record<number, number> = { [RTM.GETLINK]: 16, [RTM.GETADDR]: 8, [RTM.GETROUTE]: 12, [RTM.GETNEIGH]: 12 };

/** A dump request (RTM_GETLINK/GETADDR/GETROUTE/GETNEIGH with NLM_F_DUMP) for every address family. */
export function dumpRequest(type: number, seq: number): Buffer {
  return buildMessage(type, NLM_F.REQUEST | NLM_F.DUMP, seq, Buffer.alloc(DUMP_BODY[type] ?? 16));
}

/** NETNSA_* attributes. */
const NETNSA = { NSID: 1, FD: 3 } as const;

/** An RTM_GETNSID request: the nsid, in the socket's namespace, of the namespace the (process) fd refers to. */
export function getNsidRequest(seq: number, nsFd: number): Buffer {
  const fd = Buffer.alloc(4);
  fd.writeUInt32LE(nsFd, 0);
  return buildMessage(RTM.GETNSID, NLM_F.REQUEST, seq, Buffer.alloc(1), [[NETNSA.FD, fd]]);
}

/** The nsid carried by an RTM_NEWNSID answer (-1: none assigned), or undefined when malformed. */
export function parseNsid(msg: NetlinkMessage): number | undefined {
  const attrs = parseAttributes(msg.payload, 4);
  return attrs === undefined ? undefined : attrS32(attrs.get(NETNSA.NSID));
}
