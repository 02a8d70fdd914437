// Loads the native namespace helper and builds safe operations on it: enter a network namespace, run
// synchronous work, and always come back (DESIGN.md §6). The main thread never stays in another namespace.
import { closeSync, openSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { AppError } from '@topoflow/common';
import { NetnsErrors } from './errors.js';

/** The functions the addon exports. */
interface Addon {
  setns(fd: number, nstype: number): void;
  netlinkSocket(protocol: number, nonBlocking: boolean): number;
  readonly CLONE_NEWNET: number;
  readonly NETLINK_ROUTE: number;
}

/** Path of the calling thread's network namespace (the main thread's when called from JavaScript). */
export const THREAD_NETNS_PATH = '/proc/thread-self/ns/net';

/** Where `npm ci` builds the addon, relative to this file in dist/netns/. */
const ADDON_PATH = '../../native/build/Release/topoflow_netns.node';

// libuv's thread pool takes the namespace of the thread that starts it: start it now, on the main thread,
// before anything can enter another namespace. Submitting the first request creates every pool thread
// synchronously, so the pool exists once this module is loaded.
void stat(THREAD_NETNS_PATH).catch(() => undefined);

const addon: Addon | AppError = loadAddon();

function loadAddon(): Addon | AppError {
  try {
    return createRequire(import.meta.url)(ADDON_PATH) as Addon;
  } catch (err) {
    return new AppError(NetnsErrors.ADDON_MISSING, 'the native namespace helper is not built: run npm ci to build it', {
      cause: err, details: { path: new URL(ADDON_PATH, import.meta.url).pathname },
    });
  }
}

function native(): Addon {
  if (addon instanceof AppError) throw addon;
  return addon;
}

/**
 * Readies the process for namespace work; the agent awaits it at start. Checks that the addon is built and
 * that libuv's thread pool runs (in the agent's own namespace) before any thread enters another one.
 */
export async function prepareNamespaces(): Promise<void> {
  native();
  await stat(THREAD_NETNS_PATH);
}

/** True when the addon is built and loadable. */
export function nativeAvailable(): boolean {
  return !(addon instanceof AppError);
}

/** Moves the calling thread into the namespace `fd` refers to (`nstype` 0 accepts any type). Low level. */
export function setns(fd: number, nstype: number = native().CLONE_NEWNET): void {
  native().setns(fd, nstype);
}

/**
 * Runs `fn` synchronously inside the network namespace at `path` (an nsfs file such as /var/run/netns/x or
 * /proc/PID/ns/net) and returns its result. The thread always returns to its original namespace, also
 * when `fn` throws. `fn` must not return a promise: work after its first await would run back home.
 */
export function withNetns<T>(path: string, fn: () => T): T {
  const n = native();
  const self = openSync(THREAD_NETNS_PATH, 'r');
  let target: number;
  try {
    target = openSync(path, 'r');
  } catch (err) {
    closeSync(self);
    throw new AppError(NetnsErrors.ENTER_FAILED, `cannot open namespace ${path}`, { cause: err, details: { path } });
  }
  try {
    try {
      n.setns(target, n.CLONE_NEWNET);
    } catch (err) {
      throw new AppError(NetnsErrors.ENTER_FAILED, `cannot enter namespace ${path}`, { cause: err, details: { path } });
    }
    let result: T;
    try {
      result = fn();
    } finally {
      restore(n, self, path);
    }
    if (isThenable(result)) {
      throw new AppError(NetnsErrors.ASYNC_CALLBACK, 'the callback of withNetns must be synchronous', { details: { path } });
    }
    return result;
  } finally {
    closeSync(target);
    closeSync(self);
  }
}

/** Opens a netlink socket (NETLINK_ROUTE by default) inside the namespace at `path`; returns its fd. */
export function openNetlinkSocket(path: string, options: { protocol?: number; nonBlocking?: boolean } = {}): number {
  const n = native();
  return withNetns(path, () => {
    try {
      return n.netlinkSocket(options.protocol ?? n.NETLINK_ROUTE, options.nonBlocking ?? false);
    } catch (err) {
      throw new AppError(NetnsErrors.SOCKET_FAILED, `cannot open a netlink socket in ${path}`, { cause: err, details: { path } });
    }
  });
}

function restore(n: Addon, self: number, path: string): void {
  try {
    n.setns(self, n.CLONE_NEWNET);
  } catch (err) {
    throw new AppError(NetnsErrors.RESTORE_FAILED, `cannot return from namespace ${path}: the thread is in the wrong namespace`, {
      cause: err, details: { path },
    });
  }
}

function isThenable(value: unknown): boolean {
  return (typeof value === 'object' || typeof value === 'function') && value !== null
    && typeof (value as { then?: unknown }).then === 'function';
}
