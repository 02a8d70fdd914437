// Test helper: namespaces `tf-nl-<random>` and root-namespace links `tf-nl-<random>` made with iproute2, all
// removed by cleanup() even after a failure. Only for tests; never exported by the package. No traffic.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { namespaceKey } from '../topology/ids.js';

/** What `ip -j link show` reports of a link. */
export interface IpLink {
  ifindex: number;
  ifname: string;
  address: string;
  mtu: number;
  operstate: string;
}

/** Namespaces and root links made by one test suite. */
export class NetlinkTestEnv {
  readonly #namespaces: string[] = [];
  readonly #rootLinks: string[] = [];

  /** A fresh unique name (`tf-nl-` + 8 hex digits, 14 characters: a valid interface name). */
  name(): string {
    return `tf-nl-${randomBytes(4).toString('hex')}`;
  }

  /** Creates a namespace; returns its name, path and key. */
  namespace(): { name: string; path: string; key: string } {
    const name = this.name();
    execFileSync('ip', ['netns', 'add', name]);
    this.#namespaces.push(name);
    const path = `/var/run/netns/${name}`;
    const s = statSync(path, { bigint: true });
    return { name, path, key: namespaceKey(s.dev, s.ino) };
  }

  /** Runs `ip` in a namespace (undefined: the root namespace). */
  ip(ns: string | undefined, ...args: string[]): string {
    return execFileSync('ip', ns === undefined ? args : ['-n', ns, ...args], { encoding: 'utf8' });
  }

  /** Remembers a root-namespace link to delete at cleanup. */
  ownRootLink(name: string): void {
    this.#rootLinks.push(name);
  }

  /** `ip -j link show dev` of one link. */
  link(ns: string | undefined, dev: string): IpLink {
    const [l] = JSON.parse(this.ip(ns, '-j', 'link', 'show', 'dev', dev)) as IpLink[];
    if (l === undefined) throw new Error(`no link ${dev}`);
    return l;
  }

  /** Deletes everything still in place; never throws. */
  cleanup(): void {
    for (const l of this.#rootLinks.splice(0)) attempt(() => execFileSync('ip', ['link', 'del', l], { stdio: 'ignore' }));
    for (const n of this.#namespaces.splice(0)) attempt(() => execFileSync('ip', ['netns', 'del', n], { stdio: 'ignore' }));
  }
}

function attempt(fn: () => unknown): void {
  try {
    fn();
  } catch {
    // best effort: the rest of the clean-up must still run (the link may already be gone)
  }
}
