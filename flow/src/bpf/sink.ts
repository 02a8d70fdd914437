// A PacketSink that filters frames with a BPF expression before forwarding them: the expression is compiled once
// per link type met (the first one up front, so a bad expression fails at construction).
import { LinkType, type PacketSink } from '../table/contract.js';
import { compileBpf, DEFAULT_BPF_SNAPLEN, type BpfFilter } from './filter.js';

/** Counters of a BpfSink. */
export interface BpfSinkStats {
  /** Frames forwarded. */
  accepted: number;
  /** Frames the filter rejected. */
  rejected: number;
  /** Frames of a link type the expression does not compile for (rejected too). */
  uncompilable: number;
}

/** Filters frames with a BPF expression, then forwards the accepted ones to `next`. */
export class BpfSink implements PacketSink {
  readonly expression: string;
  readonly #next: PacketSink;
  readonly #snaplen: number;
  readonly #filters = new Map<number, BpfFilter | null>();
  readonly #stats: BpfSinkStats = { accepted: 0, rejected: 0, uncompilable: 0 };

  /** Compiles `expression` for `linkType` now; throws FLOW_BPF_INVALID when it does not compile. */
  constructor(expression: string, next: PacketSink, options: { linkType?: number; snaplen?: number } = {}) {
    this.expression = expression;
    this.#next = next;
    this.#snaplen = options.snaplen ?? DEFAULT_BPF_SNAPLEN;
    const linkType = options.linkType ?? LinkType.ETHERNET;
    this.#filters.set(linkType, compileBpf(expression, linkType, this.#snaplen));
  }

  packet(data: Uint8Array, offset: number, capturedLength: number, wireLength: number, timestampMs: number, linkType: number): void {
    const filter = this.#filter(linkType);
    if (filter === null) {
      this.#stats.uncompilable++;
      this.#stats.rejected++;
      return;
    }
    if (!filter.matches(data, offset, capturedLength, wireLength)) {
      this.#stats.rejected++;
      return;
    }
    this.#stats.accepted++;
    this.#next.packet(data, offset, capturedLength, wireLength, timestampMs, linkType);
  }

  /** A copy of the counters. */
  stats(): BpfSinkStats {
    return { ...this.#stats };
  }

  #filter(linkType: number): BpfFilter | null {
    let f = this.#filters.get(linkType);
    if (f === undefined) {
      try {
        f = compileBpf(this.expression, linkType, this.#snaplen);
      } catch {
        // an expression such as "ether host X" has no meaning for raw IP frames: such frames are rejected
        f = null;
      }
      this.#filters.set(linkType, f);
    }
    return f;
  }
}
