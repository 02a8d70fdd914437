// The netlink probe: interface nodes of the root namespace (under the host node) and of every namespace the
// agent adds (under its netns node), kept live from rtnetlink dumps and events (Skydive's netlink probe, §2).
import { AppError, type Clock, type ComponentReporter, isAppError, systemClock, toMs } from '@topoflow/common';
import type { Graph } from '@topoflow/graph';
import { ROOT_NS } from '../topology/ids.js';
import type { TopologyProbe } from '../topology/probe.js';
import { NetlinkErrors } from './errors.js';
import { type EthtoolRefreshDeps, refreshEthtool } from './ethtool.js';
import { type NamespaceHandler, type NamespaceTarget, NamespaceWatch } from './namespace.js';
import { InterfaceWriter } from './writer.js';

/** Netlink probe settings. */
export interface NetlinkProbeConfig {
  /** Period of the interface metrics (`Metric`, `LastUpdateMetric`); '0s' disables them. */
  metricsInterval: string;
  /**
   * Period of the ethtool refresh (`Features`, `Speed`) of links with a `Driver`; '0s' disables it. Default
   * DEFAULT_ETHTOOL_INTERVAL. Optional, and not in the defaults yet: the defaults are the agent's config schema and
   * etc/topoflow.yml.default must list every key of it.
   */
  ethtoolInterval?: string;
  /** Longest wait for a namespace's initial dumps. */
  syncTimeout: string;
  /** SO_RCVBUF asked for each socket, in bytes (the kernel caps it at net.core.rmem_max); 0 keeps the default. */
  receiveBuffer: number;
  /** The namespace file of the agent's own (root) namespace. */
  rootPath: string;
}

/** Period of the ethtool refresh when `ethtoolInterval` is not set (Skydive's 5 s). */
export const DEFAULT_ETHTOOL_INTERVAL = '5s';

/** Defaults of the netlink probe. */
export function defaultNetlinkProbeConfig(): NetlinkProbeConfig {
  return { metricsInterval: '30s', ethtoolInterval: DEFAULT_ETHTOOL_INTERVAL, syncTimeout: '10s', receiveBuffer: 1 << 20, rootPath: '/proc/self/ns/net' };
}

/** What the netlink probe needs. */
export interface NetlinkProbeDeps {
  graph: Graph;
  hostId: string;
  /** The host node: root of the root namespace's interfaces; must exist when the probe starts. */
  hostNodeId: string;
  reporter: ComponentReporter;
  clock?: Clock;
}

/** Keeps one node per network interface of the watched namespaces. */
export class NetlinkProbe implements TopologyProbe {
  readonly name = 'netlink';
  readonly #deps: NetlinkProbeDeps;
  readonly #clock: Clock;
  readonly #metricsMs: number;
  readonly #ethtoolMs: number;
  readonly #syncMs: number;
  readonly #config: NetlinkProbeConfig;
  readonly #watches = new Map<string, NamespaceWatch>();
  readonly #writer: InterfaceWriter;
  readonly #handler: NamespaceHandler;
  readonly #metrics;
  #started = false;
  #timer: NodeJS.Timeout | undefined;
  #ethtoolTimer: NodeJS.Timeout | undefined;
  readonly #ethtool: EthtoolRefreshDeps;
  #lastDropLog = 0;
  #lastEthtoolLog = 0;

  constructor(config: NetlinkProbeConfig, deps: NetlinkProbeDeps) {
    let metricsMs: number;
    let syncMs: number;
    let ethtoolMs: number;
    try {
      metricsMs = toMs(config.metricsInterval);
      ethtoolMs = toMs(config.ethtoolInterval ?? DEFAULT_ETHTOOL_INTERVAL);
      syncMs = toMs(config.syncTimeout);
    } catch (err) {
      throw new AppError(NetlinkErrors.CONFIG_INVALID, 'netlink probe: invalid duration', { cause: err });
    }
    if (metricsMs < 0 || ethtoolMs < 0 || syncMs <= 0 || config.receiveBuffer < 0 || config.rootPath === '') {
      throw new AppError(NetlinkErrors.CONFIG_INVALID, 'netlink probe: durations must be positive and rootPath set', {
        details: { metricsInterval: config.metricsInterval, ethtoolInterval: config.ethtoolInterval, syncTimeout: config.syncTimeout },
      });
    }
    this.#config = config;
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.#metricsMs = metricsMs;
    this.#ethtoolMs = ethtoolMs;
    this.#syncMs = syncMs;
    const r = deps.reporter;
    this.#metrics = {
      namespaces: r.gauge('namespaces', 'Namespaces whose interfaces are watched'),
      interfaces: r.gauge('interfaces', 'Interfaces known in the watched namespaces'),
      messages: r.counter('messages_total', 'Netlink messages handled, by kind', ['kind']),
      dropped: r.counter('messages_dropped_total', 'Netlink messages or requests skipped, by reason', ['reason']),
      overruns: r.counter('overruns_total', 'Socket overruns (ENOBUFS): events lost, namespace re-dumped'),
      failures: r.counter('namespace_failures_total', 'Namespaces that could not be watched'),
      ethtoolErrors: r.counter('ethtool_errors_total', 'Unexpected ethtool failures (not EOPNOTSUPP/ENODEV), by errno', ['errno']),
    };
    this.#writer = new InterfaceWriter({
      graph: deps.graph, hostId: deps.hostId, namespaces: () => this.#watches.values(), unknownNsid: (ns) => this.#resolveNsids(ns),
    });
    this.#handler = this.#makeHandler();
    this.#ethtool = {
      graph: deps.graph,
      failed: (ns, link, errno) => {
        this.#metrics.ethtoolErrors.inc({ errno });
        const now = this.#clock.now();
        if (now - this.#lastEthtoolLog >= 10_000) {
          this.#lastEthtoolLog = now;
          this.#deps.reporter.logger.warn({ errno, path: ns.path, ifname: link.msg.name }, 'ethtool request failed');
        }
      },
    };
  }

  /** Watches the root namespace; resolves after its initial dump. */
  async start(): Promise<void> {
    if (this.#started) return;
    const { graph, hostNodeId } = this.#deps;
    if (graph.getNode(hostNodeId) === undefined) {
      throw new AppError(NetlinkErrors.HOST_MISSING, 'netlink probe: the host node is not in the graph', { details: { hostNodeId } });
    }
    this.#started = true;
    try {
      await this.#watch({ key: ROOT_NS, path: this.#config.rootPath, nodeId: hostNodeId });
    } catch (err) {
      await this.stop();
      throw err;
    }
    if (this.#metricsMs > 0) {
      this.#timer = setInterval(() => {
        for (const w of this.#watches.values()) w.requestMetrics();
      }, this.#metricsMs);
      this.#timer.unref();
    }
    if (this.#ethtoolMs > 0) {
      this.#ethtoolTimer = setInterval(() => {
        for (const w of this.#watches.values()) refreshEthtool(this.#ethtool, w, w.links.values());
      }, this.#ethtoolMs);
      this.#ethtoolTimer.unref();
    }
  }

  /** Closes every socket and clears the timer. Nodes stay in the graph; a later start finds them again. */
  async stop(): Promise<void> {
    this.#started = false;
    clearInterval(this.#timer);
    this.#timer = undefined;
    clearInterval(this.#ethtoolTimer);
    this.#ethtoolTimer = undefined;
    for (const w of this.#watches.values()) {
      w.stop();
      this.#writer.forget(w);
    }
    this.#watches.clear();
    this.#metrics.namespaces.set(0);
    this.#metrics.interfaces.set(0);
    return Promise.resolve();
  }

  /**
   * Watches a namespace (from the netns probe's `onNamespace('added')`): its interfaces hang from `nodeId`.
   * Resolves true once its initial dump is in the graph, false when it cannot be watched (logged and counted).
   */
  async addNamespace(ns: NamespaceTarget): Promise<boolean> {
    if (!this.#started || this.#watches.has(ns.key)) return this.#watches.has(ns.key);
    try {
      await this.#watch(ns);
      return true;
    } catch (err) {
      if (isAppError(err, NetlinkErrors.STOPPED)) return false;
      this.#metrics.failures.inc();
      this.#deps.reporter.logger.warn({ err, path: ns.path, key: ns.key }, 'cannot watch namespace');
      return false;
    }
  }

  /** Stops watching a namespace (`onNamespace('removed')`) and deletes its interface nodes. */
  removeNamespace(key: string): void {
    this.#unwatch(key, true);
  }

  /** Watched namespaces and their interface counts, for GET /api/status. */
  status(): Record<string, unknown> {
    return {
      namespaces: [...this.#watches.values()].map((w) => ({
        key: w.key, path: w.path, nodeId: w.rootNodeId, interfaces: w.links.size, nsids: Object.fromEntries(w.nsids),
      })),
    };
  }

  async #watch(target: NamespaceTarget): Promise<void> {
    const w = new NamespaceWatch(target, this.#handler, this.#config.receiveBuffer);
    this.#watches.set(target.key, w);
    this.#metrics.namespaces.set(this.#watches.size);
    try {
      await w.start(this.#syncMs);
    } catch (err) {
      if (this.#watches.get(target.key) === w) this.#unwatch(target.key, false);
      else w.stop();
      throw err;
    }
    // links seen earlier may point at this namespace through an nsid not resolved yet
    for (const other of this.#watches.values()) {
      if (other !== w && [...other.links.values()].some((l) => l.msg.linkNetnsId !== undefined && !other.nsids.has(l.msg.linkNetnsId))) {
        this.#resolveNsids(other);
      }
    }
  }

  #unwatch(key: string, deleteNodes: boolean): void {
    const w = this.#watches.get(key);
    if (w === undefined) return;
    w.stop();
    this.#watches.delete(key);
    if (deleteNodes) for (const index of [...w.links.keys()]) this.#writer.delete(w, index);
    this.#writer.forget(w);
    // its nsids may be reused for other namespaces: the links naming them are resolved again
    for (const other of this.#watches.values()) {
      const gone = other.forgetNsidsOf(key);
      if (gone.length === 0) continue;
      for (const nsid of gone) this.#writer.relinkNsid(other, nsid);
      if ([...other.links.values()].some((l) => l.msg.linkNetnsId !== undefined && gone.includes(l.msg.linkNetnsId))) this.#resolveNsids(other);
    }
    this.#metrics.namespaces.set(this.#watches.size);
    this.#countInterfaces();
  }

  /** Asks `ns` for the nsids of the watched namespaces it has none for yet (questions still pending are not repeated). */
  #resolveNsids(ns: NamespaceWatch): void {
    const known = new Set(ns.nsids.values());
    const targets = [...this.#watches.values()].filter((w) => w !== ns && !known.has(w.key))
      .map((w) => ({ key: w.key, path: w.path, nodeId: w.rootNodeId }));
    ns.resolveNsids(targets);
  }

  #countInterfaces(): void {
    let n = 0;
    for (const w of this.#watches.values()) n += w.links.size;
    this.#metrics.interfaces.set(n);
  }

  #makeHandler(): NamespaceHandler {
    const m = this.#metrics;
    return {
      link: (ns, link, deleted) => {
        m.messages.inc({ kind: 'link' });
        if (deleted) this.#writer.delete(ns, link.index);
        else {
          this.#writer.upsert(ns, link, this.#clock.now());
          // a new link gets its Features and Speed at once, not at the next refresh
          const state = ns.links.get(link.index);
          if (this.#ethtoolMs > 0 && state !== undefined && state.ethtoolRead !== true) refreshEthtool(this.#ethtool, ns, [state]);
        }
        this.#countInterfaces();
      },
      tables: (ns, indexes) => {
        m.messages.inc({ kind: 'table' });
        this.#writer.refresh(ns, indexes);
      },
      linksDumped: (ns, gen, metrics) => {
        this.#writer.sweep(ns, gen);
        if (metrics) this.#writer.metrics(ns, this.#clock.now());
        this.#countInterfaces();
      },
      nsidResolved: (ns, nsid) => this.#writer.relinkNsid(ns, nsid),
      dropped: (reason, err) => {
        m.dropped.inc({ reason });
        const now = this.#clock.now();
        if (now - this.#lastDropLog >= 10_000) {
          this.#lastDropLog = now;
          this.#deps.reporter.logger.warn({ err, reason }, 'netlink message dropped');
        }
      },
      overrun: (ns) => {
        m.overruns.inc();
        this.#deps.reporter.logger.warn({ path: ns.path }, 'netlink socket overrun, resyncing namespace');
      },
    };
  }
}
