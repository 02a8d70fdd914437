// The live flows: the newest report of every flow the agents send, indexed by UUID and by capture node, kept in
// report order so expiry reads only the oldest entries; finished flows leave after the hold timeout, silent ones
// after the live TTL, and a full map evicts its least recently reported flow. The raw packets of each flow's
// latest report that had some, and the stats of each capture, are kept alongside.
import type { CaptureStats, Flow, FlowRawPacketRecord, FlowSearch, RawPacket } from '@topoflow/flow';

/** Limits of the live flows. */
export interface LiveFlowsConfig {
  holdTimeoutMs: number;
  liveTTLMs: number;
  maxLiveFlows: number;
}

interface Entry {
  /** The report without its LastRawPackets. */
  flow: Flow;
  /** LastRawPackets of the latest report that had some. */
  packets: RawPacket[] | undefined;
  host: string;
  /** Clock time of the last report. */
  seen: number;
}

/** What an update did. */
export interface LiveUpdate {
  /** Reports older than the flow already held (by Last), ignored. */
  stale: number;
  /** Flows evicted to make room. */
  evicted: number;
}

/** What an expiry pass removed. */
export interface LiveExpiry {
  finished: number;
  idle: number;
}

/** Live flows of every agent. */
export class LiveFlows {
  readonly #config: LiveFlowsConfig;
  /** Least recently reported first: an update moves its entry to the end. */
  readonly #flows = new Map<string, Entry>();
  readonly #byNode = new Map<string, Set<string>>();
  /** Finished flows by the time of their finished report, oldest first. */
  readonly #finished = new Map<string, number>();
  readonly #captures = new Map<string, { stats: CaptureStats; host: string; seen: number }>();
  readonly #perHost = new Map<string, number>();

  constructor(config: LiveFlowsConfig) {
    this.#config = config;
  }

  /** Flows held. */
  get size(): number {
    return this.#flows.size;
  }

  /** Captures with recent stats. */
  get captureCount(): number {
    return this.#captures.size;
  }

  /** Takes the reports of one batch from `host`; their LastRawPackets are kept apart. */
  update(host: string, flows: readonly Flow[], now: number): LiveUpdate {
    const out: LiveUpdate = { stale: 0, evicted: 0 };
    for (const flow of flows) {
      const held = this.#flows.get(flow.UUID);
      if (held !== undefined && flow.Last < held.flow.Last) {
        out.stale++;
        continue;
      }
      if (held !== undefined) this.#remove(flow.UUID, held);
      else if (this.#flows.size >= this.#config.maxLiveFlows) {
        const [oldest, entry] = this.#flows.entries().next().value as [string, Entry];
        this.#remove(oldest, entry);
        out.evicted++;
      }
      const { LastRawPackets: packets, ...bare } = flow;
      this.#flows.set(flow.UUID, { flow: packets === undefined ? flow : bare, packets: packets ?? held?.packets, host, seen: now });
      this.#perHost.set(host, (this.#perHost.get(host) ?? 0) + 1);
      const tid = flow.NodeTID ?? '';
      let uuids = this.#byNode.get(tid);
      if (uuids === undefined) this.#byNode.set(tid, (uuids = new Set()));
      uuids.add(flow.UUID);
      if ((flow.FinishType ?? 0) !== 0) this.#finished.set(flow.UUID, now);
    }
    return out;
  }

  /** Keeps the newest stats of each capture. */
  updateStats(host: string, stats: readonly CaptureStats[], now: number): void {
    for (const s of stats) {
      this.#captures.delete(s.CaptureID);
      this.#captures.set(s.CaptureID, { stats: s, host, seen: now });
    }
  }

  /** Removes finished flows held past the hold timeout, and flows and stats not reported within the TTL. */
  expire(now: number): LiveExpiry {
    const out: LiveExpiry = { finished: 0, idle: 0 };
    for (const [uuid, at] of this.#finished) {
      if (at + this.#config.holdTimeoutMs > now) break;
      this.#remove(uuid, this.#flows.get(uuid) as Entry);
      out.finished++;
    }
    const ttl = this.#config.liveTTLMs;
    for (const [uuid, entry] of this.#flows) {
      if (entry.seen + ttl > now) break;
      this.#remove(uuid, entry);
      out.idle++;
    }
    for (const [id, c] of this.#captures) {
      if (c.seen + ttl > now) break;
      this.#captures.delete(id);
    }
    return out;
  }

  /** Flows matching a search, least recently reported first (per capture node when nodes are given). */
  search(s: FlowSearch): Flow[] {
    const out: Flow[] = [];
    const limit = s.limit ?? Infinity;
    const take = (flow: Flow): boolean => {
      if (s.filter === undefined || s.filter(flow)) out.push(flow);
      return out.length >= limit;
    };
    if (s.nodeTIDs === undefined) {
      for (const e of this.#flows.values()) if (take(e.flow)) break;
      return out;
    }
    for (const tid of new Set(s.nodeTIDs)) {
      for (const uuid of this.#byNode.get(tid) ?? []) if (take((this.#flows.get(uuid) as Entry).flow)) return out;
    }
    return out;
  }

  /** The raw packets held for the given flows, by Index then UUID. */
  rawPackets(uuids: readonly string[]): FlowRawPacketRecord[] {
    const out: FlowRawPacketRecord[] = [];
    for (const uuid of new Set(uuids)) {
      for (const p of this.#flows.get(uuid)?.packets ?? []) out.push({ UUID: uuid, Packet: p });
    }
    return out.sort((a, b) => a.Packet.Index - b.Packet.Index || (a.UUID < b.UUID ? -1 : a.UUID > b.UUID ? 1 : 0));
  }

  /** The held flow of a UUID. */
  get(uuid: string): Flow | undefined {
    return this.#flows.get(uuid)?.flow;
  }

  /** Live flows per agent host ID. */
  countByHost(): Record<string, number> {
    return Object.fromEntries(this.#perHost);
  }

  /** The newest stats of every capture reported within the TTL. */
  captureStats(): CaptureStats[] {
    return [...this.#captures.values()].map((c) => c.stats);
  }

  #remove(uuid: string, entry: Entry): void {
    this.#flows.delete(uuid);
    this.#finished.delete(uuid);
    const n = (this.#perHost.get(entry.host) ?? 1) - 1;
    if (n > 0) this.#perHost.set(entry.host, n);
    else this.#perHost.delete(entry.host);
    const tid = entry.flow.NodeTID ?? '';
    const uuids = this.#byNode.get(tid);
    uuids?.delete(uuid);
    if (uuids?.size === 0) this.#byNode.delete(tid);
  }
}
