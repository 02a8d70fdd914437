// One watched namespace: its socket, the serialised dumps (links, addresses, routes, neighbours), the read loop
// that turns datagrams into parsed messages for the probe, and the namespace's link and table state.
import { openSync, closeSync } from 'node:fs';
import { AppError } from '@topoflow/common';
import { parseAddress } from './codec/address.js';
import { type LinkMessage, type LinkStats, parseLink } from './codec/link.js';
import {
  NLMSG, NLM_F, type NetlinkMessage, RTM, dumpRequest, errorCode, getNsidRequest, parseNsid, splitMessages,
} from './codec/message.js';
import { parseNeighbor } from './codec/neighbor.js';
import { parseRoute } from './codec/route.js';
import { NetlinkErrors } from './errors.js';
import { type EthtoolReading, NetlinkSocket, RTNLGRP } from './socket.js';
import { NamespaceTables, type TableKind } from './tables.js';

/** What the probe remembers of one link of the namespace. */
export interface LinkState {
  index: number;
  nodeId: string;
  /** True when the node was made by another probe (OVSDB) and only adopted here. */
  adopted: boolean;
  msg: LinkMessage;
  /** ethtool driver information, read when the link appears or is renamed. */
  ethtool?: { driver: string; busInfo: string };
  /** True once the ethtool features and speed were read (at the first refresh after the link appeared). */
  ethtoolRead?: boolean;
  /** The ethtool fingerprint at the last full read, and the Features object written then (to spot outside edits). */
  ethtoolFingerprint?: Buffer;
  ethtoolFeatures?: unknown;
  /** Counters at the last metrics tick (or creation) and when. */
  metricStats?: LinkStats;
  metricAt?: number;
  gen: number;
}

/** Callbacks of a namespace watch into the probe. */
export interface NamespaceHandler {
  link(ns: NamespaceWatch, link: LinkMessage, deleted: boolean): void;
  tables(ns: NamespaceWatch, indexes: number[]): void;
  /** A link dump finished: links not seen since `gen` are gone; `metrics` when it was a metrics tick. */
  linksDumped(ns: NamespaceWatch, gen: number, metrics: boolean): void;
  nsidResolved(ns: NamespaceWatch, nsid: number): void;
  /** A message could not be parsed or handled; it was skipped. */
  dropped(reason: string, err?: unknown): void;
  /** Events were lost (ENOBUFS); a full re-dump is queued. */
  overrun(ns: NamespaceWatch): void;
}

/** A namespace to watch. */
export interface NamespaceTarget {
  key: string;
  path: string;
  nodeId: string;
}

interface Dump {
  type: number;
  metrics: boolean;
  seq?: number;
  gen?: number;
  /** The kernel flagged the dump inconsistent (NLM_F_DUMP_INTR): it is redone and nothing is swept. */
  interrupted?: boolean;
}

const GROUPS = [RTNLGRP.LINK, RTNLGRP.IPV4_IFADDR, RTNLGRP.IPV6_IFADDR, RTNLGRP.IPV4_ROUTE, RTNLGRP.IPV6_ROUTE, RTNLGRP.NEIGH];
const ALL_DUMPS = [RTM.GETLINK, RTM.GETADDR, RTM.GETROUTE, RTM.GETNEIGH];
const TABLE_OF: Record<number, TableKind> = { [RTM.GETADDR]: 'address', [RTM.GETROUTE]: 'route', [RTM.GETNEIGH]: 'neighbor' };
/** Datagrams read per readable callback before yielding to the event loop (the poll fires again). */
const READ_BATCH = 64;
/** Link re-dumps (20 ms, doubling) waiting for a veth end announced without its peer. */
const RELINK_TRIES = 6;

/** The state and socket of one watched namespace. */
export class NamespaceWatch {
  readonly key: string;
  readonly path: string;
  readonly rootNodeId: string;
  readonly links = new Map<number, LinkState>();
  readonly tables = new NamespaceTables();
  /** nsid (as seen from this namespace) → key of a watched namespace. */
  readonly nsids = new Map<number, string>();
  readonly #handler: NamespaceHandler;
  readonly #receiveBuffer: number;
  #socket: NetlinkSocket | undefined;
  #seq = 1;
  #gen = 0;
  readonly #queue: Dump[] = [];
  #current: Dump | undefined;
  readonly #nsidQueries = new Map<number, string>();
  #synced: (() => void) | undefined;
  #abort: ((err: Error) => void) | undefined;
  #relinkTimer: NodeJS.Timeout | undefined;
  #relinkTries = 0;

  constructor(target: NamespaceTarget, handler: NamespaceHandler, receiveBuffer: number) {
    this.key = target.key;
    this.path = target.path;
    this.rootNodeId = target.nodeId;
    this.#handler = handler;
    this.#receiveBuffer = receiveBuffer;
  }

  /** The current generation: bumped at every dump start. */
  get gen(): number {
    return this.#gen;
  }

  /** Opens the socket inside the namespace, subscribes, dumps; resolves when the first dumps are done. */
  async start(timeoutMs: number): Promise<void> {
    if (this.#socket !== undefined) return;
    const socket = new NetlinkSocket(this.path, { groups: GROUPS, receiveBuffer: this.#receiveBuffer });
    this.#socket = socket;
    socket.watch((status) => {
      // a poll error stops libuv's watcher: the namespace is then silent, so say so loudly
      if (status < 0) this.#handler.dropped('poll_error', new Error(`poll failed with status ${status}`));
      else this.#readable();
    });
    const done = new Promise<void>((resolve, reject) => {
      this.#synced = resolve;
      this.#abort = reject;
    });
    for (const type of ALL_DUMPS) this.#enqueue({ type, metrics: false });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AppError(NetlinkErrors.SYNC_TIMEOUT, `initial netlink dump of ${this.path} timed out`, {
        details: { path: this.path, timeoutMs },
      })), timeoutMs);
    });
    try {
      await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
      this.#abort = undefined;
    }
  }

  /** Closes the socket; idempotent. */
  stop(): void {
    this.#socket?.close();
    this.#socket = undefined;
    clearTimeout(this.#relinkTimer);
    this.#relinkTimer = undefined;
    this.#queue.length = 0;
    this.#current = undefined;
    this.#synced = undefined;
    this.#abort?.(new AppError(NetlinkErrors.STOPPED, `stopped watching ${this.path} before its initial dump ended`, {
      details: { path: this.path },
    }));
    this.#abort = undefined;
  }

  /** Queues a link dump whose counters feed the metrics. */
  requestMetrics(): void {
    if (this.#queue.some((d) => d.metrics) || this.#current?.metrics === true) return;
    this.#enqueue({ type: RTM.GETLINK, metrics: true });
  }

  #relinkSoon(fresh: boolean): void {
    if (fresh) this.#relinkTries = 0;
    if (this.#relinkTimer !== undefined || this.#relinkTries >= RELINK_TRIES) return;
    const delay = 20 * 2 ** this.#relinkTries++;
    this.#relinkTimer = setTimeout(() => {
      this.#relinkTimer = undefined;
      if (this.#socket !== undefined && !this.#queue.some((d) => d.type === RTM.GETLINK && !d.metrics)) {
        this.#enqueue({ type: RTM.GETLINK, metrics: false });
      }
    }, delay);
    this.#relinkTimer.unref();
  }

  /** Driver and bus info of an interface of this namespace (ethtool), if known. */
  driverInfo(name: string): { driver: string; busInfo: string } | undefined {
    return this.#socket?.driverInfo(name) ?? undefined;
  }

  /** Features and speed of an interface of this namespace (ethtool); undefined once stopped. */
  ethtoolInfo(name: string): EthtoolReading | undefined {
    return this.#socket?.ethtoolInfo(name);
  }

  /** A cheap fingerprint of an interface's ethtool state; undefined once stopped or when unreadable. */
  ethtoolFingerprint(name: string): Buffer | undefined {
    return this.#socket?.ethtoolFingerprint(name);
  }

  /**
   * Asks the kernel which nsid each given namespace has in this one; answers arrive as nsidResolved. A namespace
   * whose question is still unanswered is not asked again. The kernel gives a peer namespace an nsid lazily (for
   * instance when a veth joins them), so a namespace without one may have one when asked later.
   */
  resolveNsids(targets: readonly NamespaceTarget[]): void {
    const socket = this.#socket;
    if (socket === undefined) return;
    const asked = new Set(this.#nsidQueries.values());
    for (const t of targets) {
      if (asked.has(t.key)) continue;
      let fd: number | undefined;
      try {
        fd = openSync(t.path, 'r');
        const seq = this.#nextSeq();
        // the kernel reads the fd while handling sendto, so it may be closed right after
        if (socket.send(getNsidRequest(seq, fd))) this.#nsidQueries.set(seq, t.key);
      } catch (err) {
        this.#handler.dropped('nsid_query', err);
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    }
  }

  /** Forgets the nsids that map to a namespace no longer watched; returns them. */
  forgetNsidsOf(key: string): number[] {
    const gone = [...this.nsids].filter(([, k]) => k === key).map(([id]) => id);
    for (const id of gone) this.nsids.delete(id);
    return gone;
  }

  #nextSeq(): number {
    this.#seq = (this.#seq % 0x7fffffff) + 1;
    return this.#seq;
  }

  #enqueue(d: Dump): void {
    this.#queue.push(d);
    if (this.#current === undefined) this.#next();
  }

  #next(): void {
    const d = this.#queue.shift();
    this.#current = d;
    if (d === undefined) {
      const synced = this.#synced;
      this.#synced = undefined;
      synced?.();
      return;
    }
    d.seq = this.#nextSeq();
    d.gen = ++this.#gen;
    try {
      if (this.#socket?.send(dumpRequest(d.type, d.seq)) !== true) throw new Error('netlink send buffer full');
    } catch (err) {
      this.#handler.dropped('dump_request', err);
      this.#current = undefined;
      if (this.#socket !== undefined) {
        setTimeout(() => {
          if (this.#socket !== undefined) this.#enqueue({ type: d.type, metrics: d.metrics });
        }, 100).unref();
      }
    }
  }

  #readable(): void {
    for (let i = 0; i < READ_BATCH && this.#socket !== undefined; i++) {
      let buf: Buffer | null;
      try {
        buf = this.#socket.receive();
      } catch (err) {
        if ((err as AppError).details?.errno === 'ENOBUFS') {
          this.#handler.overrun(this);
          this.#nsidQueries.clear(); // their answers may be lost: ask again when needed
          for (const type of ALL_DUMPS) if (!this.#queue.some((d) => d.type === type)) this.#enqueue({ type, metrics: false });
          continue;
        }
        this.#handler.dropped('receive', err);
        return;
      }
      if (buf === null) return;
      const { messages, malformed } = splitMessages(buf);
      if (malformed > 0) this.#handler.dropped('malformed');
      for (const m of messages) {
        try {
          this.#dispatch(m);
        } catch (err) {
          this.#handler.dropped('handler', err);
        }
      }
    }
  }

  #dispatch(m: NetlinkMessage): void {
    const cur = this.#current;
    const ofDump = cur !== undefined && m.seq === cur.seq && m.seq !== 0;
    if (m.type === NLMSG.DONE || m.type === NLMSG.ERROR) {
      if (ofDump) this.#dumpDone(cur, m);
      else if (m.type === NLMSG.ERROR && this.#nsidQueries.delete(m.seq) && errorCode(m) !== 0) this.#handler.dropped('nsid_error');
      return;
    }
    if (ofDump && (m.flags & NLM_F.DUMP_INTR) !== 0) cur.interrupted = true;
    const gen = this.#gen;
    switch (m.type) {
      case RTM.NEWLINK:
      case RTM.DELLINK: {
        const l = parseLink(m);
        if (l === undefined) return this.#handler.dropped('malformed');
        if (l.family === 7) return; // AF_BRIDGE port messages: the AF_UNSPEC ones carry the link
        // a veth end created straight into this namespace is announced before its peer is registered (IFLA_LINK 0)
        // and no later event completes it: dump the links again, a few times, until the peer shows
        if (m.type === RTM.NEWLINK && l.kind === 'veth' && !(l.link !== undefined && l.link > 0)) this.#relinkSoon(!ofDump);
        return this.#handler.link(this, l, m.type === RTM.DELLINK);
      }
      case RTM.NEWADDR:
      case RTM.DELADDR: {
        const a = parseAddress(m);
        if (a === undefined) return this.#handler.dropped('malformed');
        return this.#handler.tables(this, this.tables.applyAddress(a, m.type === RTM.NEWADDR, gen));
      }
      case RTM.NEWROUTE:
      case RTM.DELROUTE: {
        const r = parseRoute(m);
        if (r === undefined) return; // not IPv4/IPv6 (or malformed): routes of other families are not tracked
        return this.#handler.tables(this, this.tables.applyRoute(r, m.type === RTM.NEWROUTE, gen));
      }
      case RTM.NEWNEIGH:
      case RTM.DELNEIGH: {
        const n = parseNeighbor(m);
        if (n === undefined) return this.#handler.dropped('malformed');
        return this.#handler.tables(this, this.tables.applyNeighbor(n, m.type === RTM.NEWNEIGH, gen));
      }
      case RTM.NEWNSID: {
        const key = this.#nsidQueries.get(m.seq);
        this.#nsidQueries.delete(m.seq);
        const nsid = parseNsid(m);
        if (key === undefined || nsid === undefined || nsid < 0) return;
        // one nsid per peer namespace: an older entry for the same namespace, or this nsid's, is stale
        for (const [id, k] of this.nsids) if (k === key && id !== nsid) this.nsids.delete(id);
        this.nsids.set(nsid, key);
        return this.#handler.nsidResolved(this, nsid);
      }
      default:
    }
  }

  #dumpDone(cur: Dump, m: NetlinkMessage): void {
    if (m.type === NLMSG.ERROR) this.#handler.dropped('dump_error');
    else if (cur.interrupted === true) this.#queue.push({ type: cur.type, metrics: cur.metrics });
    else if (cur.gen !== undefined) {
      if (cur.type === RTM.GETLINK) this.#handler.linksDumped(this, cur.gen, cur.metrics);
      const kind = TABLE_OF[cur.type];
      if (kind !== undefined) this.#handler.tables(this, this.tables.sweep(kind, cur.gen));
    }
    this.#next();
  }
}
