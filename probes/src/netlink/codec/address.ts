// RTM_NEWADDR / RTM_DELADDR (struct ifaddrmsg + IFA_*) and the IP formatting shared with routes and neighbours.
import { type NetlinkMessage, parseAttributes } from './message.js';

/** Address families. */
export const AF = { UNSPEC: 0, INET: 2, INET6: 10, BRIDGE: 7 } as const;

const IFA = { ADDRESS: 1, LOCAL: 2 } as const;

/** A parsed address message. */
export interface AddressMessage {
  family: number;
  index: number;
  prefixLen: number;
  /** `a.b.c.d/len` or `x::y/len` (IFA_LOCAL, else IFA_ADDRESS). */
  cidr: string;
}

/** Formats a 4- or 16-byte address; undefined for other lengths. */
export function formatIp(b: Buffer | undefined): string | undefined {
  if (b === undefined) return undefined;
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (b.length !== 16) return undefined;
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(b.readUInt16BE(i).toString(16));
  if (b.subarray(0, 10).every((x) => x === 0) && b.readUInt16BE(10) === 0xffff) {
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  }
  // RFC 5952: the longest run (>= 2) of zero words becomes "::"
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return words.join(':');
  return `${words.slice(0, best).join(':')}::${words.slice(best + bestLen).join(':')}`;
}

/** Size of struct ifaddrmsg. */
const IFADDRMSG_LEN = 8;

/** Parses an RTM_NEWADDR/DELADDR payload; undefined when truncated, malformed or not IPv4/IPv6. */
export function parseAddress(msg: NetlinkMessage): AddressMessage | undefined {
  const p = msg.payload;
  if (p.length < IFADDRMSG_LEN) return undefined;
  const attrs = parseAttributes(p, IFADDRMSG_LEN);
  if (attrs === undefined) return undefined;
  const family = p.readUInt8(0);
  if (family !== AF.INET && family !== AF.INET6) return undefined;
  const ip = formatIp(attrs.get(IFA.LOCAL) ?? attrs.get(IFA.ADDRESS));
  if (ip === undefined) return undefined;
  const prefixLen = p.readUInt8(1);
  return { family, index: p.readUInt32LE(4), prefixLen, cidr: `${ip}/${prefixLen}` };
}
