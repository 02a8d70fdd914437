// Polls an analyzer with a Gremlin query over REST until its answer passes a check: how the namespace benchmark
// sees when a change made on the host has reached the analyzer.
import { setTimeout as sleep } from 'node:timers/promises';
import { query } from '../src/support/ws.js';

/** A node as the REST API returns it. */
export interface RestNode {
  ID: string;
  Metadata: Record<string, unknown>;
}

/** How often the analyzer is asked, in ms. */
export const POLL_MS = 10;

/**
 * Polls `gremlin` every POLL_MS until `check` accepts the nodes it returns; resolves with performance.now() of the
 * answer that passed, or undefined after `timeoutMs`.
 */
export async function pollUntil(base: string, gremlin: string, check: (nodes: RestNode[]) => boolean, timeoutMs: number): Promise<number | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const r = await query(base, gremlin);
    const at = performance.now();
    if (r.status !== 200) throw new Error(`analyzer answered ${r.status} to ${gremlin}: ${JSON.stringify(r.body)}`);
    if (check(r.body as RestNode[])) return at;
    if (at > deadline) return undefined;
    await sleep(POLL_MS);
  }
}

/** Quantile of sorted values (nearest rank below); NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
}

/** Median, p95 and max of a list of latencies in ms. */
export function latencySummary(values: readonly number[]): { median: number; p95: number; max: number; n: number } {
  const s = [...values].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p95: quantile(s, 0.95), max: s[s.length - 1] ?? NaN, n: s.length };
}
