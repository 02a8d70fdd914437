// The analyzer's etcd: starts the embedded etcd (restarting it if it dies) or uses external endpoints, holds the
// etcd3 client, probes etcd every second (up gauge, health) and turns a request etcd could not answer into a counted
// 503 (one it refused into a 413 or 500).
import { AppError, type Component, type ComponentReporter, isAppError } from '@topoflow/common';
import { isBrokenCircuitError, noop } from 'cockatiel';
import { ClientClosedError, Etcd3, GRPCCancelledError, GRPCDeadlineExceededError, GRPCUnavailableError } from 'etcd3';
import { AnalyzerErrors } from '../errors.js';
import type { ResolvedEtcdConfig } from './config.js';
import { EmbeddedEtcd } from './embedded.js';

/** What the etcd service needs. */
export interface EtcdServiceDeps {
  reporter: ComponentReporter;
  /** Environment of the embedded etcd (its PATH finds the binary). */
  env: Record<string, string | undefined>;
}

const PROBE_INTERVAL_MS = 1000;
const RESTART_MIN_MS = 1000;
const RESTART_MAX_MS = 30_000;

/** etcd for the analyzer. */
export class EtcdService implements Component {
  readonly config: ResolvedEtcdConfig;
  readonly #deps: EtcdServiceDeps;
  readonly #embedded: EmbeddedEtcd | undefined;
  #client: Etcd3 | undefined;
  #up = false;
  #lastError: string | undefined;
  #lastTick = 0;
  #probeTimer: NodeJS.Timeout | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #restartDelay = RESTART_MIN_MS;
  #running = false;
  readonly #m;

  constructor(config: ResolvedEtcdConfig, deps: EtcdServiceDeps) {
    this.config = config;
    this.#deps = deps;
    const r = deps.reporter;
    this.#embedded = config.embedded === undefined ? undefined : new EmbeddedEtcd(config.embedded, {
      logger: r.logger, env: deps.env, onUnexpectedExit: () => this.#onEmbeddedExit(),
    });
    this.#m = {
      up: r.gauge('up', '1 when etcd answered the last probe, 0 otherwise'),
      requestErrors: r.counter('request_errors_total', 'etcd requests that failed, by operation', ['op']),
      restarts: r.counter('embedded_restarts_total', 'Restarts of the embedded etcd after it exited unexpectedly'),
    };
    r.health('probe', () => {
      if (!this.#running) return { ok: true, detail: config.enabled ? 'not started' : 'disabled' };
      const age = Date.now() - this.#lastTick;
      if (age > 3 * PROBE_INTERVAL_MS + config.requestTimeoutMs) return { ok: false, detail: `last etcd probe ${age}ms ago` };
      return { ok: true, ...(this.#up ? {} : { detail: `etcd unreachable: ${this.#lastError ?? 'unknown'}` }) };
    });
  }

  /** False when the configuration turned etcd off. */
  get enabled(): boolean {
    return this.config.enabled;
  }

  /** True when etcd answered the last probe. */
  get up(): boolean {
    return this.#up;
  }

  /** The embedded etcd, when the analyzer runs one. */
  get embedded(): EmbeddedEtcd | undefined {
    return this.#embedded;
  }

  /** The etcd3 client (once started); prefer request(), which counts failures and maps them to 503. */
  get client(): Etcd3 | undefined {
    return this.#client;
  }

  /** Starts the embedded etcd (waiting for it) and the client; an unreachable external etcd does not fail start. */
  async start(): Promise<void> {
    if (!this.config.enabled || this.#running) return;
    if (this.#embedded !== undefined) await this.#embedded.start();
    const timeout = this.config.requestTimeoutMs;
    this.#client = new Etcd3({
      hosts: this.config.endpoints,
      dialTimeout: timeout,
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
      // Failures are answered at once (503) and retried by their callers; no circuit breaker delays recovery.
      faultHandling: { host: () => noop, global: noop },
      grpcOptions: {
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 1000,
        'grpc.keepalive_time_ms': 10_000,
        'grpc.keepalive_timeout_ms': 5000,
      },
    });
    this.#running = true;
    await this.#probe();
  }

  /** Closes the client and stops the embedded etcd by its PID. Idempotent. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#probeTimer);
    clearTimeout(this.#restartTimer);
    this.#probeTimer = undefined;
    this.#restartTimer = undefined;
    this.#client?.close();
    this.#client = undefined;
    this.#setUp(false, 'stopped');
    await this.#embedded?.stop();
  }

  /**
   * Runs one etcd request; a failure is counted. A connection failure or missed deadline marks etcd down and becomes
   * ANALYZER_ETCD_UNAVAILABLE (503); etcd refusing the request itself becomes ANALYZER_ETCD_REQUEST_TOO_LARGE (413)
   * or ANALYZER_ETCD_REQUEST_FAILED (500), etcd staying up.
   */
  async request<T>(op: string, fn: (client: Etcd3) => Promise<T>): Promise<T> {
    const client = this.#client;
    if (client === undefined) throw unavailable(op, this.config.enabled ? 'etcd is not started' : 'etcd is disabled (etcd.enabled: false)');
    try {
      return await fn(client);
    } catch (err) {
      if (isAppError(err)) throw err;
      this.#m.requestErrors.inc({ op });
      const message = err instanceof Error ? err.message : String(err);
      if (!isConnectionFailure(err)) throw refused(op, message, err);
      this.#setUp(false, message);
      throw unavailable(op, message, err);
    }
  }

  async #probe(): Promise<void> {
    const client = this.#client;
    if (client === undefined || !this.#running) return;
    try {
      await client.maintenance.status();
      this.#setUp(true, undefined);
    } catch (err) {
      this.#setUp(false, (err as Error).message);
    }
    this.#lastTick = Date.now();
    if (this.#running) {
      this.#probeTimer = setTimeout(() => void this.#probe(), PROBE_INTERVAL_MS);
      this.#probeTimer.unref();
    }
  }

  #setUp(up: boolean, error: string | undefined): void {
    const log = this.#deps.reporter.logger;
    if (up && !this.#up) log.info({ endpoints: this.config.endpoints }, 'etcd reachable');
    if (!up && this.#up && this.#running) log.warn({ endpoints: this.config.endpoints, error }, 'etcd unreachable');
    this.#up = up;
    this.#lastError = error;
    this.#m.up.set(up ? 1 : 0);
  }

  #onEmbeddedExit(): void {
    this.#setUp(false, 'embedded etcd exited');
    if (!this.#running || this.#restartTimer !== undefined) return;
    const delay = this.#restartDelay;
    this.#restartDelay = Math.min(delay * 2, RESTART_MAX_MS);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (!this.#running || this.#embedded === undefined) return;
      this.#m.restarts.inc();
      this.#embedded.start().then(() => {
        this.#restartDelay = RESTART_MIN_MS;
      }, (err: unknown) => {
        this.#deps.reporter.logger.error({ err }, 'embedded etcd restart failed');
        this.#onEmbeddedExit();
      });
    }, delay);
    this.#restartTimer.unref();
  }
}

/** True for failures that say nothing about the request but that etcd could not be reached or did not answer in time. */
function isConnectionFailure(err: unknown): boolean {
  return err instanceof GRPCUnavailableError || err instanceof GRPCDeadlineExceededError || err instanceof GRPCCancelledError
    || err instanceof ClientClosedError || (err instanceof Error && isBrokenCircuitError(err));
}

/** etcd answered but refused the request: too large (its --max-request-bytes, gRPC's message limit) or otherwise. */
function refused(op: string, message: string, cause: unknown): AppError {
  if (/too large|larger than max/i.test(message)) {
    return new AppError(AnalyzerErrors.ETCD_REQUEST_TOO_LARGE, `etcd refused the ${op} request as too large: ${message}`,
      { statusCode: 413, details: { op }, cause });
  }
  return new AppError(AnalyzerErrors.ETCD_REQUEST_FAILED, `etcd refused the ${op} request: ${message}`, { statusCode: 500, details: { op }, cause });
}

function unavailable(op: string, reason: string, cause?: unknown): AppError {
  return new AppError(AnalyzerErrors.ETCD_UNAVAILABLE,
    `etcd is unreachable (${reason}): captures cannot be read or changed until it is back; running captures keep running`,
    { statusCode: 503, details: { op }, ...(cause !== undefined ? { cause } : {}) });
}
