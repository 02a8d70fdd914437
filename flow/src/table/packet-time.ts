// Runs a flow table's periodic passes on the time of the frames fed to it instead of the wall clock, so a replayed
// capture (a pcap upload) keeps its own timeline: reports every update interval of capture time, idle flows
// expire, and the table holds no more than a live capture would.
import type { PacketSink } from './contract.js';
import { FLUSH_INTERVAL_MS, type FlowTable } from './table.js';

/** The table calls a PacketTimeDriver makes. */
export type PacketTimeTable = PacketSink & Pick<FlowTable, 'updateAt' | 'expireAt' | 'flushAt'>;

/** A PacketSink in front of a flow table that runs its passes whenever capture time crosses their period. */
export class PacketTimeDriver implements PacketSink {
  readonly #table: PacketTimeTable;
  readonly #updateMs: number;
  readonly #expireMs: number;
  /** Latest frame time seen (ms, whole); -1 before the first frame. Frames out of order never move it back. */
  #now = -1;
  #nextUpdate = 0;
  #nextExpire = 0;
  #nextFlush = 0;

  constructor(table: PacketTimeTable, intervals: { updateIntervalMs: number; expireIntervalMs: number }) {
    this.#table = table;
    this.#updateMs = intervals.updateIntervalMs;
    this.#expireMs = intervals.expireIntervalMs;
  }

  /** The capture time reached (the latest frame's, in whole ms), or -1 before any frame. */
  get now(): number {
    return this.#now;
  }

  /** Runs the passes due at the frame's time, then feeds the frame to the table. */
  packet(data: Uint8Array, offset: number, capturedLength: number, wireLength: number, timestampMs: number, linkType: number): void {
    const t = Math.floor(timestampMs);
    if (t > this.#now) this.#advance(t);
    this.#table.packet(data, offset, capturedLength, wireLength, timestampMs, linkType);
  }

  #advance(t: number): void {
    if (this.#now < 0) {
      this.#nextUpdate = t + this.#updateMs;
      this.#nextExpire = t + this.#expireMs;
      this.#nextFlush = t + FLUSH_INTERVAL_MS;
    }
    this.#now = t;
    // after a gap longer than a period each pass runs once, as the timers of a paused process would
    if (t >= this.#nextUpdate) {
      this.#table.updateAt(t);
      this.#nextUpdate = t + this.#updateMs;
    }
    if (t >= this.#nextExpire) {
      this.#table.expireAt(t);
      this.#nextExpire = t + this.#expireMs;
    }
    if (t >= this.#nextFlush) {
      this.#table.flushAt(t);
      this.#nextFlush = t + FLUSH_INTERVAL_MS;
    }
  }
}
