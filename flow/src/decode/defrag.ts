// IPv4 reassembly: fragments are held per (source, destination, id, protocol) until the datagram is whole,
// then its payload is handed back for decoding. Bounded in datagrams, fragments and size; stale state is flushed.

/** Limits of the defragmenter. */
export interface DefragLimits {
  /** Datagrams under reassembly at once; the oldest is dropped (counted as an error) beyond this. */
  maxDatagrams: number;
  /** Fragments per datagram. */
  maxFragments: number;
}

interface Datagram {
  frags: Array<{ at: number; data: Uint8Array }>;
  /** Payload length, known once the last fragment (MF clear) arrived; -1 before. */
  total: number;
  received: number;
  firstTsMs: number;
  errors: number;
}

/** Reassembles IPv4 datagrams from their fragments. */
export class Ipv4Defragmenter {
  /** Fragments held before the datagram last returned by `add` completed. */
  lastFragments = 0;
  /** Errors (overlaps, oversize, inconsistent ends) seen while reassembling it. */
  lastErrors = 0;
  /** Errors on datagrams that never completed (dropped for a limit or by a flush). */
  droppedErrors = 0;
  readonly #limits: DefragLimits;
  readonly #pending = new Map<string, Datagram>();

  constructor(limits: DefragLimits = { maxDatagrams: 4096, maxFragments: 128 }) {
    this.#limits = limits;
  }

  /** Datagrams under reassembly. */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * Adds the fragment whose IPv4 header starts at `buf[ip]` (`ihl` bytes) and whose payload ends at `end`.
   * Returns the reassembled payload when this fragment completes its datagram, else undefined (held or dropped).
   */
  add(buf: Uint8Array, ip: number, ihl: number, end: number, tsMs: number): Uint8Array | undefined {
    const flags = ((buf[ip + 6] as number) << 8) | (buf[ip + 7] as number);
    const at = (flags & 0x1fff) * 8, more = (flags & 0x2000) !== 0;
    const len = Math.max(0, end - ip - ihl);
    const key = keyOf(buf, ip);
    let d = this.#pending.get(key);
    if (d === undefined) {
      if (this.#pending.size >= this.#limits.maxDatagrams) this.#dropOldest();
      d = { frags: [], total: -1, received: 0, firstTsMs: tsMs, errors: 0 };
      this.#pending.set(key, d);
    }
    if (at + len > 65535 || (!more && d.total >= 0 && d.total !== at + len) || (d.total >= 0 && at + len > d.total)) {
      d.errors++;
      return undefined;
    }
    for (const f of d.frags) {
      if (f.at === at && f.data.length === len) return undefined; // duplicate
      if (at < f.at + f.data.length && f.at < at + len) {
        d.errors++;
        return undefined;
      }
    }
    if (d.frags.length >= this.#limits.maxFragments) {
      this.#pending.delete(key);
      this.droppedErrors += d.errors + 1;
      return undefined;
    }
    d.frags.push({ at, data: buf.slice(ip + ihl, end) });
    d.received += len;
    if (!more) d.total = at + len;
    if (d.total < 0 || d.received !== d.total) return undefined;
    this.#pending.delete(key);
    const out = new Uint8Array(d.total);
    for (const f of d.frags) out.set(f.data, f.at);
    this.lastFragments = d.frags.length - 1;
    this.lastErrors = d.errors;
    return out;
  }

  /** Drops datagrams whose first fragment is older than `cutoffMs`; returns how many. */
  flushOlderThan(cutoffMs: number): number {
    let n = 0;
    for (const [key, d] of this.#pending) {
      if (d.firstTsMs >= cutoffMs) continue;
      this.#pending.delete(key);
      this.droppedErrors += d.errors;
      n++;
    }
    return n;
  }

  #dropOldest(): void {
    for (const [key, d] of this.#pending) {
      this.#pending.delete(key);
      this.droppedErrors += d.errors + 1;
      return;
    }
  }
}

function keyOf(b: Uint8Array, ip: number): string {
  const src = (((b[ip + 12] as number) << 24) | ((b[ip + 13] as number) << 16) | ((b[ip + 14] as number) << 8) | (b[ip + 15] as number)) >>> 0;
  const dst = (((b[ip + 16] as number) << 24) | ((b[ip + 17] as number) << 16) | ((b[ip + 18] as number) << 8) | (b[ip + 19] as number)) >>> 0;
  return `${src}:${dst}:${((b[ip + 4] as number) << 8) | (b[ip + 5] as number)}:${b[ip + 9]}`;
}
