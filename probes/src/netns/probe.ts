// The netns probe: one `netns` node per network namespace found under the run directories, owned by the
// host node, removed with everything it owns when the namespace goes (Skydive's netns probe, §1).
import { AppError, type Clock, type ComponentReporter, systemClock } from '@topoflow/common';
import type { Graph } from '@topoflow/graph';
import { netnsNodeId } from '../topology/ids.js';
import { OWNERSHIP, setOwner } from '../topology/links.js';
import type { TopologyProbe } from '../topology/probe.js';
import { NetnsErrors } from './errors.js';
import { NetnsWatcher, type NetnsWatcherConfig, type WatchedNamespace, defaultNetnsWatcherConfig } from './watcher.js';

/** Netns probe settings (those of its watcher). */
export type NetnsProbeConfig = NetnsWatcherConfig;

/** Defaults of the netns probe. */
export function defaultNetnsProbeConfig(): NetnsProbeConfig {
  return defaultNetnsWatcherConfig();
}

/** A namespace handed to the hook: where to enter it and the node that roots its interfaces. */
export interface NamespaceHandle {
  key: string;
  path: string;
  name: string;
  nodeId: string;
}

/** Called after a namespace's node is made and before it is removed (the netlink probe starts/stops there). */
export type NamespaceHook = (change: 'added' | 'removed', ns: NamespaceHandle) => void;

/** What the netns probe needs. */
export interface NetnsProbeDeps {
  graph: Graph;
  hostId: string;
  /** The host node, which must exist when the probe starts. */
  hostNodeId: string;
  reporter: ComponentReporter;
  clock?: Clock;
  onNamespace?: NamespaceHook;
}

interface Entry {
  handle: NamespaceHandle;
  since: number;
}

/** Keeps one netns node per network namespace in the agent graph. */
export class NetnsProbe implements TopologyProbe {
  readonly name = 'netns';
  readonly #config: NetnsProbeConfig;
  readonly #deps: NetnsProbeDeps;
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  readonly #metrics;
  #watcher: NetnsWatcher | undefined;

  constructor(config: NetnsProbeConfig, deps: NetnsProbeDeps) {
    if (config.runPaths.length === 0 || config.mountRetries < 0 || config.mountRetryMs <= 0 || config.dirPollMs <= 0) {
      throw new AppError(NetnsErrors.CONFIG_INVALID, 'netns probe: runPaths must not be empty and delays must be positive', {
        details: { runPaths: config.runPaths, mountRetries: config.mountRetries },
      });
    }
    this.#config = config;
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    const r = deps.reporter;
    this.#metrics = {
      namespaces: r.gauge('namespaces', 'Network namespaces with a netns node'),
      hookErrors: r.counter('hook_errors_total', 'Namespace hooks that threw'),
    };
  }

  /** Starts watching; resolves once the namespaces already present have their nodes. */
  async start(): Promise<void> {
    if (this.#watcher !== undefined) return;
    if (this.#deps.graph.getNode(this.#deps.hostNodeId) === undefined) {
      throw new AppError(NetnsErrors.HOST_MISSING, 'netns probe: the host node is not in the graph', {
        details: { hostNodeId: this.#deps.hostNodeId },
      });
    }
    const w = new NetnsWatcher(this.#config, {
      reporter: this.#deps.reporter,
      onAdded: (ns) => this.#added(ns),
      onRemoved: (ns) => this.#removed(ns),
    });
    this.#watcher = w;
    await w.start();
  }

  /** Stops watching. Nodes stay in the graph; a later start finds the same namespaces under the same IDs. */
  async stop(): Promise<void> {
    const w = this.#watcher;
    this.#watcher = undefined;
    if (w !== undefined) await w.stop();
    this.#entries.clear();
    this.#metrics.namespaces.set(0);
  }

  /** The namespaces with a node, for GET /api/status. */
  status(): Record<string, unknown> {
    const byKey = new Map((this.#watcher?.namespaces() ?? []).map((n) => [n.ns.key, n.paths]));
    return {
      namespaces: [...this.#entries.values()].map((e) => ({
        ...e.handle, paths: byKey.get(e.handle.key) ?? [e.handle.path], since: e.since,
      })),
      ...(this.#watcher?.state() ?? {}),
    };
  }

  /** Handles of the namespaces that have a node now (for a probe that starts later than this one). */
  namespaces(): NamespaceHandle[] {
    return [...this.#entries.values()].map((e) => e.handle);
  }

  #added(ns: WatchedNamespace): void {
    const { graph, hostId, hostNodeId } = this.#deps;
    const nodeId = netnsNodeId(hostId, ns.key);
    const metadata = { Name: ns.name, Type: 'netns', Path: ns.path, Inode: Number(ns.ino), Device: Number(ns.dev) };
    if (graph.getNode(nodeId) === undefined) graph.addNode({ ID: nodeId, Metadata: metadata });
    else graph.updateNode(nodeId, { set: metadata });
    setOwner(graph, hostNodeId, nodeId);
    const handle: NamespaceHandle = { key: ns.key, path: ns.path, name: ns.name, nodeId };
    this.#entries.set(ns.key, { handle, since: this.#clock.now() });
    this.#metrics.namespaces.set(this.#entries.size);
    this.#deps.reporter.logger.info({ path: ns.path, key: ns.key }, 'namespace added');
    this.#hook('added', handle);
  }

  #removed(ns: WatchedNamespace): void {
    const entry = this.#entries.get(ns.key);
    if (entry === undefined) return;
    this.#hook('removed', entry.handle);
    this.#entries.delete(ns.key);
    this.#metrics.namespaces.set(this.#entries.size);
    deleteOwnedTree(this.#deps.graph, entry.handle.nodeId);
    this.#deps.reporter.logger.info({ path: ns.path, key: ns.key }, 'namespace removed');
  }

  #hook(change: 'added' | 'removed', handle: NamespaceHandle): void {
    if (this.#deps.onNamespace === undefined) return;
    try {
      this.#deps.onNamespace(change, handle);
    } catch (err) {
      this.#metrics.hookErrors.inc();
      this.#deps.reporter.logger.error({ err, change, path: handle.path }, 'namespace hook failed');
    }
  }
}

/** Deletes a node, what it owns, what those own, and so on (their other edges go with them). */
export function deleteOwnedTree(graph: Graph, rootId: string): void {
  const order: string[] = [];
  const seen = new Set<string>([rootId]);
  const stack = [rootId];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    order.push(id);
    for (const e of graph.outEdges(id)) {
      if (e.Metadata.RelationType === OWNERSHIP && !seen.has(e.Child)) {
        seen.add(e.Child);
        stack.push(e.Child);
      }
    }
  }
  for (const id of order.reverse()) if (graph.getNode(id) !== undefined) graph.deleteNode(id);
}
