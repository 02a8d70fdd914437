// Benchmark (e): replicated events applied per second into a graph with the default indexes, without and with
// one filtered WebSocket subscriber, measured by wall clock from the first apply to the last message received.
import { MemoryGraph, type ApplyResult, type GraphEvent } from '@topoflow/graph';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { forceGc, type BenchContext, type Benchmark } from './benchmark.js';
import { EventStream } from './event-stream.js';
import { fmtRate, type BenchReport, type Measurement } from './report.js';
import { buildSynthetic, describeSynthetic, syntheticSpec } from './synthetic.js';

/** Events applied between two turns of the event loop, as when they arrive in socket reads. */
const CHUNK = 1000;
const STREAM_SEED = 0xe7e7;

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

async function run(ctx: BenchContext): Promise<BenchReport> {
  const total = eventCount(ctx);
  const graph = new MemoryGraph();
  const s = buildSynthetic(graph, syntheticSpec(ctx.size));
  ctx.log(`topology: ${describeSynthetic(s)}`);

  const stream = new EventStream(graph, STREAM_SEED);
  const g0 = performance.now();
  const events = generate(stream, total);
  const genMs = performance.now() - g0;
  const c = stream.counts;
  ctx.log(`${c.total} events: ${c.updated} nodeUpdated, ${c.added} nodeAdded, ${c.deleted} nodeDeleted; ${c.subscribed} on veths`);
  forceGc();
  const bare = await pump(events, (e) => graph.apply(e));
  if (bare.ignored > 0) throw new Error(`${bare.ignored} generated events were ignored by the graph: the stream is inconsistent`);
  const bareMs = bare.ms;
  const bareRate = total / (bareMs / 1000);
  const measurements: Measurement[] = [
    { label: 'events per run', value: `${c.total} (${c.updated} nodeUpdated, ${c.added} nodeAdded, ${c.deleted} nodeDeleted; ${c.subscribed} on veths)` },
    { label: 'generating them (not measured below)', value: `${(genMs / 1000).toFixed(2)} s` },
    { label: 'MemoryGraph.apply, no listener', value: fmtRate(bareRate, 'events') },
  ];
  return {
    name: 'events',
    title: '(e) events applied per second, default indexes, one filtered subscriber',
    measurements,
    goals: [],
    notes: [`events are generated before the clock starts, then applied in chunks of ${CHUNK} with one event-loop turn between chunks`],
  };
}

/** The event-rate benchmark. */
export const eventsBenchmark: Benchmark = { name: 'events', title: '(e) events applied per second with a subscriber', run };
