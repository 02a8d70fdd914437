// Identity of a namespace file: the (dev, ino) of its nsfs mount, never its name. A file under a run
// directory only names a namespace once the nsfs bind mount is in place over it.
import { statSync } from 'node:fs';
import { namespaceKey } from '../topology/ids.js';

/** The identity of a namespace reached through a file. */
export interface NamespaceIdentity {
  /** `namespaceKey(dev, ino)`. */
  key: string;
  dev: bigint;
  ino: bigint;
}

/** What a file under a run directory currently is. */
export type NamespaceFileState =
  | { kind: 'missing' }
  | { kind: 'unmounted' }
  | ({ kind: 'namespace' } & NamespaceIdentity);

/** Path whose device is the nsfs pseudo file system of this kernel. */
export const SELF_NETNS_PATH = '/proc/self/ns/net';
/** The network namespace of PID 1, the host's. */
export const INIT_NETNS_PATH = '/proc/1/ns/net';

/** The identity of the namespace at `path`, whether or not it sits under a run directory. */
export function identityOf(path: string): NamespaceIdentity {
  const s = statSync(path, { bigint: true });
  return { key: namespaceKey(s.dev, s.ino), dev: s.dev, ino: s.ino };
}

/** The device number of nsfs, against which namespace bind mounts are recognised. */
export function nsfsDevice(): bigint {
  return statSync(SELF_NETNS_PATH, { bigint: true }).dev;
}

/** Keys of the agent's own namespace and of PID 1's (readable ones only): these are the host, not netns nodes. */
export function rootNamespaceKeys(): Set<string> {
  const keys = new Set<string>();
  for (const p of [SELF_NETNS_PATH, INIT_NETNS_PATH]) {
    try {
      keys.add(identityOf(p).key);
    } catch {
      // PID 1's namespace can be unreadable without CAP_SYS_PTRACE; the agent's own is always readable.
    }
  }
  return keys;
}

/** Classifies `path`: missing, a plain file waiting for its bind mount, or a mounted namespace. */
export function namespaceFileState(path: string, nsfsDev: bigint): NamespaceFileState {
  let s;
  try {
    s = statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return { kind: 'missing' };
  }
  if (s === undefined) return { kind: 'missing' };
  if (s.dev !== nsfsDev) return { kind: 'unmounted' };
  return { kind: 'namespace', key: namespaceKey(s.dev, s.ino), dev: s.dev, ino: s.ino };
}

/** Delay before mount check `attempt` (1-based): exponential from `firstMs`, capped at `maxMs`. */
export function retryDelay(attempt: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, attempt - 1));
}
