// A test subscriber on /ws/subscriber that records every message it receives.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/** A Skydive message. */
export interface Msg {
  Namespace: string;
  Type: string;
  UUID?: string;
  Status?: number;
  Obj?: unknown;
}

/** A connected WebSocket client that keeps every message. */
export class RecordingSocket {
  readonly ws: WebSocket;
  readonly messages: Msg[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (d) => this.messages.push(JSON.parse(d.toString()) as Msg));
  }

  /** Connects to `path` on `address` with the given handshake headers. */
  static async open(address: string, path: string, headers: Record<string, string>): Promise<RecordingSocket> {
    const ws = new WebSocket(`ws://${address}${path}`, { headers });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    return new RecordingSocket(ws);
  }

  /** Sends a request and waits for the reply with the same UUID. */
  async request(msg: Msg, timeoutMs = 10_000): Promise<Msg> {
    const uuid = randomUUID();
    this.ws.send(JSON.stringify({ Status: 200, ...msg, UUID: uuid }));
    return this.waitFor((m) => m.UUID === uuid, timeoutMs);
  }

  /** Waits until a message satisfies `pred` (already received ones count). */
  async waitFor(pred: (m: Msg) => boolean, timeoutMs = 10_000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.messages.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching message in ${timeoutMs} ms; got ${this.messages.map((m) => m.Type).join(',')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Closes the socket and waits for the close to complete. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((r) => this.ws.once('close', () => r()));
    this.ws.close();
    await closed;
  }
}

/** Posts a Gremlin query and returns the parsed JSON body with the status. */
export async function query(baseUrl: string, gremlin: string): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`${baseUrl}/api/topology`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ GremlinQuery: gremlin }),
  });
  const text = await r.text();
  return { status: r.status, body: text === '' ? undefined : JSON.parse(text) };
}
