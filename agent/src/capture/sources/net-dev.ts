// Receive-drop counters of the interfaces of one network namespace, read from /proc/net/dev through a file opened
// while inside that namespace: the file keeps showing that namespace, so later reads need no setns.
import { closeSync, openSync, readSync } from 'node:fs';

/** Where the calling thread's namespace lists its interfaces with their counters. */
const NET_DEV = '/proc/thread-self/net/dev';
const READ_SIZE = 1 << 16;

/** /proc/net/dev of one namespace. */
export class NetDevCounters {
  readonly #fd: number;
  readonly #buf = Buffer.alloc(READ_SIZE);
  #closed = false;

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /** Opens the file of the calling thread's current namespace (call it inside withNetns). */
  static open(): NetDevCounters {
    return new NetDevCounters(openSync(NET_DEV, 'r'));
  }

  /** The interface's receive drops (rx_dropped + rx_missed), or undefined when it is not there. */
  rxDropped(ifname: string): number | undefined {
    if (this.#closed) return undefined;
    const n = readSync(this.#fd, this.#buf, 0, READ_SIZE, 0);
    for (const line of this.#buf.toString('latin1', 0, n).split('\n')) {
      const colon = line.indexOf(':');
      if (colon < 0 || line.slice(0, colon).trim() !== ifname) continue;
      const fields = line.slice(colon + 1).trim().split(/\s+/);
      return Number(fields[3] ?? 0);
    }
    return undefined;
  }

  /** True while the namespace has an interface of that name. */
  has(ifname: string): boolean {
    return this.rxDropped(ifname) !== undefined;
  }

  /** Closes the file; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}
