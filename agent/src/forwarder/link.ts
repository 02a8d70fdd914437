// One live connection to an analyzer: the Sync sent on open, then graph events batched into WebSocket
// messages (on batchSize or after flushInterval), behind a bounded queue that reports overflow to its owner.
import type { GraphEvent, MemoryGraph } from '@topoflow/graph';
import type { WebSocket } from 'ws';
import { type AgentMessage, encodeBatch, eventMessage, syncMessage } from './framing.js';

/** Limits of a link. */
export interface LinkLimits {
  batchSize: number;
  flushIntervalMs: number;
  queueSize: number;
  writeBufferSize: number;
}

/** What a link reports to the forwarder. */
export interface LinkHooks {
  onBatch(events: number, bytes: number): void;
  /** The queue overflowed with `dropped` events waiting; the owner drops the connection. */
  onOverflow(dropped: number): void;
}

/** The forwarding state of one open connection. */
export class Link {
  readonly #socket: WebSocket;
  readonly #limits: LinkLimits;
  readonly #hooks: LinkHooks;
  #pending: AgentMessage[] = [];
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;
  #closed = false;

  constructor(socket: WebSocket, limits: LinkLimits, hooks: LinkHooks) {
    this.#socket = socket;
    this.#limits = limits;
    this.#hooks = hooks;
  }

  /** Events waiting to be sent. */
  get queueLength(): number {
    return this.#pending.length;
  }

  /**
   * Sends the whole graph, then forwards every later event. Both happen in the same turn of the event loop,
   * so no event falls between the snapshot and the subscription.
   */
  open(graph: MemoryGraph): number {
    this.#unsubscribe = graph.onAny((event) => this.#push(event));
    const topology = graph.toJSON();
    const text = encodeBatch([syncMessage(topology)]);
    this.#socket.send(text);
    this.#hooks.onBatch(0, Buffer.byteLength(text));
    return topology.Nodes.length + topology.Edges.length;
  }

  /** Sends what can be sent now (used before a clean close). */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed) return;
    const { batchSize, writeBufferSize } = this.#limits;
    while (this.#pending.length > 0 && this.#socket.readyState === 1 && this.#socket.bufferedAmount < writeBufferSize) {
      const batch = this.#pending.length <= batchSize ? this.#pending : this.#pending.slice(0, batchSize);
      this.#pending = batch === this.#pending ? [] : this.#pending.slice(batchSize);
      const text = encodeBatch(batch);
      this.#socket.send(text);
      this.#hooks.onBatch(batch.length, Buffer.byteLength(text));
    }
    // The socket is full: try again later; the queue limit catches an analyzer that never catches up.
    if (this.#pending.length > 0) this.#schedule();
  }

  /** Stops forwarding: unsubscribes, forgets queued events, clears the timer. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = [];
  }

  #push(event: GraphEvent): void {
    if (this.#closed) return;
    this.#pending.push(eventMessage(event));
    if (this.#pending.length > this.#limits.queueSize) {
      const dropped = this.#pending.length;
      this.close();
      this.#hooks.onOverflow(dropped);
      return;
    }
    if (this.#pending.length >= this.#limits.batchSize) this.flush();
    else this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#limits.flushIntervalMs);
  }
}
