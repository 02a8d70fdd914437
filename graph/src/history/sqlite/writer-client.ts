// The main-thread end of one history writer thread: starts it, sends requests and matches their replies, and
// fails every pending request cleanly when the thread dies. It keeps the process alive only while it waits.
import { Worker } from 'node:worker_threads';
import type { AppError } from '@topoflow/common';
import { GraphErrors, graphError } from '../../errors.js';
import type { SqliteCounts } from './sqlite-writer.js';
import { READY_ID, type WireError, type WriterReply, type WriterRequest, type WriterStart } from './writer-protocol.js';

const WORKER_URL = new URL('./writer-worker.js', import.meta.url);
/** How long a closing thread may take to finish its last request before it is terminated. */
const CLOSE_TIMEOUT_MS = 10_000;

type Request = WriterRequest extends infer R ? R extends { id: number } ? Omit<R, 'id'> : never : never;

interface Pending {
  resolve(value: unknown): void;
  reject(err: AppError): void;
}

/** Why a thread ended without being closed. */
export interface WriterExit {
  readonly code: number;
  readonly error?: Error;
}

/** One writer thread. */
export class WriterClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = READY_ID + 1;
  #exited = false;
  #closing = false;
  #error: Error | undefined;
  /** Row counts as of the last reply. */
  counts: SqliteCounts = { node: 0, edge: 0, elements: 0 };
  /** The first row seq the file has never used, as of the last reply. */
  nextSeq = 1;

  private constructor(config: WriterStart, onExit: (exit: WriterExit) => void) {
    this.#worker = new Worker(WORKER_URL, { workerData: config });
    this.#worker.on('message', (r: WriterReply) => this.#onReply(r));
    this.#worker.on('error', (err) => {
      this.#error = err;
    });
    this.#worker.on('exit', (code) => {
      this.#exited = true;
      const reason = this.#error?.message ?? `exit code ${code}`;
      this.#failAll(graphError(GraphErrors.HISTORY_WRITE_FAILED, `the history writer thread stopped: ${reason}`, { reason, exitCode: code }));
      if (!this.#closing) onExit({ code, ...(this.#error ? { error: this.#error } : {}) });
    });
  }

  /** Starts a thread; resolves once it has opened the store (GRAPH_HISTORY_UNAVAILABLE, the thread gone, when it cannot). */
  static async start(config: WriterStart, onExit: (exit: WriterExit) => void): Promise<WriterClient> {
    let opened = false;
    const client = new WriterClient(config, (exit) => {
      if (opened) onExit(exit);
    });
    try {
      await client.#wait(READY_ID);
    } catch (err) {
      const reason = (err as Error).message;
      throw graphError(GraphErrors.HISTORY_UNAVAILABLE, `opening the SQLite history store at ${config.path} failed: ${reason}`, { reason }, err);
    }
    opened = true;
    return client;
  }

  /** The thread, for tests that stop it the hard way. */
  get worker(): Worker {
    return this.#worker;
  }

  /** False once the thread has ended. */
  get alive(): boolean {
    return !this.#exited;
  }

  /** Sends a request (moving the `transfer` buffers); resolves with its value once the thread has done it. */
  request(req: Request, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.#exited || this.#closing) {
      return Promise.reject(graphError(GraphErrors.HISTORY_WRITE_FAILED, 'the history writer thread is not running'));
    }
    const id = this.#nextId++;
    const done = this.#wait(id);
    this.#worker.postMessage({ ...req, id }, transfer);
    return done;
  }

  /** Asks the thread to close the store and end; terminates it if it does not within a bound. */
  async close(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    if (!this.#closing) {
      const last = this.request({ op: 'close' }).catch(() => undefined);
      this.#closing = true;
      void last;
    }
    const timer = setTimeout(() => void this.#worker.terminate(), CLOSE_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  #wait(id: number): Promise<unknown> {
    if (this.#pending.size === 0) this.#worker.ref();
    return new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }));
  }

  #onReply(r: WriterReply): void {
    const p = this.#pending.get(r.id);
    if (r.counts !== undefined) this.counts = r.counts;
    if (r.ok) this.nextSeq = r.nextSeq;
    if (p === undefined) return;
    this.#settled(r.id);
    if (r.ok) p.resolve(r.value);
    else p.reject(fromWire(r.error));
  }

  #settled(id: number): void {
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker.unref();
  }

  #failAll(err: AppError): void {
    const all = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of all) p.reject(err);
  }
}

function fromWire(e: WireError): AppError {
  const code = (e.code ?? GraphErrors.HISTORY_WRITE_FAILED) as (typeof GraphErrors)[keyof typeof GraphErrors];
  return graphError(code, e.message, e.details ?? { reason: e.message });
}
