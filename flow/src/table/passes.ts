// The table's periodic passes (reference §6): update (report touched flows with their LastUpdateMetric, finish
// flows idle past their application's timeout, drop finished flows after the hold time), expire, stop and eviction.
import { FinishType, type Flow } from '../model/flow.js';
import type { FlowTableOptions } from './contract.js';
import type { FlowEntry } from './entry.js';
import type { FlowIndex } from './flow-index.js';

/** Runs the passes over a table's flows. */
export class FlowPasses {
  readonly #index: FlowIndex<FlowEntry>;
  readonly #opts: FlowTableOptions;
  readonly #send: (flows: Flow[]) => void;
  readonly #snapshot: (e: FlowEntry) => Flow;
  /** Time of the previous update pass; -1 before the first. */
  #lastUpdateAt = -1;

  constructor(index: FlowIndex<FlowEntry>, opts: FlowTableOptions, send: (flows: Flow[]) => void, snap: (e: FlowEntry) => Flow) {
    this.#index = index;
    this.#opts = opts;
    this.#send = send;
    this.#snapshot = snap;
  }

  /** Update pass at `now`: every touched flow is sent with the change since its previous report, in one call. */
  update(now: number): void {
    const out: Flow[] = [];
    const prev = this.#lastUpdateAt;
    const timeouts = this.#opts.applicationTimeoutsMs, hold = this.#opts.holdTimeoutMs;
    for (const e of this.#index) {
      const windowStart = e.reported && prev >= 0 ? prev : e.start;
      if (e.touched) {
        e.closeWindow(windowStart, now);
        out.push(this.#take(e));
      } else {
        e.emptyWindow(windowStart, now);
        const timeout = timeouts[e.application];
        if (e.finishType === FinishType.NOT_FINISHED && timeout !== undefined && now - e.last > timeout) {
          this.#finish(e);
          out.push(this.#take(e));
          this.#index.delete(e);
          continue;
        }
      }
      if (e.finishType !== FinishType.NOT_FINISHED && now - e.last >= hold) this.#index.delete(e);
    }
    this.#lastUpdateAt = now;
    this.#send(out);
  }

  /** Expire pass at `now`: flows idle for the expire interval are removed; unfinished ones are sent as TIMEOUT. */
  expire(now: number): void {
    const cutoff = now - this.#opts.expireIntervalMs;
    const idle: FlowEntry[] = [];
    for (const e of this.#index) if (e.last < cutoff) idle.push(e);
    this.finishAndSend(idle);
  }

  /** Removes every flow, sending those not finished (as TIMEOUT) and finished ones with unreported packets. */
  finishAll(): void {
    this.finishAndSend([...this.#index]);
  }

  /**
   * Removes `entries`, closing their report window at their last packet (or at `windowEnd`); those not finished
   * become TIMEOUT and are sent, as are finished ones touched since their last report, in one call.
   */
  finishAndSend(entries: readonly FlowEntry[], windowEnd?: number): void {
    const out: Flow[] = [];
    for (const e of entries) {
      const touched = e.touched;
      if (touched) e.closeWindow(e.reported && this.#lastUpdateAt >= 0 ? this.#lastUpdateAt : e.start, windowEnd ?? e.last);
      if (e.finishType === FinishType.NOT_FINISHED) {
        this.#finish(e);
        out.push(this.#take(e));
      } else if (touched) {
        if (e.tcp !== null) e.tcpTracker?.flush(e.tcp);
        out.push(this.#take(e));
      }
      this.#index.delete(e);
    }
    this.#send(out);
  }

  /** Gives up on the TCP reassembly gaps of flows with no segment since `cutoffMs`. */
  flushReassembly(cutoffMs: number): void {
    for (const e of this.#index) {
      if (e.tcp !== null && e.tcpTracker !== null && e.tcpTracker.lastMs < cutoffMs) e.tcpTracker.flush(e.tcp);
    }
  }

  #finish(e: FlowEntry): void {
    e.finishType = FinishType.TIMEOUT;
    if (e.tcp !== null) e.tcpTracker?.flush(e.tcp);
  }

  /** A snapshot to send; the raw packets it carries leave the flow. */
  #take(e: FlowEntry): Flow {
    const f = this.#snapshot(e);
    if (e.rawPackets !== null) e.rawPackets.length = 0;
    return f;
  }
}
