// Ordered, non-reentrant delivery of graph events: an event raised while listeners run is queued and
// delivered after the current one, so every listener sees events in mutation order.
import type { GraphEvent, GraphEventOf, GraphEventType, GraphListener } from '../events.js';

/** Counters of delivery problems, exported by the owner as metrics. */
export interface EmitterStats {
  listenerErrors: number;
  dropped: number;
}

/** Delivers events to listeners. */
export class GraphEmitter {
  readonly stats: EmitterStats = { listenerErrors: 0, dropped: 0 };
  readonly #any: GraphListener[] = [];
  readonly #queue: GraphEvent[] = [];
  readonly #maxQueue: number;
  readonly #onError: ((err: unknown, event: GraphEvent) => void) | undefined;
  #dispatching = false;

  constructor(maxQueue: number, onError?: (err: unknown, event: GraphEvent) => void) {
    this.#maxQueue = maxQueue;
    this.#onError = onError;
  }

  /** Listens to every event; returns the function that stops listening. */
  onAny(listener: GraphListener): () => void {
    this.#any.push(listener);
    return () => {
      const i = this.#any.indexOf(listener);
      if (i >= 0) this.#any.splice(i, 1);
    };
  }

  /** Listens to one event type. */
  on<T extends GraphEventType>(type: T, listener: (event: GraphEventOf<T>) => void): () => void {
    return this.onAny((e) => {
      if (e.type === type) listener(e as GraphEventOf<T>);
    });
  }

  /** Number of listeners. */
  get listenerCount(): number {
    return this.#any.length;
  }

  emit(event: GraphEvent): void {
    if (this.#any.length === 0) return;
    if (this.#dispatching) {
      if (this.#queue.length >= this.#maxQueue) {
        this.stats.dropped++;
        this.#onError?.(new Error('graph event queue full'), event);
        return;
      }
      this.#queue.push(event);
      return;
    }
    this.#dispatching = true;
    try {
      this.#deliver(event);
      for (let i = 0; i < this.#queue.length; i++) this.#deliver(this.#queue[i] as GraphEvent);
    } finally {
      this.#queue.length = 0;
      this.#dispatching = false;
    }
  }

  #deliver(event: GraphEvent): void {
    const listeners = this.#any.length === 1 ? this.#any : this.#any.slice();
    for (const l of listeners) {
      try {
        l(event);
      } catch (err) {
        this.stats.listenerErrors++;
        this.#onError?.(err, event);
      }
    }
  }
}
