// Watches run directories (/var/run/netns, /var/run/docker/netns…) for namespace files and reports each
// namespace once, keyed by its nsfs (dev, ino): two paths to one namespace are one namespace with a use count.
import { type FSWatcher, readdirSync, watch } from 'node:fs';
import { basename, join } from 'node:path';
import type { ComponentReporter } from '@topoflow/common';
import { namespaceFileState, nsfsDevice, retryDelay, rootNamespaceKeys } from './identity.js';

/** Watcher settings. */
export interface NetnsWatcherConfig {
  /** Directories holding namespace files; a missing one is polled until it appears. */
  runPaths: string[];
  /** Exact paths never registered (Skydive excludes `<docker run path>/default`). */
  excludePaths: string[];
  /** Poll interval of a missing run directory. */
  dirPollMs: number;
  /** Checks of a new file before giving up waiting for its nsfs bind mount. */
  mountRetries: number;
  /** Delay before the first re-check; doubles each time. */
  mountRetryMs: number;
  /** Longest delay between re-checks. */
  mountRetryMaxMs: number;
}

/** Defaults: ip netns' and docker's run directories, Skydive's 1 s poll and 10 checks from 10 ms. */
export function defaultNetnsWatcherConfig(): NetnsWatcherConfig {
  return {
    runPaths: ['/var/run/netns', '/var/run/docker/netns'],
    excludePaths: ['/var/run/docker/netns/default'],
    dirPollMs: 1000,
    mountRetries: 10,
    mountRetryMs: 10,
    mountRetryMaxMs: 1000,
  };
}

/** A namespace as the watcher reports it: the first path it was found through. */
export interface WatchedNamespace {
  key: string;
  path: string;
  name: string;
  dev: bigint;
  ino: bigint;
}

/** What the watcher needs. */
export interface NetnsWatcherDeps {
  reporter: ComponentReporter;
  /** Called once per namespace when its first path appears. */
  onAdded(ns: WatchedNamespace): void;
  /** Called once per namespace when its last path disappears. */
  onRemoved(ns: WatchedNamespace): void;
}

interface Tracked {
  ns: WatchedNamespace;
  paths: Set<string>;
}

/** Reports namespaces appearing in and disappearing from the run directories. */
export class NetnsWatcher {
  readonly #config: NetnsWatcherConfig;
  readonly #deps: NetnsWatcherDeps;
  readonly #watchers = new Map<string, FSWatcher>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #pending = new Map<string, NodeJS.Timeout>();
  readonly #paths = new Map<string, string>();
  readonly #namespaces = new Map<string, Tracked>();
  readonly #metrics;
  #running = false;
  #nsfsDev = -1n;
  #rootKeys = new Set<string>();

  constructor(config: NetnsWatcherConfig, deps: NetnsWatcherDeps) {
    this.#config = { ...config, runPaths: [...new Set(config.runPaths)] };
    this.#deps = deps;
    const r = deps.reporter;
    this.#metrics = {
      unmounted: r.counter('unmounted_total', 'Namespace files never bind-mounted within the retry budget'),
      callbackErrors: r.counter('callback_errors_total', 'Namespace callbacks that threw'),
      watchErrors: r.counter('watch_errors_total', 'Run directory watches lost and restarted by polling'),
    };
  }

  /** Starts watching; resolves once the namespaces already present are reported. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#nsfsDev = nsfsDevice();
    this.#rootKeys = rootNamespaceKeys();
    for (const dir of this.#config.runPaths) this.#openDir(dir);
  }

  /** Stops watching and forgets every namespace without reporting removals. */
  async stop(): Promise<void> {
    this.#running = false;
    for (const w of this.#watchers.values()) w.close();
    this.#watchers.clear();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const t of this.#pending.values()) clearTimeout(t);
    this.#pending.clear();
    this.#paths.clear();
    this.#namespaces.clear();
  }

  /** The namespaces known now, each with every path it is reachable through. */
  namespaces(): { ns: WatchedNamespace; paths: string[] }[] {
    return [...this.#namespaces.values()].map((t) => ({ ns: t.ns, paths: [...t.paths] }));
  }

  /** Run directories being watched and files waiting for their bind mount. */
  state(): { watched: string[]; waitingDirs: string[]; pendingFiles: string[] } {
    return {
      watched: [...this.#watchers.keys()],
      waitingDirs: this.#config.runPaths.filter((d) => !this.#watchers.has(d)),
      pendingFiles: [...this.#pending.keys()],
    };
  }

  #openDir(dir: string): void {
    if (!this.#running || this.#watchers.has(dir)) return;
    let entries: string[];
    try {
      const w = watch(dir, { persistent: false }, (_type, file) => this.#onEvent(dir, file));
      w.on('error', () => this.#lostDir(dir));
      this.#watchers.set(dir, w);
      entries = readdirSync(dir);
    } catch {
      this.#lostDir(dir);
      return;
    }
    for (const e of entries) this.#reconcile(join(dir, e), 0);
  }

  #onEvent(dir: string, file: string | null): void {
    if (!this.#running) return;
    if (file === null || file === basename(dir)) {
      this.#rescan(dir);
      return;
    }
    this.#reconcile(join(dir, file), 0);
  }

  #rescan(dir: string): void {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      this.#lostDir(dir);
      return;
    }
    for (const p of this.#paths.keys()) if (p.startsWith(`${dir}/`)) this.#reconcile(p, 0);
    for (const e of entries) this.#reconcile(join(dir, e), 0);
  }

  /** The directory vanished or its watch failed: drop its namespaces and poll until it is back. */
  #lostDir(dir: string): void {
    const w = this.#watchers.get(dir);
    if (w !== undefined) {
      this.#metrics.watchErrors.inc();
      w.close();
      this.#watchers.delete(dir);
    }
    for (const p of [...this.#paths.keys()]) if (p.startsWith(`${dir}/`)) this.#forget(p);
    this.#after(this.#config.dirPollMs, () => this.#openDir(dir));
  }

  /** Brings one path in line with the file system; `attempt` counts mount checks already made. */
  #reconcile(path: string, attempt: number): void {
    if (!this.#running || this.#config.excludePaths.includes(path)) return;
    const pending = this.#pending.get(path);
    if (pending !== undefined && attempt === 0) return; // a retry loop already follows this file
    const state = namespaceFileState(path, this.#nsfsDev);
    const known = this.#paths.get(path);
    if (state.kind === 'namespace' && known === state.key) return;
    if (known !== undefined) this.#forget(path);
    if (state.kind === 'namespace') {
      this.#register(path, state.key, state.dev, state.ino);
    } else if (state.kind === 'unmounted') {
      this.#retry(path, attempt + 1);
    }
  }

  #retry(path: string, attempt: number): void {
    if (attempt > this.#config.mountRetries) {
      this.#metrics.unmounted.inc();
      this.#deps.reporter.logger.warn({ path }, 'namespace file never mounted');
      return;
    }
    const c = this.#config;
    const t = setTimeout(() => {
      this.#pending.delete(path);
      this.#reconcile(path, attempt);
    }, retryDelay(attempt, c.mountRetryMs, c.mountRetryMaxMs));
    t.unref();
    this.#pending.set(path, t);
  }

  #register(path: string, key: string, dev: bigint, ino: bigint): void {
    if (this.#rootKeys.has(key)) return;
    this.#paths.set(path, key);
    const tracked = this.#namespaces.get(key);
    if (tracked !== undefined) {
      tracked.paths.add(path);
      return;
    }
    const ns: WatchedNamespace = { key, path, name: basename(path), dev, ino };
    this.#namespaces.set(key, { ns, paths: new Set([path]) });
    this.#call(() => this.#deps.onAdded(ns), ns);
  }

  #forget(path: string): void {
    const key = this.#paths.get(path);
    if (key === undefined) return;
    this.#paths.delete(path);
    const tracked = this.#namespaces.get(key);
    if (tracked === undefined) return;
    tracked.paths.delete(path);
    if (tracked.paths.size > 0) return;
    this.#namespaces.delete(key);
    this.#call(() => this.#deps.onRemoved(tracked.ns), tracked.ns);
  }

  #call(fn: () => void, ns: WatchedNamespace): void {
    try {
      fn();
    } catch (err) {
      this.#metrics.callbackErrors.inc();
      this.#deps.reporter.logger.error({ err, path: ns.path, key: ns.key }, 'namespace callback failed');
    }
  }

  #after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.#timers.add(t);
  }
}
