// A WebSocket client for tests: connects with Skydive handshake headers, keeps every message, and waits for
// the next one matching a predicate.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { WebSocket } from 'ws';

/** A received message. */
export interface WsMessage {
  Namespace: string;
  Type: string;
  UUID: string;
  Status: number;
  Obj: unknown;
  Code?: string;
}

/** A test client. */
export class TestWsClient {
  readonly socket: WebSocket;
  readonly headers: IncomingHttpHeaders;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #inbox: WsMessage[] = [];
  #waiters: (() => void)[] = [];

  private constructor(socket: WebSocket, headers: IncomingHttpHeaders) {
    this.socket = socket;
    this.headers = headers;
    socket.on('message', (data) => {
      this.#inbox.push(JSON.parse(data.toString()) as WsMessage);
      for (const w of this.#waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const w of this.#waiters.splice(0)) w();
    }));
  }

  /** Connects; rejects with the HTTP status when the upgrade is refused. */
  static connect(url: string, headers: Record<string, string> = {}, options: { autoPong?: boolean } = {}): Promise<TestWsClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers, autoPong: options.autoPong ?? true });
      socket.once('upgrade', (res) => {
        socket.once('open', () => resolve(new TestWsClient(socket, res.headers)));
      });
      socket.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body })));
        res.on('error', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body })));
      });
      socket.once('error', reject);
    });
  }

  /** Messages received and not yet taken. */
  get pending(): readonly WsMessage[] {
    return this.#inbox;
  }

  /** Takes the first message matching `match`, waiting up to `timeoutMs`. */
  async next(match: (m: WsMessage) => boolean = () => true, timeoutMs = 3000): Promise<WsMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.#inbox.findIndex(match);
      if (i >= 0) return this.#inbox.splice(i, 1)[0] as WsMessage;
      const left = deadline - Date.now();
      if (left <= 0 || this.socket.readyState === WebSocket.CLOSED) {
        throw new Error(`no matching message within ${timeoutMs}ms; pending: ${this.#inbox.map((m) => m.Type).join(',')}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Takes the next message of a type. */
  nextOfType(type: string, timeoutMs?: number): Promise<WsMessage> {
    return this.next((m) => m.Type === type, timeoutMs);
  }

  /** Waits `ms` and returns (and takes) every message received meanwhile. */
  async drain(ms: number): Promise<WsMessage[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.#inbox.splice(0);
  }

  /** Sends a Graph message; returns its UUID. */
  send(type: string, obj: unknown, uuid: string = randomUUID()): string {
    this.socket.send(JSON.stringify({ Namespace: 'Graph', Type: type, UUID: uuid, Status: 200, Obj: obj }));
    return uuid;
  }

  /** Sends raw text. */
  sendRaw(text: string): void {
    this.socket.send(text);
  }

  /** Sends a message and waits for the reply carrying the same UUID. */
  async request(type: string, obj: unknown, timeoutMs?: number): Promise<WsMessage> {
    const uuid = this.send(type, obj);
    return this.next((m) => m.UUID === uuid, timeoutMs);
  }

  /** Closes and waits for the close to complete. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    if (this.socket.readyState !== WebSocket.CLOSING) this.socket.close();
    const t = setTimeout(() => this.socket.terminate(), 1000);
    await this.closed;
    clearTimeout(t);
  }
}

/** Connects expecting a refusal; resolves with the HTTP status and parsed body. */
export async function refusedUpgrade(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  try {
    const c = await TestWsClient.connect(url, headers);
    await c.close();
  } catch (err) {
    const e = err as { status?: number; body?: string };
    if (e.status !== undefined) return { status: e.status, body: e.body ? JSON.parse(e.body) : undefined };
    throw err;
  }
  throw new Error('the upgrade was accepted');
}
