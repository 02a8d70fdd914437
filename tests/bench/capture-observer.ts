// What the capture latency benchmark watches: the analyzer's /ws/subscriber stream, noting for each capture ID when a
// node first showed it active and when it first showed PacketsReceived > 0, and the agent's "capture started" log
// lines (when the source was open). Times are performance.now() of this process.
import WebSocket from 'ws';

/** When the analyzer's graph first showed a capture in each state. */
export interface CaptureSighting {
  /** A node's Captures listed it with State active. */
  activeAt?: number;
  /** A node's Captures listed it with PacketsReceived > 0. */
  countedAt?: number;
}

interface Entry {
  ID?: unknown;
  State?: unknown;
  PacketsReceived?: unknown;
}

/** A subscriber on the analyzer that records capture sightings. */
export class CaptureObserver {
  readonly #ws: WebSocket;
  readonly #seen = new Map<string, CaptureSighting>();
  #messages = 0;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data: Buffer) => this.#onMessage(data.toString(), performance.now()));
  }

  /** Connects to `ws://<address>/ws/subscriber` (no filter, full updates). */
  static async open(address: string): Promise<CaptureObserver> {
    const ws = new WebSocket(`ws://${address}/ws/subscriber`, { headers: { 'X-Host-ID': `bench-capture-${process.pid}`, 'X-Client-Type': 'client' } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new CaptureObserver(ws);
  }

  /** Messages received so far. */
  get messages(): number {
    return this.#messages;
  }

  /** What was seen of capture `id`. */
  sighting(id: string): CaptureSighting {
    return this.#seen.get(id) ?? {};
  }

  /** Resolves once capture `id` was counted, or after `timeoutMs`. */
  async counted(id: string, timeoutMs: number): Promise<CaptureSighting> {
    const deadline = performance.now() + timeoutMs;
    while (this.sighting(id).countedAt === undefined && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    return this.sighting(id);
  }

  /** Closes the socket. */
  close(): void {
    this.#ws.terminate();
  }

  #onMessage(text: string, at: number): void {
    this.#messages++;
    if (!text.includes('"Captures"')) return;
    let msg: { Type?: string; Obj?: { Metadata?: { Captures?: unknown } } };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    const list = msg.Obj?.Metadata?.Captures;
    if (!Array.isArray(list)) return;
    for (const e of list as Entry[]) {
      if (typeof e?.ID !== 'string') continue;
      const s = this.#seen.get(e.ID) ?? {};
      if (s.activeAt === undefined && e.State === 'active') s.activeAt = at;
      if (s.countedAt === undefined && typeof e.PacketsReceived === 'number' && e.PacketsReceived > 0) s.countedAt = at;
      this.#seen.set(e.ID, s);
    }
  }
}

/** Per capture ID, performance.now() of the agent's "capture started" log line (JSON logs, `time` in epoch ms). */
export function startsInLog(output: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of output.split('\n')) {
    if (!line.includes('capture started')) continue;
    try {
      const l = JSON.parse(line) as { time?: number; captureId?: string };
      if (typeof l.time === 'number' && typeof l.captureId === 'string' && !out.has(l.captureId)) out.set(l.captureId, l.time - performance.timeOrigin);
    } catch {
      // not a log line
    }
  }
  return out;
}
