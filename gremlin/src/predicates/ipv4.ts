// The Ipv4Range predicate: a field holding an IPv4 address, optionally with '/prefixlen', inside a CIDR.
import { paramsError } from '../errors.js';
import type { ScalarTest } from './match.js';

const ADDRESS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** Parses 'a.b.c.d' or 'a.b.c.d/len' into an unsigned address and prefix length; undefined when invalid. */
export function parseIpv4(text: string): { address: number; prefix: number | undefined } | undefined {
  const m = ADDRESS.exec(text);
  if (m === null) return undefined;
  let address = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    address = address * 256 + octet;
  }
  const prefix = m[5] === undefined ? undefined : Number(m[5]);
  if (prefix !== undefined && prefix > 32) return undefined;
  return { address, prefix };
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Compiles a CIDR into a test on address strings; throws GREMLIN_INVALID_PARAMS when the CIDR is invalid. */
export function ipv4RangeTest(cidr: string, position: number): ScalarTest {
  const range = parseIpv4(cidr);
  if (range === undefined) throw paramsError(`invalid IPv4 range '${cidr}': expected e.g. '10.0.0.0/8'`, position);
  const mask = maskOf(range.prefix ?? 32);
  const base = (range.address & mask) >>> 0;
  return (x) => {
    if (typeof x !== 'string') return false;
    const ip = parseIpv4(x);
    return ip !== undefined && ((ip.address & mask) >>> 0) === base;
  };
}
