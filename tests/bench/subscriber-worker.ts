// A Skydive WebSocket subscriber run in a worker thread, so receiving does not share the analyzer's event loop:
// connects to /ws/subscriber with a Gremlin filter, syncs, then counts graph messages until it sees the marker.
import { parentPort, workerData } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/** What the worker is started with. */
export interface SubscriberWorkerData {
  url: string;
  filter: string;
  /** A string carried only by the last event of the run. */
  marker: string;
  /** X-Update-Policy: whole elements ('full', Skydive's default) or ops only ('partial'). */
  updatePolicy: 'full' | 'partial';
}

/** What the worker posts to its parent. */
export type SubscriberWorkerMessage =
  | { type: 'synced'; syncReplyBytes: number }
  | { type: 'done'; received: number; byType: Record<string, number> }
  | { type: 'closed'; code: number; reason: string; received: number }
  | { type: 'error'; message: string };

const TYPE_RE = /"Type":"(\w+)"/;

function post(m: SubscriberWorkerMessage): void {
  parentPort?.postMessage(m);
}

function main(): void {
  const { url, filter, marker, updatePolicy } = workerData as SubscriberWorkerData;
  const ws = new WebSocket(url, {
    headers: { 'X-Client-Type': 'webui', 'X-Host-ID': `bench-subscriber-${updatePolicy}`, 'X-Gremlin-Filter': filter, 'X-Update-Policy': updatePolicy },
    perMessageDeflate: false, maxPayload: 1024 * 1024 * 1024,
  });
  let synced = false;
  let done = false;
  let received = 0;
  const byType: Record<string, number> = {};
  ws.on('open', () => {
    ws.send(JSON.stringify({ Namespace: 'Graph', Type: 'SyncRequest', UUID: randomUUID(), Status: 0, Obj: { GremlinFilter: filter } }));
  });
  ws.on('message', (data: WebSocket.RawData) => {
    const text = data.toString();
    // Only the head of each message is read, as a light client would: the measurement is the server's.
    const type = TYPE_RE.exec(text.slice(0, 96))?.[1] ?? 'unknown';
    if (!synced) {
      if (type === 'SyncReply') {
        synced = true;
        post({ type: 'synced', syncReplyBytes: text.length });
      }
      return;
    }
    received++;
    byType[type] = (byType[type] ?? 0) + 1;
    if (text.includes(marker)) {
      done = true;
      post({ type: 'done', received, byType });
      ws.close();
    }
  });
  ws.on('error', (err) => post({ type: 'error', message: err.message }));
  ws.on('close', (code, reason) => {
    if (!synced) post({ type: 'error', message: `closed before the SyncReply (code ${code} ${reason.toString()})` });
    else if (!done) post({ type: 'closed', code, reason: reason.toString(), received });
  });
}

main();
