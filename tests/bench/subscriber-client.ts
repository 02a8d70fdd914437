// Drives the WebSocket subscriber worker from the benchmark's thread: start, wait for its SyncReply, then for
// the marker message (or for the connection to be dropped).
import { Worker } from 'node:worker_threads';
import type { SubscriberWorkerData, SubscriberWorkerMessage } from './subscriber-worker.js';

/** How a subscribed run ended on the client side. */
export type SubscriberOutcome =
  | { type: 'done'; received: number; byType: Record<string, number>; at: number }
  | { type: 'closed'; code: number; reason: string; received: number; at: number };

/** A subscriber running in a worker thread. */
export interface SubscriberClient {
  /** Size of the SyncReply, once received. */
  synced: Promise<number>;
  /** Resolves when the marker arrives or the server closes the connection; `at` is performance.now() here. */
  outcome: Promise<SubscriberOutcome>;
  stop(): Promise<void>;
}

/** Starts a subscriber on `${wsBase}/ws/subscriber` with `filter`, watching for `marker`. */
export function startSubscriber(wsBase: string, filter: string, marker: string, updatePolicy: 'full' | 'partial', timeoutMs: number): SubscriberClient {
  const data: SubscriberWorkerData = { url: `${wsBase}/ws/subscriber`, filter, marker, updatePolicy };
  const worker = new Worker(new URL('./subscriber-worker.js', import.meta.url), { workerData: data });
  let onSynced: (bytes: number) => void = () => undefined;
  let onOutcome: (o: SubscriberOutcome) => void = () => undefined;
  let onError: (err: Error) => void = () => undefined;
  const synced = new Promise<number>((resolve, reject) => {
    onSynced = resolve;
    onError = reject;
  });
  const outcome = new Promise<SubscriberOutcome>((resolve, reject) => {
    onOutcome = resolve;
    const previous = onError;
    onError = (err) => {
      previous(err);
      reject(err);
    };
  });
  outcome.catch(() => undefined);
  const timer = setTimeout(() => onError(new Error(`the subscriber saw no marker within ${timeoutMs / 1000} s`)), timeoutMs);
  worker.on('message', (m: SubscriberWorkerMessage) => {
    const at = performance.now();
    if (m.type === 'synced') onSynced(m.syncReplyBytes);
    else if (m.type === 'error') onError(new Error(`subscriber: ${m.message}`));
    else {
      clearTimeout(timer);
      onOutcome({ ...m, at });
    }
  });
  worker.on('error', (err) => onError(err));
  return {
    synced,
    outcome,
    stop: async () => {
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
