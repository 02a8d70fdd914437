// Test support: a minimal WebSocket server standing in for an analyzer endpoint, recording every connection's
// headers and parsed messages, able to refuse upgrades; and a polling wait for asynchronous conditions.
import type { IncomingHttpHeaders } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';

/** One accepted connection and what it received. */
export interface FakeConnection<T> {
  /** Request path of the upgrade. */
  url: string;
  headers: IncomingHttpHeaders;
  frames: T[];
  socket: WebSocket;
}

/**
 * A server on 127.0.0.1 (random port) accepting `path` (every path when undefined); `refuse` answers upgrades with
 * that status when non-zero.
 */
export class FakeAnalyzer<T = unknown> {
  readonly server: WebSocketServer;
  readonly connections: FakeConnection<T>[] = [];
  refuse = 0;

  private constructor(server: WebSocketServer) {
    this.server = server;
    server.on('connection', (socket, request) => {
      const conn: FakeConnection<T> = { url: request.url ?? '', headers: request.headers, frames: [], socket };
      this.connections.push(conn);
      socket.on('message', (data) => conn.frames.push(JSON.parse(data.toString()) as T));
    });
  }

  static async start<T>(path?: string): Promise<FakeAnalyzer<T>> {
    const holder: { fake?: FakeAnalyzer<T> } = {};
    const server = await new Promise<WebSocketServer>((resolve) => {
      const s: WebSocketServer = new WebSocketServer({
        host: '127.0.0.1', port: 0, ...(path !== undefined ? { path } : {}),
        verifyClient: (_info, cb) => ((holder.fake?.refuse ?? 0) > 0 ? cb(false, holder.fake?.refuse) : cb(true)),
      }, () => resolve(s));
    });
    holder.fake = new FakeAnalyzer<T>(server);
    return holder.fake;
  }

  /** "127.0.0.1:port". */
  get address(): string {
    const a = this.server.address();
    return typeof a === 'object' && a !== null ? `127.0.0.1:${a.port}` : '';
  }

  /** The latest connection. */
  get last(): FakeConnection<T> | undefined {
    return this.connections[this.connections.length - 1];
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.socket.terminate();
    await new Promise((r) => this.server.close(r));
  }
}

/** Polls `check` every 5 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
