// An sFlow collector for one capture: a UDP socket (on a given port, or the first free one of a range) whose
// datagrams are decoded by @topoflow/flow's SflowDecoder: sampled frames go to a PacketSink, counter samples to
// a callback. Malformed datagrams are counted and skipped; nothing a datagram holds can stop the source.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { type Clock, type ComponentReporter, RateLimitedLog, parseSize } from '@topoflow/common';
import { type CaptureSource, type PacketSink, type SflowCounterSample, SflowDecoder, type SourceStats } from '@topoflow/flow';
import { agentError, AgentErrors } from '../../errors.js';

/** Where to listen. */
export interface SflowSourceConfig {
  /** Local address to bind (0.0.0.0 or :: for every address). */
  address: string;
  /** UDP port; 0 takes the first free port of portMin..portMax. */
  port: number;
  portMin: number;
  portMax: number;
  /** Kernel receive buffer of the socket. */
  receiveBuffer: string;
}

/** Defaults: loopback, a port from Skydive's sFlow range 6345..6355. */
export function defaultSflowSourceConfig(): SflowSourceConfig {
  return { address: '127.0.0.1', port: 0, portMin: 6345, portMax: 6355, receiveBuffer: '4MiB' };
}

/** What the source needs. */
export interface SflowSourceDeps {
  sink: PacketSink;
  reporter: ComponentReporter;
  /** The counter samples of each datagram that has some (the array is reused: valid during the call only). */
  onCounters?: (samples: SflowCounterSample[]) => void;
  clock?: Clock;
}

type Counter = ReturnType<ComponentReporter['counter']>;

/** A UDP socket decoding sFlow v5 into a PacketSink. */
export class SflowSource implements CaptureSource {
  readonly #config: SflowSourceConfig;
  readonly #deps: SflowSourceDeps;
  readonly #decoder: SflowDecoder;
  readonly #metrics: { datagrams: Counter; dropped: Counter };
  #socket: Socket | null = null;
  #port = 0;
  #sinkErrors = 0;
  #pending: SflowCounterSample[] = [];
  readonly #sinkLog: RateLimitedLog;

  constructor(config: SflowSourceConfig, deps: SflowSourceDeps) {
    const { port, portMin, portMax } = config;
    if (![port, portMin, portMax].every((p) => Number.isInteger(p) && p >= 0 && p <= 65535) || (port === 0 && (portMin < 1 || portMax < portMin))) {
      throw agentError(AgentErrors.CAPTURE_CONFIG_INVALID, `invalid sFlow port ${port} or range ${portMin}..${portMax}`, { port, portMin, portMax });
    }
    this.#config = config;
    this.#deps = deps;
    this.#sinkLog = new RateLimitedLog(deps.reporter.logger, 10_000);
    this.#decoder = new SflowDecoder({ sink: deps.sink, clock: deps.clock, onCounters: (s) => this.#pending.push(s) });
    this.#metrics = {
      datagrams: deps.reporter.counter('sflow_datagrams_total', 'sFlow datagrams received'),
      dropped: deps.reporter.counter('sflow_datagrams_dropped_total', 'sFlow datagrams skipped because they were malformed'),
    };
  }

  /** "udp ADDRESS:PORT" once bound. */
  get description(): string {
    return `udp ${this.target}`;
  }

  /** The bound address as "ADDRESS:PORT" (what an sFlow agent sends to). */
  get target(): string {
    return isIPv6(this.#config.address) ? `[${this.#config.address}]:${this.#port}` : `${this.#config.address}:${this.#port}`;
  }

  /** The bound port (0 before start). */
  get port(): number {
    return this.#port;
  }

  /** Binds the socket; throws AGENT_CAPTURE_PORT_UNAVAILABLE or AGENT_CAPTURE_SOCKET_FAILED. */
  async start(): Promise<void> {
    if (this.#socket !== null) return;
    const { port, portMin, portMax } = this.#config;
    const candidates = port !== 0 ? [port] : Array.from({ length: portMax - portMin + 1 }, (_, i) => portMin + i);
    for (const p of candidates) {
      const socket = await this.#bind(p, port === 0);
      if (socket === null) continue;
      this.#socket = socket;
      this.#port = p;
      socket.on('message', (msg) => this.#onDatagram(msg));
      socket.on('error', (err) => this.#deps.reporter.logger.warn({ err, source: this.description }, 'sflow socket error'));
      this.#deps.reporter.logger.info({ source: this.description }, 'sflow collector listening');
      return;
    }
    throw agentError(AgentErrors.CAPTURE_PORT_UNAVAILABLE, `no free sFlow port in ${portMin}..${portMax} on ${this.#config.address}`, { address: this.#config.address, portMin, portMax });
  }

  /** Closes the socket; idempotent. */
  async stop(): Promise<void> {
    const socket = this.#socket;
    if (socket === null) return;
    this.#socket = null;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  /** Frames fed to the sink, datagrams skipped as malformed (plus frames a failing sink lost); no interface drops. */
  stats(): SourceStats {
    const s = this.#decoder.stats();
    return { PacketsReceived: s.packets - this.#sinkErrors, PacketsDropped: s.malformed + this.#sinkErrors, PacketsIfDropped: 0 };
  }

  /** The decoder's counters. */
  decoderStats(): ReturnType<SflowDecoder['stats']> {
    return this.#decoder.stats();
  }

  /** A bound socket, or null when the port is taken and `tryNext`; throws on other bind failures. */
  async #bind(port: number, tryNext: boolean): Promise<Socket | null> {
    const socket = createSocket({ type: isIPv6(this.#config.address) ? 'udp6' : 'udp4', recvBufferSize: parseSize(this.#config.receiveBuffer) });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind({ address: this.#config.address, port, exclusive: true }, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      return socket;
    } catch (err) {
      socket.close();
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        if (tryNext) return null;
        throw agentError(AgentErrors.CAPTURE_PORT_UNAVAILABLE, `sFlow port ${port} is taken on ${this.#config.address}`, { address: this.#config.address, port }, err);
      }
      throw agentError(AgentErrors.CAPTURE_SOCKET_FAILED, `cannot listen for sFlow on ${this.#config.address}:${port}: ${(err as Error).message}`, { address: this.#config.address, port }, err);
    }
  }

  #onDatagram(msg: Buffer): void {
    this.#metrics.datagrams.inc();
    this.#pending.length = 0;
    try {
      if (!this.#decoder.decode(msg)) this.#metrics.dropped.inc();
    } catch (err) {
      // only a failing sink can throw here: the rest of that datagram is lost
      this.#sinkErrors++;
      this.#sinkLog.warn({ err, source: this.description, failures: this.#sinkErrors }, 'packet sink failed');
    }
    if (this.#pending.length === 0 || this.#deps.onCounters === undefined) return;
    try {
      this.#deps.onCounters(this.#pending);
    } catch (err) {
      this.#deps.reporter.logger.error({ err, source: this.description }, 'sflow counter handler failed');
    }
  }
}
