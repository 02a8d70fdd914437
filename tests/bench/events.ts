// Benchmark (e): replicated events applied per second into a graph with the default indexes, without and with
// one filtered WebSocket subscriber, measured by wall clock from the first apply to the last message received.
import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { MemoryGraph, type ApplyResult, type GraphEvent } from '@topoflow/graph';
import { startBenchAnalyzer } from './analyzer-harness.js';
import { forceGc, type BenchContext, type Benchmark } from './benchmark.js';
import { EventStream, type StreamCounts } from './event-stream.js';
import { VETH_FILTER } from './query-text.js';
import { fmtRate, fmtRatio, fmtTime, type BenchReport, type Measurement } from './report.js';
import { startSubscriber, type SubscriberOutcome } from './subscriber-client.js';
import { buildSynthetic, describeSynthetic, syntheticSpec } from './synthetic.js';

/** Events applied between two turns of the event loop, as when they arrive in socket reads. */
const CHUNK = 1000;
const STREAM_SEED = 0xe7e7;
const GOAL_EVENTS_PER_SEC = 500_000;

/** Generates a run's events up front, so the measured window holds only applying and delivering them. */
export function generate(stream: EventStream, total: number, marker?: string): GraphEvent[] {
  const events = new Array<GraphEvent>(total);
  const last = marker === undefined ? total : total - 1;
  for (let i = 0; i < last; i++) events[i] = stream.next();
  if (marker !== undefined) events[total - 1] = stream.marker(marker);
  return events;
}

/**
 * Applies the events in order, yielding to the event loop after each chunk, and drops each one once applied
 * (as a receiver would); returns the elapsed ms and how many the graph ignored.
 */
export async function pump(events: (GraphEvent | undefined)[], apply: (e: GraphEvent) => ApplyResult): Promise<{ ms: number; ignored: number }> {
  let ignored = 0;
  const t0 = performance.now();
  for (let done = 0; done < events.length; ) {
    const end = Math.min(done + CHUNK, events.length);
    for (; done < end; done++) {
      if (apply(events[done] as GraphEvent) === 'ignored') ignored++;
      events[done] = undefined;
    }
    await yieldToLoop();
  }
  return { ms: performance.now() - t0, ignored };
}

/** Events of a run for a size. */
export function eventCount(ctx: BenchContext): number {
  return ctx.size === 'full' ? 1_000_000 : 200_000;
}

/** Rate of the bare MemoryGraph (no listener at all), an extra reference point. */
async function bareGraphRate(ctx: BenchContext, total: number): Promise<{ rate: number; genMs: number; counts: StreamCounts }> {
  const graph = new MemoryGraph();
  const s = buildSynthetic(graph, syntheticSpec(ctx.size));
  ctx.log(`topology: ${describeSynthetic(s)}`);
  const stream = new EventStream(graph, STREAM_SEED);
  const g0 = performance.now();
  const events = generate(stream, total);
  const genMs = performance.now() - g0;
  forceGc();
  const { ms, ignored } = await pump(events, (e) => graph.apply(e));
  if (ignored > 0) throw new Error(`${ignored} generated events were ignored by the graph: the stream is inconsistent`);
  return { rate: total / (ms / 1000), genMs, counts: stream.counts };
}

interface SubscribedRun {
  rate: number;
  applyRate: number;
  lagMs: number;
  expected: number;
  outcome: SubscriberOutcome;
  syncBytes: number;
}

/** The analyzer's graph with no subscriber (the baseline), then with one filtered subscriber. */
async function analyzerRates(ctx: BenchContext, total: number): Promise<{ baseline: number; sub: SubscribedRun }> {
  const { analyzer, ws } = await startBenchAnalyzer(ctx.size);
  const graph = analyzer.graph;
  try {
    const base = generate(new EventStream(graph, STREAM_SEED + 1), total);
    forceGc();
    const b = await pump(base, (e) => graph.apply(e));
    if (b.ignored > 0) throw new Error(`${b.ignored} events ignored by the analyzer's graph`);
    const marker = `bench-marker-${randomUUID()}`;
    const client = startSubscriber(ws, VETH_FILTER, marker, 600_000);
    try {
      const syncBytes = await client.synced;
      ctx.log(`subscriber synced (SyncReply ${(syncBytes / 1024 / 1024).toFixed(1)} MiB)`);
      const stream = new EventStream(graph, STREAM_SEED + 2);
      const events = generate(stream, total, marker);
      forceGc();
      const t0 = performance.now();
      const s = await pump(events, (e) => graph.apply(e));
      const outcome = await client.outcome;
      // The marker can be reported during the pump's last event-loop turn, a hair before the pump returns.
      const elapsed = Math.max(outcome.at - t0, s.ms);
      return {
        baseline: total / (b.ms / 1000),
        sub: { rate: total / (elapsed / 1000), applyRate: total / (s.ms / 1000), lagMs: elapsed - s.ms, expected: stream.counts.subscribed, outcome, syncBytes },
      };
    } finally {
      await client.stop();
    }
  } finally {
    await analyzer.stop();
  }
}

async function run(ctx: BenchContext): Promise<BenchReport> {
  const total = eventCount(ctx);
  const bare = await bareGraphRate(ctx, total);
  const c = bare.counts;
  ctx.log(`${c.total} events: ${c.updated} nodeUpdated, ${c.added} nodeAdded, ${c.deleted} nodeDeleted; ${c.subscribed} on veths`);
  const { baseline, sub } = await analyzerRates(ctx, total);
  const o = sub.outcome;
  const delivered = o.type === 'done'
    ? `${o.received} of ${sub.expected} expected (${Object.entries(o.byType).map(([t, n]) => `${t} ${n}`).join(', ')})`
    : `connection closed by the server after ${o.received} of ${sub.expected} messages: ${o.code} ${o.reason}`;
  const measurements: Measurement[] = [
    { label: 'events per run', value: `${c.total} (${c.updated} nodeUpdated, ${c.added} nodeAdded, ${c.deleted} nodeDeleted; ${c.subscribed} on veths)` },
    { label: 'generating them (before the clock starts)', value: `${(bare.genMs / 1000).toFixed(2)} s` },
    { label: 'bare MemoryGraph.apply, no listener', value: fmtRate(bare.rate, 'events') },
    { label: "analyzer graph, no subscriber (baseline)", value: fmtRate(baseline, 'events') },
    { label: 'analyzer graph, 1 subscriber: first apply → last message', value: fmtRate(sub.rate, 'events') },
    { label: 'with subscriber / baseline', value: fmtRatio(sub.rate / baseline) },
    { label: 'with subscriber, apply loop alone', value: fmtRate(sub.applyRate, 'events') },
    { label: 'delivery lag after the last apply', value: fmtTime(sub.lagMs) },
    { label: 'messages delivered to the subscriber', value: delivered },
  ];
  const ok = o.type === 'done';
  return {
    name: 'events',
    title: '(e) events applied per second, default indexes, one filtered subscriber',
    measurements,
    goals: [{
      goal: `≥ ${fmtRate(GOAL_EVENTS_PER_SEC, 'events')} with one subscriber`,
      measured: ok ? fmtRate(sub.rate, 'events') : 'subscriber disconnected',
      met: ok && sub.rate >= GOAL_EVENTS_PER_SEC,
    }],
    notes: [
      `events are generated before the clock starts, then applied through graph.apply() in chunks of ${CHUNK} with one event-loop turn between chunks`,
      `subscriber: a ws client in a worker thread, X-Gremlin-Filter and SyncRequest {GremlinFilter: "${VETH_FILTER}"}, update policy full; the last event carries a marker and the clock stops when it arrives`,
    ],
  };
}

/** The event-rate benchmark. */
export const eventsBenchmark: Benchmark = { name: 'events', title: '(e) events applied per second with a subscriber', run };
