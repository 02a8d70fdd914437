// Follows the captures in etcd: lists /capture/ once, then watches it from the next revision. A lost watch
// resumes from the last revision seen; a watch etcd cancels (its revision was compacted) lists everything again.
import type { ComponentReporter } from '@topoflow/common';
import type { IKeyValue, IWatchResponse, Watcher } from 'etcd3';
import type { Capture } from '../captures/capture.js';
import { CAPTURE_PREFIX, type CaptureDecoder } from '../captures/store.js';
import type { EtcdService } from '../etcd/etcd-service.js';

/** What the watch reports. */
export interface CaptureWatchHandlers {
  /** The complete set of captures, after a (re)list. */
  reset(captures: Capture[]): void;
  /** A capture was created (or written again). */
  put(capture: Capture): void;
  /** A capture was deleted. */
  delete(uuid: string): void;
}

/** What the watch needs. */
export interface CaptureWatchDeps {
  etcd: EtcdService;
  decode: CaptureDecoder;
  reporter: ComponentReporter;
  handlers: CaptureWatchHandlers;
  /** First delay before a failed list or a lost watch is retried (doubles up to 5s). */
  retryMs: number;
}

const MAX_RETRY_MS = 5000;
const CANCEL_WAIT_MS = 1000;

/** A list-then-watch loop over /capture/. */
export class CaptureWatch {
  readonly #deps: CaptureWatchDeps;
  readonly #m;
  #running = false;
  #watcher: Watcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  #delay: number;
  /** The revision up to which every change has been reported. */
  #revision = 0;
  #watching = false;

  constructor(deps: CaptureWatchDeps) {
    this.#deps = deps;
    this.#delay = deps.retryMs;
    const r = deps.reporter;
    this.#m = {
      watching: r.gauge('watch_up', '1 while the etcd watch on /capture/ is established'),
      lists: r.counter('watch_lists_total', 'Full listings of /capture/ (at start and after a compacted watch)'),
      resumes: r.counter('watch_resumes_total', 'Watches on /capture/ resumed from the last revision after a loss'),
      events: r.counter('watch_events_total', 'Capture changes seen on the watch, by kind', ['kind']),
    };
  }

  /** The etcd revision up to which changes were reported. */
  get revision(): number {
    return this.#revision;
  }

  /** True while the watch is established. */
  get watching(): boolean {
    return this.#watching;
  }

  /** Lists the captures (waiting for this first attempt only; failures are retried) and starts watching. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#list();
  }

  /** Cancels the watch and the retries. Idempotent. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#drop();
  }

  async #list(): Promise<void> {
    if (!this.#running) return;
    let res;
    try {
      res = await this.#deps.etcd.request('list', (c) => c.getAll().prefix(CAPTURE_PREFIX).exec());
    } catch (err) {
      this.#retry('list', err, () => this.#list());
      return;
    }
    if (!this.#running) return;
    this.#m.lists.inc();
    const captures: Capture[] = [];
    for (const kv of res.kvs) {
      const c = this.#deps.decode(kv.key.toString(), kv.value.toString());
      if (c !== undefined) captures.push(c);
    }
    this.#revision = Number(res.header.revision);
    this.#deps.handlers.reset(captures);
    this.#watch();
  }

  #watch(): void {
    const client = this.#deps.etcd.client;
    if (!this.#running) return;
    if (client === undefined) {
      this.#retry('watch', new Error('etcd is not started'), () => this.#watch());
      return;
    }
    const w = client.watch().prefix(CAPTURE_PREFIX).startRevision(String(this.#revision + 1)).watcher();
    this.#watcher = w;
    const current = () => this.#watcher === w;
    w.on('put', (kv: IKeyValue) => current() && this.#onPut(kv));
    w.on('delete', (kv: IKeyValue) => current() && this.#onDelete(kv));
    // A response without events is a progress notification: every change up to its revision was delivered.
    w.on('data', (res: IWatchResponse) => {
      if (current() && res.events.length === 0) this.#revision = Math.max(this.#revision, Number(res.header.revision));
    });
    w.on('connected', () => {
      if (!current()) return;
      this.#watching = true;
      this.#m.watching.set(1);
      this.#delay = this.#deps.retryMs;
      this.#deps.reporter.logger.info({ revision: this.#revision }, 'watching captures in etcd');
    });
    w.on('disconnected', (err: Error) => {
      if (!current()) return;
      this.#m.resumes.inc();
      this.#retry('watch', err, () => this.#watch());
    });
    // etcd cancels a watch whose start revision was compacted away: only a new listing is complete then.
    w.on('error', (err: Error) => {
      if (!current()) return;
      this.#deps.reporter.logger.warn({ err: err.message, revision: this.#revision }, 'capture watch cancelled by etcd, listing again');
      this.#retry('list', err, () => this.#list());
    });
  }

  #onPut(kv: IKeyValue): void {
    this.#revision = Math.max(this.#revision, Number(kv.mod_revision));
    this.#m.events.inc({ kind: 'put' });
    const key = kv.key.toString();
    const c = this.#deps.decode(key, kv.value.toString());
    if (c !== undefined) this.#deps.handlers.put(c);
    else this.#deps.handlers.delete(key.slice(CAPTURE_PREFIX.length));
  }

  #onDelete(kv: IKeyValue): void {
    this.#revision = Math.max(this.#revision, Number(kv.mod_revision));
    this.#m.events.inc({ kind: 'delete' });
    this.#deps.handlers.delete(kv.key.toString().slice(CAPTURE_PREFIX.length));
  }

  #retry(what: 'list' | 'watch', err: unknown, again: () => unknown): void {
    void this.#drop();
    if (!this.#running) return;
    const delay = this.#delay;
    this.#delay = Math.min(delay * 2, MAX_RETRY_MS);
    this.#deps.reporter.logger.warn({ what, err: (err as Error).message, retryInMs: delay, revision: this.#revision }, 'etcd capture watch interrupted');
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void again();
    }, delay);
    this.#timer.unref();
  }

  async #drop(): Promise<void> {
    const w = this.#watcher;
    this.#watcher = undefined;
    this.#watching = false;
    this.#m.watching.set(0);
    if (w === undefined) return;
    // Cancelling waits for etcd's answer; an etcd that does not answer must not hold up a stop.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([w.cancel().catch(() => undefined), new Promise<void>((r) => {
      timer = setTimeout(r, CANCEL_WAIT_MS);
    })]);
    clearTimeout(timer);
  }
}
