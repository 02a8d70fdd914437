// The start-up capture (analyzer.startup.captureGremlin, captureBPF, captureType): created when the analyzer starts
// unless a capture with the same Gremlin expression exists; retried in the background while etcd is unreachable.
import { randomUUID } from 'node:crypto';
import { AppError, type Component, type ComponentReporter, isAppError } from '@topoflow/common';
import type { QueryEngine } from '@topoflow/gremlin';
import { AnalyzerErrors } from '../errors.js';
import type { Capture } from './capture.js';
import type { CaptureStore } from './store.js';
import { validateCapture } from './validate.js';

/** The start-up capture settings. */
export interface StartupCaptureConfig {
  gremlin: string;
  bpf: string;
  type: string;
  /** First delay between attempts while etcd is unreachable (doubles up to 30s). */
  retryMs: number;
}

/** What the start-up capture needs. */
export interface StartupCaptureDeps {
  store: CaptureStore | undefined;
  engine: Pick<QueryEngine, 'parse'>;
  reporter: ComponentReporter;
}

const MAX_RETRY_MS = 30_000;

/** Creates the configured capture once. */
export class StartupCapture implements Component {
  readonly #capture: Capture | undefined;
  readonly #deps: StartupCaptureDeps;
  readonly #retryMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  /** Throws ANALYZER_CONFIG_INVALID when the configured capture is not valid. */
  constructor(config: StartupCaptureConfig, deps: StartupCaptureDeps) {
    this.#deps = deps;
    this.#retryMs = config.retryMs;
    if (config.gremlin === '') return;
    try {
      this.#capture = validateCapture({ GremlinQuery: config.gremlin, BPFFilter: config.bpf, Type: config.type }, randomUUID(), deps.engine);
    } catch (err) {
      throw new AppError(AnalyzerErrors.CONFIG_INVALID, `analyzer.startup: ${(err as Error).message}`, { statusCode: 500, cause: err });
    }
  }

  /** Creates the capture (waiting for this first attempt only). */
  async start(): Promise<void> {
    if (this.#capture === undefined || this.#running) return;
    if (this.#deps.store === undefined) {
      this.#deps.reporter.logger.warn('analyzer.startup.captureGremlin is set but etcd is disabled: no start-up capture');
      return;
    }
    this.#running = true;
    await this.#attempt(this.#deps.store, this.#capture, this.#retryMs);
  }

  /** Stops retrying. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #attempt(store: CaptureStore, capture: Capture, delay: number): Promise<void> {
    const log = this.#deps.reporter.logger;
    try {
      const existing = (await store.list()).find((c) => c.GremlinQuery === capture.GremlinQuery);
      if (existing !== undefined) {
        log.info({ id: existing.UUID, gremlin: capture.GremlinQuery }, 'start-up capture already exists');
        return;
      }
      await store.put(capture);
      log.info({ id: capture.UUID, gremlin: capture.GremlinQuery }, 'start-up capture created');
    } catch (err) {
      if (!this.#running || !isAppError(err, AnalyzerErrors.ETCD_UNAVAILABLE)) {
        if (this.#running) log.error({ err }, 'start-up capture could not be created');
        return;
      }
      log.warn({ retryInMs: delay }, 'start-up capture waits for etcd');
      this.#timer = setTimeout(() => void this.#attempt(store, capture, Math.min(delay * 2, MAX_RETRY_MS)), delay);
      this.#timer.unref();
    }
  }
}
