// The flow table of one capture (reference §5, §6): frames are decoded, split at encapsulations, and each
// sub-packet updates its flow, found by its normalised key words; flows are reported, timed out, expired and,
// unlike the reference, sent (as TIMEOUT) rather than silently lost when evicted from a full table.
import { systemClock, type Clock } from '@topoflow/common';
import { PacketDecoder } from '../decode/decoder.js';
import { Ipv4Defragmenter } from '../decode/defrag.js';
import { DecodedPacket } from '../decode/packet.js';
import { PacketSequence, splitPacket, type SubPacket } from '../decode/split.js';
import { flowIds, FlowKeyWriter } from '../keys/flow-key.js';
import { LookupKeyWriter } from '../keys/lookup-key.js';
import { SWAP } from '../keys/swap.js';
import { Xxh64 } from '../keys/xxh64.js';
import type { CaptureStats, Flow } from '../model/flow.js';
import { LinkType, type FlowSender, type FlowTableApi, type FlowTableOptions } from './contract.js';
import { describeFlow } from './create.js';
import { emptyTCPMetric, FlowEntry } from './entry.js';
import { FastPath } from './fast-path.js';
import { FlowIndex, hashKey } from './flow-index.js';
import { validateFlowTableOptions } from './options.js';
import { FlowPasses } from './passes.js';
import { snapshot, type SnapshotContext } from './snapshot.js';
import { updateEntry, updateSettings, type UpdateSettings } from './update.js';

/** Period of the stats report (ms). */
export const STATS_INTERVAL_MS = 10_000;
/** Period, and age, of the flush of TCP reassembly and defragmentation state (ms). */
export const FLUSH_INTERVAL_MS = 30_000;

/** What a FlowTable uses. */
export interface FlowTableDeps {
  sender: FlowSender;
  clock?: Clock;
  /** Called when a timer's pass fails (a sender that throws); the timers keep running. */
  onError?: (err: unknown) => void;
  /** Period of sendStats (ms); STATS_INTERVAL_MS unless given. */
  statsIntervalMs?: number;
  /** Accounts plain frames of known flows without the generic decoder (default true; tests compare both). */
  fastPath?: boolean;
}

/** A flow table fed with frames (PacketSink), reporting flows through a FlowSender. */
export class FlowTable implements FlowTableApi {
  readonly #opts: FlowTableOptions;
  readonly #deps: FlowTableDeps;
  readonly #clock: Clock;
  readonly #cfg: UpdateSettings;
  readonly #snap: SnapshotContext;
  readonly #decoder: PacketDecoder;
  readonly #defrag: Ipv4Defragmenter | undefined;
  readonly #pkt = new DecodedPacket();
  readonly #seq = new PacketSequence();
  readonly #lookup = new LookupKeyWriter();
  readonly #stream = new FlowKeyWriter();
  readonly #hasher = new Xxh64();
  readonly #index = new FlowIndex<FlowEntry>();
  readonly #passes: FlowPasses;
  readonly #fast: FastPath | undefined;
  #serial = 0;
  #timers: NodeJS.Timeout[] = [];
  #received = 0;
  #ignored = 0;
  #evicted = 0;

  constructor(options: FlowTableOptions, deps: FlowTableDeps) {
    validateFlowTableOptions(options);
    this.#opts = options;
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.#cfg = updateSettings(options);
    this.#snap = { nodeTID: options.nodeTID, captureID: options.captureID, ipDefrag: options.ipDefrag };
    this.#defrag = options.ipDefrag ? new Ipv4Defragmenter() : undefined;
    this.#decoder = new PacketDecoder({ mplsUDPPorts: options.mplsUDPPorts, defragmenter: this.#defrag });
    this.#fast = options.rawPacketLimit === 0 && deps.fastPath !== false ? new FastPath(this.#index, options, this.#cfg.dns) : undefined;
    this.#passes = new FlowPasses(this.#index, options, (flows) => this.#send(flows), (e) => snapshot(e, this.#snap));
  }

  /** Flows currently held. */
  get size(): number {
    return this.#index.size;
  }

  /** Frames with neither a link nor a network layer (not accounted to any flow). */
  get packetsIgnored(): number {
    return this.#ignored;
  }

  /** Starts the update, expire, stats and flush timers. */
  start(): void {
    if (this.#timers.length > 0) return;
    const every = (ms: number, pass: (now: number) => void): void => {
      const t = setInterval(() => {
        try {
          pass(this.#clock.now());
        } catch (err) {
          this.#deps.onError?.(err);
        }
      }, ms);
      t.unref();
      this.#timers.push(t);
    };
    every(this.#opts.updateIntervalMs, (now) => this.updateAt(now));
    every(this.#opts.expireIntervalMs, (now) => this.expireAt(now));
    every(this.#deps.statsIntervalMs ?? STATS_INTERVAL_MS, () => this.#deps.sender.sendStats?.(this.stats()));
    every(FLUSH_INTERVAL_MS, (now) => this.flushAt(now));
  }

  /** Stops the timers, finishes every flow as TIMEOUT and sends them. */
  stop(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    this.#passes.finishAll();
    this.#defrag?.flushOlderThan(Infinity);
  }

  /** Runs an update pass at `nowMs`. */
  updateAt(nowMs: number): void {
    this.#passes.update(nowMs);
  }

  /** Runs an expire pass at `nowMs`. */
  expireAt(nowMs: number): void {
    this.#passes.expire(nowMs);
  }

  /** Flushes TCP reassembly and defragmentation state idle for FLUSH_INTERVAL_MS before `nowMs`. */
  flushAt(nowMs: number): void {
    this.#passes.flushReassembly(nowMs - FLUSH_INTERVAL_MS);
    this.#defrag?.flushOlderThan(nowMs - FLUSH_INTERVAL_MS);
  }

  /** Snapshots of the live flows accepted by `filter`, least recently touched first. */
  flows(filter?: (flow: Flow) => boolean): Flow[] {
    const out: Flow[] = [];
    for (const e of this.#index) {
      const f = snapshot(e, this.#snap);
      if (filter === undefined || filter(f)) out.push(f);
    }
    return out;
  }

  /** Counters since the table was made (FlowDropped counts evictions; every evicted flow was sent). */
  stats(): CaptureStats {
    return {
      CaptureID: this.#opts.captureID, FlowCount: this.#index.size, FlowDropped: this.#evicted, KernelFlowDropped: 0,
      // Frames with neither a link nor a network layer make no flow (as in the reference): they count as dropped.
      PacketsDropped: this.#ignored, PacketsReceived: this.#received,
    };
  }

  /** Accounts one frame (PacketSink). */
  packet(data: Uint8Array, offset: number, capturedLength: number, wireLength: number, timestampMs: number, linkType: number): void {
    this.#received++;
    const fast = this.#fast;
    if (fast !== undefined && linkType === LinkType.ETHERNET && fast.packet(data, offset, capturedLength, wireLength, timestampMs)) return;
    const p = this.#decoder.decode(this.#pkt, data, offset, capturedLength, linkType, timestampMs);
    if (p.held) return;
    const seq = this.#seq;
    splitPacket(p, wireLength, seq);
    let parent: FlowEntry | null = null, accounted = false;
    for (let k = 0; k < seq.count; k++) {
      const s = seq.subs[k] as SubPacket;
      if (s.eth < 0 && s.net < 0) continue;
      const rawEnd = k === seq.count - 1 ? (p.end[s.first] as number) : (p.off[s.last] as number) + (p.hlen[s.last] as number);
      parent = this.#account(p, s, timestampMs, parent, rawEnd);
      accounted = true;
    }
    if (!accounted) this.#ignored++;
  }

  #account(p: DecodedPacket, s: SubPacket, ts: number, parent: FlowEntry | null, rawEnd: number): FlowEntry {
    const lk = this.#lookup;
    lk.write(p, s, this.#cfg.l2Mode);
    const len = lk.length + 1;
    lk.words[lk.length] = parent === null ? 0 : parent.serial;
    const hash = hashKey(lk.words, len);
    let e = this.#index.get(lk.words, len, hash);
    if (e === undefined) {
      e = this.#create(p, s, ts, parent);
      this.#index.add(e, lk.words, len, hash);
      e.swapDecision = lk.decision & SWAP;
    } else {
      this.#index.touch(e);
    }
    updateEntry(e, p, s, ts, this.#cfg, lk.decision, rawEnd);
    return e;
  }

  #create(p: DecodedPacket, s: SubPacket, ts: number, parent: FlowEntry | null): FlowEntry {
    if (this.#index.size >= this.#opts.maxEntries) this.#evictOldest();
    this.#serial = (this.#serial % 0x7fffffff) + 1;
    const e = new FlowEntry(this.#serial);
    e.start = e.last = Math.floor(ts);
    e.parentUUID = parent === null ? '' : parent.uuid;
    describeFlow(e, p, s, this.#opts.applicationPorts);
    if (this.#opts.extraTCPMetric && e.transportProtocol === 'TCP') e.tcp = emptyTCPMetric();
    const st = this.#stream;
    st.write(p, s, this.#cfg.l2Mode);
    const ids = flowIds(this.#hasher, st.bytes, st.l3End, st.length, e.parentUUID, e.start, this.#opts.nodeTID);
    e.uuid = ids.uuid;
    e.trackingID = ids.trackingID;
    e.l3TrackingID = ids.l3TrackingID;
    return e;
  }

  #evictOldest(): void {
    const victim = this.#index.oldest;
    if (victim === null) return;
    this.#evicted++;
    this.#passes.finishAndSend([victim], victim.last);
  }

  #send(flows: Flow[]): void {
    if (flows.length > 0) this.#deps.sender.sendFlows(flows);
  }
}
