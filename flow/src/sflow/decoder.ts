// sFlow v5 datagram decoder: each raw packet header record of a flow sample (compact or expanded) is fed to a
// PacketSink without copying, counter samples go to a callback. A malformed or truncated datagram is checked
// whole before anything is emitted, so it is counted and skipped as a unit; the decoder never throws on input.
import { type Clock, systemClock } from '@topoflow/common';
import type { PacketSink } from '../table/contract.js';
import {
  COUNTER_RECORD_SIZES, formatAddress, parseCounterRecord, SFLOW_HEADER_LINK_TYPES, SflowRecord, SflowSample, u32,
  type SflowCounterSample,
} from './records.js';

/** Counters of a decoder. */
export interface SflowDecoderStats {
  datagrams: number;
  /** Datagrams skipped: not version 5, truncated, or inconsistent lengths. */
  malformed: number;
  flowSamples: number;
  counterSamples: number;
  /** Frames fed to the sink. */
  packets: number;
  /** Raw header records of a header protocol other than Ethernet, IPv4 or IPv6 (skipped). */
  unsupportedHeaders: number;
  /** Records and samples of formats the decoder does not read (skipped by their length). */
  skipped: number;
}

/** What a decoder feeds. */
export interface SflowDecoderDeps {
  sink: PacketSink;
  /** Receives every counter sample of a datagram. */
  onCounters?: (sample: SflowCounterSample) => void;
  /** Timestamps of the frames (sFlow carries none): the time a datagram is decoded. */
  clock?: Clock;
}

interface Header { agent: string; subAgentId: number; samplesAt: number; samples: number }

const FLOW_HEADER = { [SflowSample.FLOW]: 32, [SflowSample.FLOW_EXPANDED]: 44 } as Record<number, number>;
const COUNTER_HEADER = { [SflowSample.COUNTERS]: 12, [SflowSample.COUNTERS_EXPANDED]: 16 } as Record<number, number>;

/** Decodes sFlow v5 datagrams. */
export class SflowDecoder {
  readonly #sink: PacketSink;
  readonly #onCounters: ((sample: SflowCounterSample) => void) | undefined;
  readonly #clock: Clock;
  readonly #stats: SflowDecoderStats = { datagrams: 0, malformed: 0, flowSamples: 0, counterSamples: 0, packets: 0, unsupportedHeaders: 0, skipped: 0 };
  #emit = false;
  #now = 0;
  #header: Header = { agent: '', subAgentId: 0, samplesAt: 0, samples: 0 };

  constructor(deps: SflowDecoderDeps) {
    this.#sink = deps.sink;
    this.#onCounters = deps.onCounters;
    this.#clock = deps.clock ?? systemClock;
  }

  /** Decodes one datagram; false when it was malformed (and skipped). */
  decode(d: Uint8Array): boolean {
    this.#stats.datagrams++;
    const header = this.#readHeader(d);
    this.#emit = false;
    if (header === null || !this.#samples(d, header)) {
      this.#stats.malformed++;
      return false;
    }
    this.#emit = true;
    this.#now = this.#clock.now();
    this.#header = header;
    this.#samples(d, header);
    return true;
  }

  /** A copy of the counters. */
  stats(): SflowDecoderStats {
    return { ...this.#stats };
  }

  #readHeader(d: Uint8Array): Header | null {
    if (d.length < 8 || u32(d, 0) !== 5) return null;
    const type = u32(d, 4);
    const addrLen = type === 1 ? 4 : type === 2 ? 16 : type === 0 ? 0 : -1;
    const at = 8 + addrLen;
    if (addrLen < 0 || d.length < at + 16) return null;
    // the agent's text form is only needed with counters, and only once the datagram proved sound
    const agent = addrLen > 0 && this.#onCounters !== undefined ? formatAddress(d, 8, addrLen) : '';
    return { agent, subAgentId: u32(d, at), samplesAt: at + 16, samples: u32(d, at + 12) };
  }

  /** Walks the samples; emits in the second pass. False at the first inconsistency. */
  #samples(d: Uint8Array, h: Header): boolean {
    let o = h.samplesAt;
    for (let i = 0; i < h.samples; i++) {
      if (o + 8 > d.length) return false;
      const format = u32(d, o);
      const len = u32(d, o + 4);
      const body = o + 8;
      if (len > d.length - body) return false;
      if (!this.#sample(d, format, body, body + len)) return false;
      o = body + len;
    }
    // bytes after the last sample are ignored, as other collectors do
    return true;
  }

  #sample(d: Uint8Array, format: number, o: number, end: number): boolean {
    const flowHeader = FLOW_HEADER[format];
    if (flowHeader !== undefined) {
      if (o + flowHeader > end) return false;
      if (this.#emit) this.#stats.flowSamples++;
      return this.#records(d, o + flowHeader, end, u32(d, o + flowHeader - 4), true, null);
    }
    const counterHeader = COUNTER_HEADER[format];
    if (counterHeader !== undefined) {
      if (o + counterHeader > end) return false;
      if (!this.#emit) return this.#records(d, o + counterHeader, end, u32(d, o + counterHeader - 4), false, null);
      const expanded = format === SflowSample.COUNTERS_EXPANDED;
      const source = u32(d, o + 4);
      const sample: SflowCounterSample = {
        agent: this.#header.agent, subAgentId: this.#header.subAgentId,
        sourceIdType: expanded ? source : source >>> 24, sourceIdIndex: expanded ? u32(d, o + 8) : source & 0xffffff,
      };
      this.#stats.counterSamples++;
      this.#records(d, o + counterHeader, end, u32(d, o + counterHeader - 4), false, sample);
      this.#onCounters?.(sample);
      return true;
    }
    if (this.#emit) this.#stats.skipped++;
    return true;
  }

  #records(d: Uint8Array, o: number, end: number, count: number, flow: boolean, sample: SflowCounterSample | null): boolean {
    for (let i = 0; i < count; i++) {
      if (o + 8 > end) return false;
      const format = u32(d, o);
      const len = u32(d, o + 4);
      const body = o + 8;
      if (len > end - body) return false;
      if (!(flow ? this.#flowRecord(d, format, body, len) : this.#counterRecord(d, format, body, len, sample))) return false;
      o = body + len;
    }
    return true;
  }

  #flowRecord(d: Uint8Array, format: number, o: number, len: number): boolean {
    if (format !== SflowRecord.RAW_HEADER) {
      if (this.#emit) this.#stats.skipped++;
      return true;
    }
    if (len < 16) return false;
    const caplen = u32(d, o + 12);
    if (caplen > len - 16) return false;
    if (!this.#emit) return true;
    const linkType = SFLOW_HEADER_LINK_TYPES.get(u32(d, o));
    if (linkType === undefined || caplen === 0) {
      this.#stats.unsupportedHeaders++;
      return true;
    }
    const frameLength = u32(d, o + 4);
    const stripped = u32(d, o + 8);
    const wire = Math.max(caplen, frameLength - stripped);
    this.#stats.packets++;
    this.#sink.packet(d, o + 16, caplen, wire, this.#now, linkType);
    return true;
  }

  #counterRecord(d: Uint8Array, format: number, o: number, len: number, sample: SflowCounterSample | null): boolean {
    const size = COUNTER_RECORD_SIZES.get(format);
    if (size === undefined) {
      if (this.#emit) this.#stats.skipped++;
      return true;
    }
    if (len < size) return false;
    if (sample !== null) parseCounterRecord(sample, format, d, o);
    return true;
  }
}
