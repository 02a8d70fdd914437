// Runs one connection's message handlers in arrival order, and pauses reading from the socket while too
// many wait, so a fast writer cannot make the analyzer buffer without bound.
import type { WebSocket } from 'ws';

/** An ordered task queue with back-pressure on the socket it serves. */
export class SerialQueue {
  readonly #socket: WebSocket;
  readonly #max: number;
  readonly #onError: (err: unknown) => void;
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;
  #paused = false;

  constructor(socket: WebSocket, maxPending: number, onError: (err: unknown) => void) {
    this.#socket = socket;
    this.#max = maxPending;
    this.#onError = onError;
  }

  /** Tasks queued or running. */
  get pending(): number {
    return this.#pending;
  }

  /** Queues a task; it runs after every task queued before it. */
  push(task: () => Promise<void> | void): void {
    this.#pending++;
    if (this.#pending > this.#max && !this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
    this.#tail = this.#tail
      .then(task)
      .catch(this.#onError)
      .finally(() => {
        this.#pending--;
        if (this.#paused && this.#pending <= this.#max / 2) {
          this.#paused = false;
          this.#socket.resume();
        }
      });
  }

  /** Resolves when every queued task has run. */
  idle(): Promise<void> {
    return this.#tail;
  }
}
