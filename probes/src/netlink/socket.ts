// A non-blocking rtnetlink socket opened inside a namespace and read from the event loop through the addon's
// uv_poll watcher: no thread, no thread pool, one fd per namespace (DESIGN.md §6).
import { createRequire } from 'node:module';
import { AppError } from '@topoflow/common';
import { openNetlinkSocket } from '../netns/native.js';
import { NetlinkErrors } from './errors.js';

/** What ethtool tells of an interface: each part absent when the device does not report it. */
export interface EthtoolReading {
  /** Kernel feature name (ETH_SS_FEATURES) → active. */
  features?: Record<string, boolean>;
  /** Mb/s as the kernel reports it (0xFFFFFFFF: unknown). */
  speed?: number;
  /** errno name of an unexpected failure (EOPNOTSUPP, ENODEV… are not failures: the part is just absent). */
  error?: string;
}

/** An opaque handle owning one netlink fd. */
type Handle = object;

/** The netlink functions of the addon (native/nlsock.c). */
interface NlAddon {
  nlAttach(fd: number): Handle;
  nlBind(h: Handle, groups: number): void;
  nlSetsockopt(h: Handle, level: number, name: number, value: number): void;
  nlSend(h: Handle, buf: Buffer): number | null;
  nlRecv(h: Handle): Buffer | null;
  nlWatch(h: Handle, cb: (status: number) => void): void;
  nlUnwatch(h: Handle): void;
  nlClose(h: Handle): void;
  ethtoolDriver(h: Handle, ifname: string): { driver: string; busInfo: string } | null;
  ethtoolInfo(h: Handle, ifname: string): EthtoolReading;
  ethtoolFingerprint(h: Handle, ifname: string): Buffer;
  readonly SOL_NETLINK: number;
  readonly SOL_SOCKET: number;
  readonly SO_RCVBUF: number;
  readonly NETLINK_ADD_MEMBERSHIP: number;
  readonly NETLINK_GET_STRICT_CHK: number;
  readonly NETLINK_EXT_ACK: number;
}

const ADDON_PATH = '../../native/build/Release/topoflow_netns.node';

let cached: NlAddon | undefined;

function addon(): NlAddon {
  if (cached === undefined) {
    try {
      cached = createRequire(import.meta.url)(ADDON_PATH) as NlAddon;
    } catch (err) {
      throw new AppError(NetlinkErrors.ADDON_MISSING, 'the native helper is not built: run npm ci to build it', { cause: err });
    }
    // Every function this module calls must be there: an addon built from older sources lacks some.
    const needed = ['nlAttach', 'nlBind', 'nlSetsockopt', 'nlSend', 'nlRecv', 'nlWatch', 'nlUnwatch', 'nlClose', 'ethtoolDriver', 'ethtoolInfo', 'ethtoolFingerprint'] as const;
    if (needed.some((f) => typeof cached?.[f] !== 'function')) {
      cached = undefined;
      throw new AppError(NetlinkErrors.ADDON_MISSING, 'the native helper is outdated: run npm ci to rebuild it');
    }
  }
  return cached;
}

/** rtnetlink multicast groups (RTNLGRP_*) the probe subscribes to. */
export const RTNLGRP = {
  LINK: 1, NEIGH: 3, IPV4_IFADDR: 5, IPV4_ROUTE: 7, IPV6_IFADDR: 9, IPV6_ROUTE: 11,
} as const;

/** Options of a netlink socket. */
export interface NetlinkSocketOptions {
  /** Multicast groups (RTNLGRP_* numbers) to join. */
  groups: readonly number[];
  /** SO_RCVBUF in bytes (the kernel doubles it); 0 keeps the default. */
  receiveBuffer: number;
}

/** One rtnetlink socket living in a namespace; every method throws PROBES_NETLINK_SOCKET_FAILED on error. */
export class NetlinkSocket {
  readonly #h: Handle;
  readonly #path: string;
  #closed = false;

  /** Opens, configures and binds the socket inside the namespace at `path` (synchronous, a few µs). */
  constructor(path: string, options: NetlinkSocketOptions) {
    const n = addon();
    this.#path = path;
    this.#h = n.nlAttach(openNetlinkSocket(path, { nonBlocking: true }));
    try {
      n.nlBind(this.#h, 0);
      if (options.receiveBuffer > 0) n.nlSetsockopt(this.#h, n.SOL_SOCKET, n.SO_RCVBUF, options.receiveBuffer);
      n.nlSetsockopt(this.#h, n.SOL_NETLINK, n.NETLINK_GET_STRICT_CHK, 1);
      for (const g of options.groups) n.nlSetsockopt(this.#h, n.SOL_NETLINK, n.NETLINK_ADD_MEMBERSHIP, g);
    } catch (err) {
      n.nlClose(this.#h);
      throw this.#fail('configure', err);
    }
  }

  /** Calls `onReadable` on the event loop each time messages are waiting (status < 0: poll error). */
  watch(onReadable: (status: number) => void): void {
    try {
      addon().nlWatch(this.#h, onReadable);
    } catch (err) {
      throw this.#fail('watch', err);
    }
  }

  /** Sends one request; false when the socket buffer is full. */
  send(message: Buffer): boolean {
    try {
      return addon().nlSend(this.#h, message) !== null;
    } catch (err) {
      throw this.#fail('send', err);
    }
  }

  /** The next datagram (possibly several messages), or null when none waits. ENOBUFS means events were lost. */
  receive(): Buffer | null {
    try {
      return addon().nlRecv(this.#h);
    } catch (err) {
      throw this.#fail('receive', err);
    }
  }

  /** Driver name and bus info of an interface of this namespace (null when unknown). */
  driverInfo(ifname: string): { driver: string; busInfo: string } | null {
    try {
      return addon().ethtoolDriver(this.#h, ifname);
    } catch {
      return null;
    }
  }

  /** A cheap fingerprint of an interface's ethtool state (feature bits and speed); undefined when unreadable. */
  ethtoolFingerprint(ifname: string): Buffer | undefined {
    try {
      return addon().ethtoolFingerprint(this.#h, ifname);
    } catch {
      return undefined;
    }
  }

  /** Features and speed of an interface of this namespace (SIOCETHTOOL on this socket: no setns, no extra fd). */
  ethtoolInfo(ifname: string): EthtoolReading {
    try {
      return addon().ethtoolInfo(this.#h, ifname);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return { error: typeof code === 'string' ? code : 'EUNKNOWN' };
    }
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Stops the watcher and closes the fd; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    addon().nlClose(this.#h);
  }

  #fail(op: string, err: unknown): AppError {
    const code = (err as { code?: unknown }).code;
    return new AppError(NetlinkErrors.SOCKET_FAILED, `netlink ${op} failed in ${this.#path}`, {
      cause: err, details: { path: this.#path, op, errno: typeof code === 'string' ? code : undefined },
    });
  }
}
