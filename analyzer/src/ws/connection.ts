// One accepted WebSocket: a bounded send queue in front of the socket (a client that cannot keep up is
// disconnected, never silently skipped), keep-alive bookkeeping, and the status Skydive's /api/status shows.
import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import { textFrames } from './frames.js';
import type { Handshake } from './handshake.js';

/** The WebSocket endpoints of the analyzer. */
export type Endpoint = 'subscriber' | 'publisher' | 'agent' | 'flow';

/** Why a connection ended (a metric label). */
export type CloseCause = 'client' | 'slow' | 'pong_timeout' | 'shutdown' | 'error';

/** Limits of one connection. */
export interface ConnectionLimits {
  /** Messages waiting in the queue before the client is considered too slow. */
  queueSize: number;
  /** Bytes the socket may hold unsent before messages wait in the queue. */
  writeBufferSize: number;
  /** Time the close handshake may take before the socket is cut. */
  closeGraceMs: number;
}

/** Callbacks the owner uses for metrics and logs. */
export interface ConnectionHooks {
  onSent(count: number): void;
  onOverflow(dropped: number): void;
  onClose(cause: CloseCause, code: number): void;
}

/** A connection as GET /api/status lists it (Skydive's ConnStatus fields, plus Topoflow's). */
export interface ConnectionStatus {
  ServiceType: string;
  ClientProtocol: 'json';
  Addr: string;
  Port: number;
  IsConnected: boolean;
  ConnectTime: string;
  RemoteHost: string;
  GremlinFilter?: string;
  UpdatePolicy: string;
  PersistencePolicy: string;
  QueueLength: number;
}

/** Messages queued before they are written without waiting for the end of the event-loop turn. */
const FLUSH_BATCH = 1024;

/** Close code sent to a client dropped for being too slow (1008: policy violation). */
export const CLOSE_SLOW = 1008;

/** An accepted connection. */
export class WsConnection {
  readonly endpoint: Endpoint;
  readonly handshake: Handshake;
  readonly connectTime: number;
  /** performance.now() of the last sign of life (pong or message). */
  lastSeen = performance.now();
  /** The subscriber filter in force, shown by /api/status (starts as the handshake's). */
  gremlinFilter: string;
  readonly #socket: WebSocket;
  readonly #limits: ConnectionLimits;
  readonly #hooks: ConnectionHooks;
  #queue: string[] = [];
  #head = 0;
  #closing = false;
  #flushScheduled = false;
  #closed = false;
  #cause: CloseCause = 'client';
  #graceTimer: NodeJS.Timeout | undefined;
  readonly #closeWaiters: (() => void)[] = [];

  constructor(endpoint: Endpoint, socket: WebSocket, handshake: Handshake, limits: ConnectionLimits, hooks: ConnectionHooks, now: number) {
    this.endpoint = endpoint;
    this.handshake = handshake;
    this.connectTime = now;
    this.gremlinFilter = handshake.gremlinFilter;
    this.#socket = socket;
    this.#limits = limits;
    this.#hooks = hooks;
    const alive = (): void => {
      this.lastSeen = performance.now();
    };
    socket.on('pong', alive);
    socket.on('message', alive);
    socket.on('close', (code: number) => this.#onClosed(code));
  }

  /** The underlying socket (for reading messages). */
  get socket(): WebSocket {
    return this.#socket;
  }

  /** Messages waiting to be handed to the socket. */
  get queueLength(): number {
    return this.#queue.length - this.#head;
  }

  /** True once close() was called or the socket closed. */
  get closing(): boolean {
    return this.#closing || this.#closed;
  }

  /**
   * Queues a text message; false when the connection is closing (the message is not sent). Messages are written
   * once per event-loop turn (or every FLUSH_BATCH messages), corked, so many frames share one system call.
   */
  send(text: string): boolean {
    if (this.#closing || this.#closed) return false;
    if (this.queueLength >= this.#limits.queueSize) {
      const dropped = this.queueLength + 1;
      this.#clearQueue();
      this.#hooks.onOverflow(dropped);
      this.close(CLOSE_SLOW, 'send queue overflow: client too slow', 'slow');
      return false;
    }
    this.#queue.push(text);
    if (this.queueLength >= FLUSH_BATCH) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flushTick);
    }
    return true;
  }

  /** Starts the close handshake and cuts the socket if it does not finish within the grace time. Idempotent. */
  close(code: number, reason: string, cause: CloseCause): void {
    if (this.#closing || this.#closed) return;
    this.#closing = true;
    this.#cause = cause;
    this.#clearQueue();
    try {
      this.#socket.close(code, reason.slice(0, 120));
    } catch {
      this.#socket.terminate();
    }
    this.#graceTimer = setTimeout(() => this.#socket.terminate(), this.#limits.closeGraceMs);
    this.#graceTimer.unref();
  }

  /** Cuts the socket at once. */
  terminate(cause: CloseCause): void {
    if (this.#closed) return;
    if (!this.#closing) this.#cause = cause;
    this.#closing = true;
    this.#clearQueue();
    this.#socket.terminate();
  }

  /** Sends a keep-alive ping. */
  ping(): void {
    if (this.#closing || this.#closed) return;
    try {
      this.#socket.ping();
    } catch {
      // the socket is going away; its close event ends the connection
    }
  }

  /** Resolves once the socket is closed. */
  whenClosed(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#closeWaiters.push(resolve));
  }

  /** The status entry of this connection. */
  status(): ConnectionStatus {
    const h = this.handshake;
    return {
      ServiceType: h.clientType, ClientProtocol: 'json', Addr: h.remoteAddress, Port: h.remotePort,
      IsConnected: !this.#closed, ConnectTime: new Date(this.connectTime).toISOString(), RemoteHost: h.hostId,
      ...(this.gremlinFilter !== '' ? { GremlinFilter: this.gremlinFilter } : {}),
      UpdatePolicy: h.updatePolicy, PersistencePolicy: h.persistencePolicy, QueueLength: this.queueLength,
    };
  }

  readonly #written = (err?: Error | null): void => {
    if (err !== undefined && err !== null) return;
    this.#flush();
  };

  readonly #flushTick = (): void => {
    this.#flushScheduled = false;
    this.#flush();
  };

  #flush(): void {
    let sent = 0;
    const raw = this.#rawSocket();
    if (raw !== undefined) {
      // One buffer of frames for the whole batch: one allocation and one write instead of one per message.
      const batch: string[] = [];
      let bytes = this.#socket.bufferedAmount;
      while (this.#head < this.#queue.length && bytes < this.#limits.writeBufferSize && !this.#closing) {
        const text = this.#queue[this.#head] as string;
        this.#queue[this.#head++] = '';
        batch.push(text);
        bytes += text.length;
      }
      if (batch.length > 0) raw.write(textFrames(batch), this.#written);
      sent = batch.length;
    } else {
      while (this.#head < this.#queue.length && this.#socket.bufferedAmount < this.#limits.writeBufferSize && !this.#closing) {
        const text = this.#queue[this.#head] as string;
        this.#queue[this.#head++] = '';
        this.#socket.send(text, this.#head === this.#queue.length ? this.#written : undefined);
        sent++;
      }
    }
    if (this.#head === this.#queue.length) this.#clearQueue();
    else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    if (sent > 0) this.#hooks.onSent(sent);
  }

  /**
   * The TCP socket under the WebSocket when frames may be written to it directly: open, no extension
   * (permessage-deflate) negotiated, and nothing pending in ws's own sender, so frames cannot interleave.
   */
  #rawSocket(): { write(buf: Buffer, cb: (err?: Error | null) => void): boolean } | undefined {
    const ws = this.#socket as unknown as { _socket?: { write(buf: Buffer, cb: (err?: Error | null) => void): boolean; writable: boolean }; _sender?: { _bufferedBytes?: number } };
    if (this.#socket.readyState !== 1 || this.#socket.extensions !== '' || (ws._sender?._bufferedBytes ?? 0) > 0) return undefined;
    return ws._socket?.writable === true ? ws._socket : undefined;
  }

  #clearQueue(): void {
    this.#queue = [];
    this.#head = 0;
  }

  #onClosed(code: number): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing = true;
    this.#clearQueue();
    if (this.#graceTimer !== undefined) clearTimeout(this.#graceTimer);
    this.#hooks.onClose(this.#cause, code);
    for (const w of this.#closeWaiters.splice(0)) w();
  }
}
