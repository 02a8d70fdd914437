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

type Analyzer = Awaited<ReturnType<typeof startBenchAnalyzer>>;

/** One run with one filtered subscriber: from the first apply until the subscriber has the last event. */
async function subscribedRun(ctx: BenchContext, h: Analyzer, total: number, seed: number, policy: 'full' | 'partial'): Promise<SubscribedRun> {
  const graph = h.analyzer.graph;
  // Generated before the subscriber connects: the generator blocks the event loop for seconds, which would
  // stall the server's keep-alive pings. The stream reads the graph once, when created.
  const marker = `bench-marker-${randomUUID()}`;
  const stream = new EventStream(graph, seed);
  const events = generate(stream, total, marker);
  const client = startSubscriber(h.ws, VETH_FILTER, marker, policy, 600_000);
  try {
    const syncBytes = await client.synced;
    ctx.log(`subscriber (${policy}) synced: SyncReply ${(syncBytes / 1024 / 1024).toFixed(1)} MiB`);
    forceGc();
    const t0 = performance.now();
    const s = await pump(events, (e) => graph.apply(e));
    const outcome = await client.outcome;
    // The marker can be reported during the pump's last event-loop turn, a hair before the pump returns.
    const elapsed = Math.max(outcome.at - t0, s.ms);
    return {
      rate: total / (elapsed / 1000), applyRate: total / (s.ms / 1000), lagMs: elapsed - s.ms,
      expected: stream.counts.subscribed, outcome, syncBytes,
    };
  } finally {
    await client.stop();
  }
}

/** The analyzer's graph with no subscriber (the baseline), then with one subscriber, full then partial updates. */
async function analyzerRates(ctx: BenchContext, total: number): Promise<{ baseline: number; full: SubscribedRun; partial: SubscribedRun }> {
  const h = await startBenchAnalyzer(ctx.size);
  try {
    const graph = h.analyzer.graph;
    const base = generate(new EventStream(graph, STREAM_SEED + 1), total);
    forceGc();
    const b = await pump(base, (e) => graph.apply(e));
    if (b.ignored > 0) throw new Error(`${b.ignored} events ignored by the analyzer's graph`);
    const full = await subscribedRun(ctx, h, total, STREAM_SEED + 2, 'full');
    const partial = await subscribedRun(ctx, h, total, STREAM_SEED + 3, 'partial');
    return { baseline: total / (b.ms / 1000), full, partial };
  } finally {
    await h.analyzer.stop();
  }
}

/** How many messages the subscriber got, or why it stopped getting them. */
function delivered(r: SubscribedRun): string {
  const o = r.outcome;
  return o.type === 'done'
    ? `${o.received} of ${r.expected} expected (${Object.entries(o.byType).map(([t, n]) => `${t} ${n}`).join(', ')})`
    : `connection closed by the server after ${o.received} of ${r.expected} messages: ${o.code} ${o.reason}`;
}

async function run(ctx: BenchContext): Promise<BenchReport> {
  const total = eventCount(ctx);
  const bare = await bareGraphRate(ctx, total);
  const c = bare.counts;
  ctx.log(`${c.total} events: ${c.updated} nodeUpdated, ${c.added} nodeAdded, ${c.deleted} nodeDeleted; ${c.subscribed} on veths`);
  const { baseline, full, partial } = await analyzerRates(ctx, total);
  const measurements: Measurement[] = [
    { label: 'events per run', value: `${c.total} (${c.updated} nodeUpdated, ${c.added} nodeAdded, ${c.deleted} nodeDeleted; ${c.subscribed} on veths)` },
    { label: 'generating them (before the clock starts)', value: `${(bare.genMs / 1000).toFixed(2)} s` },
    { label: 'bare MemoryGraph.apply, no listener', value: fmtRate(bare.rate, 'events') },
    { label: 'analyzer graph, no subscriber (baseline)', value: fmtRate(baseline, 'events') },
    { label: '1 subscriber, full updates: first apply → last message', value: fmtRate(full.rate, 'events') },
    { label: 'full updates / baseline', value: fmtRatio(full.rate / baseline) },
    { label: 'full updates: apply loop alone; lag after it', value: `${fmtRate(full.applyRate, 'events')}; ${fmtTime(full.lagMs)}` },
    { label: 'full updates: messages delivered', value: delivered(full) },
    { label: '1 subscriber, partial updates (diagnostic)', value: fmtRate(partial.rate, 'events') },
    { label: 'partial updates / baseline', value: fmtRatio(partial.rate / baseline) },
    { label: 'partial updates: messages delivered', value: delivered(partial) },
  ];
  const ok = full.outcome.type === 'done';
  return {
    name: 'events',
    title: '(e) events applied per second, default indexes, one filtered subscriber',
    measurements,
    goals: [{
      goal: `≥ ${fmtRate(GOAL_EVENTS_PER_SEC, 'events')} with one subscriber`,
      measured: ok ? fmtRate(full.rate, 'events') : 'subscriber disconnected',
      met: ok && full.rate >= GOAL_EVENTS_PER_SEC,
    }],
    notes: [
      `events are generated before the clock starts, then applied through graph.apply() in chunks of ${CHUNK} with one event-loop turn between chunks`,
      `subscriber: a ws client in a worker thread, X-Gremlin-Filter and SyncRequest {GremlinFilter: "${VETH_FILTER}"}, X-Update-Policy full (Skydive's default; the goal is judged on it), then partial (ops only) as a diagnostic; the last event carries a marker and the clock stops when it arrives`,
    ],
  };
}

/** The event-rate benchmark. */
export const eventsBenchmark: Benchmark = { name: 'events', title: '(e) events applied per second with a subscriber', run };
