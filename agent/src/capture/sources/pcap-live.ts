// Live capture of one interface with libpcap, inside the interface's network namespace: the main thread enters the
// namespace, opens the capture and comes back in one synchronous call (DESIGN.md §6). Frames go to a PacketSink
// with the kernel's timestamp. An interface that disappears stops the source with AGENT_CAPTURE_INTERFACE_GONE.
import { type AppError, type ComponentReporter, RateLimitedLog, parseSize, toMs } from '@topoflow/common';
import { type CaptureSource, defaultLiveCaptureOptions, LiveCapture, type PacketSink, type SourceStats } from '@topoflow/flow';
import { withNetns } from '@topoflow/probes';
import { agentError, AgentErrors } from '../../errors.js';
import { NetDevCounters } from './net-dev.js';

/** Snap length when the capture asks for none (Skydive's DefaultCaptureLength). */
export const DEFAULT_HEADER_SIZE = 256;
/** Largest snap length a capture may ask for. */
export const MAX_HEADER_SIZE = 4096;
/** At most one log line per this period for a sink that keeps failing (each failure is counted by the sink's owner). */
const SINK_ERROR_LOG_INTERVAL_MS = 10_000;
/** Errors on an interface that is still there before the source gives up (a failing handle, not a gone interface). */
const MAX_RESUMES = 3;

/** What to capture. */
export interface PcapLiveSourceConfig {
  /** Interface name. */
  interface: string;
  /** Namespace file of the interface's namespace (/var/run/netns/x, /proc/PID/ns/net); '' for the agent's own. */
  netnsPath: string;
  /** Bytes kept per frame: 0 for 256, else 14..4096 (the capture's HeaderSize). */
  headerSize: number;
  /** BPF filter applied in the kernel (tcpdump syntax), '' for none. */
  bpfFilter: string;
  promiscuous: boolean;
  /** Kernel ring size. */
  bufferSize: string;
  /** Longest time a captured frame waits in the kernel before it is handed over. */
  deliveryInterval: string;
}

/** Defaults: promiscuous, a 4 MiB ring, frames handed over within 100 ms. */
export function defaultPcapLiveSourceConfig(): PcapLiveSourceConfig {
  return { interface: '', netnsPath: '', headerSize: 0, bpfFilter: '', promiscuous: true, bufferSize: '4MiB', deliveryInterval: '100ms' };
}

/** What the source needs. */
export interface PcapLiveSourceDeps {
  sink: PacketSink;
  reporter: ComponentReporter;
  /** Called once when the source stops by itself (the interface disappeared). */
  onError?: (err: AppError) => void;
}

/** The snap length of a capture's HeaderSize; throws AGENT_CAPTURE_CONFIG_INVALID out of 0 or 14..4096. */
export function snapLength(headerSize: number): number {
  if (headerSize === 0) return DEFAULT_HEADER_SIZE;
  if (!Number.isInteger(headerSize) || headerSize < 14 || headerSize > MAX_HEADER_SIZE) {
    throw agentError(AgentErrors.CAPTURE_CONFIG_INVALID, `header size ${headerSize} is not 0 or 14..${MAX_HEADER_SIZE}`, { headerSize });
  }
  return headerSize;
}

/** A libpcap capture on an interface of any namespace. */
export class PcapLiveSource implements CaptureSource {
  readonly description: string;
  readonly #config: PcapLiveSourceConfig;
  readonly #deps: PcapLiveSourceDeps;
  readonly #snaplen: number;
  readonly #bufferSize: number;
  readonly #timeoutMs: number;
  #capture: LiveCapture | null = null;
  #netDev: NetDevCounters | null = null;
  #ifDroppedBase = 0;
  #ifDropped = 0;
  #resumes = 0;
  #error: AppError | null = null;
  #final: SourceStats | null = null;
  readonly #sinkErrors: RateLimitedLog;

  constructor(config: PcapLiveSourceConfig, deps: PcapLiveSourceDeps) {
    if (config.interface === '') throw agentError(AgentErrors.CAPTURE_CONFIG_INVALID, 'no interface to capture on');
    this.#config = config;
    this.#deps = deps;
    this.#snaplen = snapLength(config.headerSize);
    this.#bufferSize = parseSize(config.bufferSize);
    this.#timeoutMs = Math.max(1, toMs(config.deliveryInterval));
    this.#sinkErrors = new RateLimitedLog(deps.reporter.logger, SINK_ERROR_LOG_INTERVAL_MS);
    this.description = `${config.interface} in ${config.netnsPath === '' ? 'the root namespace' : config.netnsPath}`;
  }

  /** The error that stopped the source by itself, if any. */
  get error(): AppError | null {
    return this.#error;
  }

  /** The link type of the frames (a LinkType value); 0 before start. */
  get linkType(): number {
    return this.#capture?.linkType ?? 0;
  }

  /** Opens the capture; throws FLOW_BPF_INVALID, FLOW_CAPTURE_INTERFACE_NOT_FOUND, FLOW_CAPTURE_OPEN_FAILED, PROBES_NETNS_*. */
  async start(): Promise<void> {
    if (this.#capture !== null) return;
    const { capture, netDev } = this.#inNamespace(() => this.#open());
    this.#capture = capture;
    this.#netDev = netDev;
    this.#final = null;
    this.#error = null;
    this.#ifDroppedBase = netDev.rxDropped(this.#config.interface) ?? 0;
    capture.start({
      sink: this.#deps.sink,
      onError: (err) => this.#onCaptureError(err),
      onSinkError: (err) => this.#sinkErrors.warn({ err, source: this.description }, 'packet sink failed'),
    });
    this.#deps.reporter.logger.info({ source: this.description, snaplen: capture.snaplen, linkType: capture.linkType }, 'live capture started');
  }

  /** Closes the capture; idempotent. */
  async stop(): Promise<void> {
    this.#close();
  }

  /** Frames delivered, frames libpcap (or a failing sink) lost, and the interface's receive drops since start. */
  stats(): SourceStats {
    const c = this.#capture;
    if (c === null) return this.#final ?? { PacketsReceived: 0, PacketsDropped: 0, PacketsIfDropped: 0 };
    const now = this.#netDev?.rxDropped(this.#config.interface);
    if (now !== undefined) this.#ifDropped = Math.max(0, now - this.#ifDroppedBase);
    return { PacketsReceived: c.delivered, PacketsDropped: c.stats().dropped + c.sinkErrors, PacketsIfDropped: this.#ifDropped };
  }

  #inNamespace<T>(fn: () => T): T {
    return this.#config.netnsPath === '' ? fn() : withNetns(this.#config.netnsPath, fn);
  }

  #open(): { capture: LiveCapture; netDev: NetDevCounters } {
    const capture = LiveCapture.open({
      ...defaultLiveCaptureOptions(this.#config.interface), snaplen: this.#snaplen, filter: this.#config.bpfFilter,
      promiscuous: this.#config.promiscuous, bufferSize: this.#bufferSize, timeoutMs: this.#timeoutMs,
    });
    try {
      return { capture, netDev: NetDevCounters.open() };
    } catch (err) {
      capture.close();
      throw err;
    }
  }

  #onCaptureError(err: AppError): void {
    const log = this.#deps.reporter.logger;
    if (this.#netDev?.has(this.#config.interface) === true && this.#resumes < MAX_RESUMES) {
      this.#resumes++;
      log.warn({ err, source: this.description }, 'live capture error on a present interface, resuming');
      this.#capture?.resume();
      return;
    }
    const gone = this.#netDev?.has(this.#config.interface) !== true;
    this.#error = gone
      ? agentError(AgentErrors.CAPTURE_INTERFACE_GONE, `interface ${this.description} disappeared: capture stopped`, { interface: this.#config.interface, netnsPath: this.#config.netnsPath }, err)
      : err;
    log.error({ err: this.#error, source: this.description }, 'live capture stopped');
    this.#close();
    this.#deps.onError?.(this.#error);
  }

  #close(): void {
    if (this.#capture === null) return;
    this.#final = this.stats();
    this.#capture.close();
    this.#netDev?.close();
    this.#capture = null;
    this.#netDev = null;
  }
}
