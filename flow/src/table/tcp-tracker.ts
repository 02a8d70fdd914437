// TCP reassembly metrics of one flow (ReassembleTCP): per direction, segments are put in sequence order without
// keeping their bytes; segments ahead of the next expected byte wait (counted out of order), gaps left when the
// stream is flushed are skipped (counted with their bytes). Fills the TCPMetric reassembly fields.
import type { TCPMetric } from '../model/flow.js';

/** Segments waiting per direction before the oldest gap is given up. */
const MAX_PENDING = 64;
const SYN = 0x02, FIN = 0x01, RST = 0x04;

interface Pending {
  seq: number;
  len: number;
  fin: boolean;
}

class Direction {
  /** Next expected sequence number; NaN before the first segment. */
  next = NaN;
  pending: Pending[] | null = null;
}

/** Sequence arithmetic modulo 2^32: a − b as a signed 32-bit number. */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** Reassembly state of one TCP flow. */
export class TcpTracker {
  readonly #dirs = [new Direction(), new Direction()] as const;
  /** Last time (ms) a segment arrived, for the periodic flush. */
  lastMs = 0;

  /** Accounts a segment of `len` payload bytes in direction AB (`ab`) or BA. */
  segment(m: TCPMetric, ab: boolean, seq: number, len: number, flags: number, tsMs: number): void {
    this.lastMs = tsMs;
    const d = this.#dirs[ab ? 0 : 1];
    if (flags & SYN) {
      d.next = (seq + 1) >>> 0;
      if (ab) m.ABSawStart = 1;
      else m.BASawStart = 1;
      return;
    }
    if (flags & RST) {
      if (ab) m.ABSawEnd = 1;
      else m.BASawEnd = 1;
    }
    const fin = (flags & FIN) !== 0;
    if (len === 0 && !fin) return;
    if (Number.isNaN(d.next)) d.next = seq;
    const diff = seqDiff(seq, d.next);
    if (diff > 0) {
      if (ab) m.ABSegmentOutOfOrder++;
      else m.BASegmentOutOfOrder++;
      (d.pending ??= []).push({ seq, len, fin });
      if (d.pending.length > MAX_PENDING) this.#flushDirection(m, ab);
      return;
    }
    this.#deliver(m, ab, seq, len, fin);
    this.#drain(m, ab);
  }

  /** Gives up on every gap: waiting segments are delivered, the missing bytes counted as skipped. */
  flush(m: TCPMetric): void {
    this.#flushDirection(m, true);
    this.#flushDirection(m, false);
  }

  #deliver(m: TCPMetric, ab: boolean, seq: number, len: number, fin: boolean): void {
    const d = this.#dirs[ab ? 0 : 1];
    const end = (seq + len) >>> 0;
    const fresh = seqDiff(end, d.next);
    if (fresh < 0 || (fresh === 0 && !fin)) return; // a retransmission of what was already seen
    const bytes = fresh;
    if (ab) {
      m.ABPackets++;
      m.ABBytes += bytes;
    } else {
      m.BAPackets++;
      m.BABytes += bytes;
    }
    if (fresh > 0) d.next = end;
    if (fin) {
      d.next = (d.next + 1) >>> 0;
      if (ab) m.ABSawEnd = 1;
      else m.BASawEnd = 1;
    }
  }

  #drain(m: TCPMetric, ab: boolean): void {
    const d = this.#dirs[ab ? 0 : 1];
    const pending = d.pending;
    if (pending === null) return;
    for (let progress = true; progress && pending.length > 0;) {
      progress = false;
      for (let i = 0; i < pending.length; i++) {
        const s = pending[i] as Pending;
        if (seqDiff(s.seq, d.next) > 0) continue;
        pending.splice(i, 1);
        this.#deliver(m, ab, s.seq, s.len, s.fin);
        progress = true;
        break;
      }
    }
  }

  #flushDirection(m: TCPMetric, ab: boolean): void {
    const d = this.#dirs[ab ? 0 : 1];
    const pending = d.pending;
    if (pending === null || pending.length === 0) return;
    pending.sort((x, y) => seqDiff(x.seq, y.seq));
    while (pending.length > 0) {
      const s = pending.shift() as Pending;
      const gap = seqDiff(s.seq, d.next);
      if (gap > 0) {
        if (ab) {
          m.ABSegmentSkipped++;
          m.ABSegmentSkippedBytes += gap;
        } else {
          m.BASegmentSkipped++;
          m.BASegmentSkippedBytes += gap;
        }
        d.next = s.seq;
      }
      this.#deliver(m, ab, s.seq, s.len, s.fin);
      this.#drain(m, ab);
    }
  }
}
