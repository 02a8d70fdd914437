// Test helper: hand-built rtnetlink messages (links, addresses, routes, neighbours) as the kernel lays them out.
import { RTM, buildMessage } from './message.js';

/** One attribute as [type, value]. */
export type Attr = [number, Buffer];

/** A u32 little-endian buffer. */
export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
}

/** A NUL-terminated string buffer. */
export function str(s: string): Buffer {
  return Buffer.from(`${s}\0`);
}

/** Nested attributes as one attribute value. */
export function nest(attrs: readonly Attr[]): Buffer {
  return buildMessage(0, 0, 0, Buffer.alloc(0), attrs).subarray(16);
}

/** An RTM_NEWLINK (or DELLINK) message. */
export function linkMsg(opts: { index: number; flags?: number; arpType?: number; family?: number; type?: number; seq?: number }, attrs: readonly Attr[]): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt8(opts.family ?? 0, 0);
  body.writeUInt16LE(opts.arpType ?? 1, 2);
  body.writeInt32LE(opts.index, 4);
  body.writeUInt32LE(opts.flags ?? 0, 8);
  return buildMessage(opts.type ?? RTM.NEWLINK, 0, opts.seq ?? 0, body, attrs);
}

/** An RTM_NEWADDR (or DELADDR) message. */
export function addrMsg(opts: { index: number; family: number; prefixLen: number; type?: number }, attrs: readonly Attr[]): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt8(opts.family, 0);
  body.writeUInt8(opts.prefixLen, 1);
  body.writeUInt32LE(opts.index, 4);
  return buildMessage(opts.type ?? RTM.NEWADDR, 0, 0, body, attrs);
}

/** An RTM_NEWROUTE (or DELROUTE) message. */
export function routeMsg(opts: { family: number; dstLen: number; table?: number; protocol?: number; type?: number }, attrs: readonly Attr[]): Buffer {
  const body = Buffer.alloc(12);
  body.writeUInt8(opts.family, 0);
  body.writeUInt8(opts.dstLen, 1);
  body.writeUInt8(opts.table ?? 254, 4);
  body.writeUInt8(opts.protocol ?? 4, 5);
  body.writeUInt8(1, 7);
  return buildMessage(opts.type ?? RTM.NEWROUTE, 0, 0, body, attrs);
}

/** An RTM_NEWNEIGH (or DELNEIGH) message. */
export function neighMsg(opts: { family: number; index: number; state: number; flags?: number; type?: number }, attrs: readonly Attr[]): Buffer {
  const body = Buffer.alloc(12);
  body.writeUInt8(opts.family, 0);
  body.writeInt32LE(opts.index, 4);
  body.writeUInt16LE(opts.state, 8);
  body.writeUInt8(opts.flags ?? 0, 10);
  return buildMessage(opts.type ?? RTM.NEWNEIGH, 0, 0, body, attrs);
}
