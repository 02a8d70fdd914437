// Benchmark (g): graph events per second from an agent's graph to the analyzer's, over the forwarder's WebSocket
// on loopback, with the delivery latency of sampled events; the agent runs in its own process (pipeline-agent.ts).
import { type ChildProcess, fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Analyzer } from '@topoflow/analyzer';
import { startLoopbackAnalyzer } from './analyzer-harness.js';
import { quantile } from './analyzer-poll.js';
import type { MemoryGraph } from '@topoflow/graph';
import { SAMPLE_EVERY, monotonicNs } from './agent-workload.js';
import type { BenchContext, Benchmark } from './benchmark.js';
import type { AgentCommand, AgentReply, Snapshot } from './pipeline-messages.js';
import { fmtBytes, fmtRate, fmtRatio, fmtTime, type BenchReport, type Measurement } from './report.js';

const GOAL_EVENTS_PER_SEC = 100_000;
const AGENT_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'pipeline-agent.js');

/** The agent process: replies are awaited by type, a failure or an early exit rejects every wait. */
class AgentProcess {
  readonly #child: ChildProcess;
  readonly #replies: AgentReply[] = [];
  readonly #waiters: (() => void)[] = [];
  #error: Error | undefined;

  constructor(analyzer: string, ctx: BenchContext) {
    this.#child = fork(AGENT_SCRIPT, ['--analyzer', analyzer, '--size', ctx.size], { execArgv: ['--expose-gc', ...process.execArgv] });
    this.#child.on('message', (m: AgentReply) => {
      if (m.type === 'failed') this.#error = new Error(`agent process: ${m.message}`);
      else this.#replies.push(m);
      this.#wake();
    });
    this.#child.on('exit', (code) => {
      this.#error ??= new Error(`agent process exited (${code})`);
      this.#wake();
    });
  }

  /** Sends a command. */
  send(c: AgentCommand): void {
    this.#child.send(c);
  }

  /** The next reply of that type. */
  async next<T extends AgentReply['type']>(type: T): Promise<Extract<AgentReply, { type: T }>> {
    for (;;) {
      const i = this.#replies.findIndex((r) => r.type === type);
      if (i >= 0) return this.#replies.splice(i, 1)[0] as Extract<AgentReply, { type: T }>;
      if (this.#error !== undefined) throw this.#error;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Asks the agent to stop and waits for the process to end (killed after 10 s). */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((r) => this.#child.once('exit', r));
    if (this.#child.connected) this.send({ type: 'stop' });
    const timer = setTimeout(() => this.#child.kill(), 10_000);
    await exited;
    clearTimeout(timer);
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}

/** Why the analyzer's subgraph of `origin` differs from the snapshot, or undefined when it is the same. */
function difference(graph: MemoryGraph, origin: string, snap: Snapshot): string | undefined {
  const nodes = graph.lookupNodes('@Origin', origin) ?? [];
  const edges = graph.lookupEdges('@Origin', origin) ?? [];
  if (nodes.length !== snap.nodes.length || edges.length !== snap.edges.length) {
    return `analyzer ${nodes.length} nodes, ${edges.length} edges; agent ${snap.nodes.length}, ${snap.edges.length}`;
  }
  const want = new Map([...snap.nodes, ...snap.edges]);
  for (const e of [...nodes, ...edges]) {
    const rev = want.get(e.ID);
    if (rev !== e.Revision) return `${e.ID}: revision ${e.Revision} at the analyzer, ${rev ?? 'absent'} at the agent`;
  }
  return undefined;
}

/** Polls until the analyzer's copy equals the snapshot; returns the last difference after the timeout. */
async function converge(graph: MemoryGraph, origin: string, snap: Snapshot, timeoutMs: number): Promise<string | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const d = difference(graph, origin, snap);
    if (d === undefined || performance.now() > deadline) return d;
    await sleep(20);
  }
}

/** Delivery latencies (ms) of the sampled updates, and when the marker (the last change) was applied. */
function watchDeliveries(graph: MemoryGraph): { latencies: number[]; marker: Promise<number>; stop: () => void } {
  const latencies: number[] = [];
  let found: (ns: number) => void = () => undefined;
  const marker = new Promise<number>((resolve) => (found = resolve));
  const stop = graph.onAny((e) => {
    if (e.type !== 'nodeUpdated') return;
    const sent = e.node.Metadata['BenchSentNs'];
    if (typeof sent !== 'number' || !e.ops.some((op) => op.Key === 'BenchSentNs')) return;
    const now = monotonicNs();
    latencies.push((now - sent) / 1e6);
    if (e.ops.some((op) => op.Key === 'BenchMarker')) found(now);
  });
  return { latencies, marker, stop };
}



async function ignoredAtAnalyzer(analyzer: Analyzer): Promise<number> {
  const m = analyzer.reporter.registry.getSingleMetric('topoflow_analyzer_agents_events_total');
  const values = m === undefined ? [] : (await m.get()).values;
  return values.filter((v) => v.labels['result'] === 'ignored').reduce((s, v) => s + v.value, 0);
}

/** Time from the last change applied until the analyzer's history holds every event durably (history on). */
async function historyLagMs(analyzer: Analyzer, markerNs: number): Promise<number | undefined> {
  if (!analyzer.history.enabled) return undefined;
  await analyzer.history.recorder.durable(300_000);
  return (monotonicNs() - markerNs) / 1e6;
}

async function run(ctx: BenchContext, history: boolean): Promise<BenchReport> {
  const { analyzer, address, dataDir } = await startLoopbackAnalyzer(history);
  const agent = new AgentProcess(address, ctx);
  try {
    const ready = await agent.next('ready');
    const origin = `agent.${ready.hostId}`;
    const base = ready.baseline;
    const baseRate = base.events / ((base.endNs - base.startNs) / 1e9);
    ctx.log(`agent graph ${ready.snapshot.nodes.length} nodes, ${ready.snapshot.edges.length} edges; plan of ${ready.changes} changes in ${fmtTime(ready.planMs)}; bare MemoryGraph ${fmtRate(baseRate, 'events')}`);
    const synced = await converge(analyzer.graph, origin, ready.snapshot, 30_000);
    if (synced !== undefined) throw new Error(`the analyzer did not apply the agent's Sync: ${synced}`);
    const watch = watchDeliveries(analyzer.graph);
    agent.send({ type: 'go' });
    const pumped = await agent.next('pumped');
    const markerNs = await watch.marker;
    watch.stop();
    const lagMs = await historyLagMs(analyzer, markerNs);
    const o = pumped.outcome;
    const f = pumped.forwarder;
    const rate = o.events / ((markerNs - o.startNs) / 1e9);
    agent.send({ type: 'snapshot' });
    const final = await agent.next('snapshot');
    const wrong = await converge(analyzer.graph, origin, final.snapshot, 5000);
    const lat = [...watch.latencies].sort((a, b) => a - b);
    const ignored = await ignoredAtAnalyzer(analyzer);
    const correct = wrong === undefined ? `equal: ${final.snapshot.nodes.length} nodes, ${final.snapshot.edges.length} edges (IDs and revisions)` : `DIFFERENT: ${wrong}`;
    const measurements: Measurement[] = [
      { label: 'agent graph at the start (first Sync)', value: `${ready.snapshot.nodes.length} nodes, ${ready.snapshot.edges.length} edges` },
      { label: 'changes executed; graph events they made', value: `${ready.changes}; ${o.events} at the agent, ${base.events} on the bare graph` },
      { label: 'bare MemoryGraph, same changes (baseline)', value: fmtRate(baseRate, 'events') },
      { label: 'pipeline: first change → last applied at the analyzer', value: fmtRate(rate, 'events') },
      { label: 'pipeline / baseline', value: fmtRatio(rate / baseRate) },
      { label: 'agent: changes alone; waiting for its queue; lag after', value: `${fmtRate(o.events / ((o.endNs - o.startNs) / 1e9), 'events')}; ${fmtTime(o.stalledMs)}; ${fmtTime((markerNs - o.endNs) / 1e6)}` },
      { label: `delivery latency (1 update in ${SAMPLE_EVERY}): median`, value: fmtTime(quantile(lat, 0.5)) },
      { label: 'delivery latency: p99; max', value: `${fmtTime(quantile(lat, 0.99))}; ${fmtTime(lat[lat.length - 1] ?? NaN)} (${lat.length} samples)` },
      { label: 'forwarder: messages, bytes, per event', value: `${f.batches}, ${fmtBytes(f.bytes)}, ${fmtBytes(f.bytes / Math.max(1, f.forwarded))}` },
      { label: 'forwarder: Syncs sent; events dropped', value: `${f.syncs}; ${f.dropped}` },
      { label: 'analyzer: events ignored (stale or dangling)', value: String(ignored) },
      { label: "analyzer's origin subgraph vs the agent's graph", value: correct },
      { label: 'history: durable after the last change applied', value: lagMs === undefined ? 'history off' : `${fmtTime(lagMs)} later (SQLite)` },
    ];
    const ok = wrong === undefined && f.syncs === 1 && f.dropped === 0;
    return {
      name: history ? 'pipeline' : 'pipeline-no-history',
      title: `(g) agent → analyzer events per second over loopback, delivery latency; ${history ? 'history in SQLite (the default)' : 'history off'}`,
      measurements,
      goals: [{ goal: `≥ ${fmtRate(GOAL_EVENTS_PER_SEC, 'events')} agent → analyzer`, measured: ok ? fmtRate(rate, 'events') : `${fmtRate(rate, 'events')}, but ${correct}`, met: ok && rate >= GOAL_EVENTS_PER_SEC }],
      notes: [
        `agent in a child process (its own core, as on its own host), default forwarder settings (batchSize 1000, flushInterval 20ms, queueSize 100,000), no probes; analyzer in this process`,
        `changes generated before the clock starts, executed through the agent graph's commands in chunks of 1000 with an event-loop turn between chunks, pausing while more than a quarter of the forwarder's queue waits`,
        `latency: sampled updates carry CLOCK_MONOTONIC (shared by both processes) in BenchSentNs, read when the analyzer's graph emits the update; the clock stops when the last change is applied`,
      ],
    };
  } finally {
    await agent.stop();
    await analyzer.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The agent → analyzer pipeline benchmark. */
export const pipelineBenchmark: Benchmark = {
  name: 'pipeline', title: '(g) agent → analyzer events per second, delivery latency (history in SQLite)', run: (ctx) => run(ctx, true),
};

/** The same with the analyzer's history off, to show what recording history costs the pipeline. */
export const pipelineNoHistoryBenchmark: Benchmark = {
  name: 'pipeline-no-history', title: '(g) agent → analyzer events per second, delivery latency (history off)', run: (ctx) => run(ctx, false),
};
