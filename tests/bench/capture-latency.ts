// Benchmark (k): how long a capture takes from `POST /api/capture` until the analyzer's graph shows packets counted
// on the captured interface (`Captures[].PacketsReceived > 0`). A `topoflow analyzer` (embedded etcd) and a
// `topoflow agent` run as processes; 25 pairs of test namespaces joined by veth pairs ping each other all along
// (prefix unreachable from the root namespace, pings bounded in time); 50 captures, one per veth end, are created
// one at a time (after a seeded pause of up to 1 s each), then deleted and created again as a burst. Removes
// everything it made, also on SIGINT.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request } from '../src/support/api.js';
import { PingNet, type VethPair } from '../src/support/captures.js';
import { until } from '../src/support/net.js';
import { ServiceProcess } from '../src/support/processes.js';
import { query } from '../src/support/ws.js';
import { latencySummary } from './analyzer-poll.js';
import type { BenchContext, Benchmark } from './benchmark.js';
import { CaptureObserver, startsInLog } from './capture-observer.js';
import { Prng } from './prng.js';
import { fmtTime, type BenchReport, type Measurement } from './report.js';

const PAIRS = 25;
const PING_INTERVAL_S = '0.1';
/** Pings stop by themselves after this long, whatever happens to this process. */
const PING_DEADLINE_S = '900';
const COUNTED_TIMEOUT_MS = 10_000;
const GOAL_P95_MS = 1000;
/** Longest pause before each capture of the one-at-a-time phase (uniform, seeded). */
const PAUSE_MAX_MS = 1000;
const SEED = 20_250_611;

/** One capture's timeline, in performance.now() ms. */
interface Sample {
  id: string;
  t0: number;
  posted: number;
  started?: number;
  active?: number;
  counted?: number;
}

type Summary = ReturnType<typeof latencySummary>;
const lat = (s: Summary): string => `${fmtTime(s.median)}; ${fmtTime(s.p95)}; ${fmtTime(s.max)} (${s.n} samples)`;
const span = (samples: readonly Sample[], from: (s: Sample) => number | undefined, to: (s: Sample) => number | undefined): Summary => {
  const out: number[] = [];
  for (const s of samples) {
    const a = from(s);
    const b = to(s);
    if (a !== undefined && b !== undefined) out.push(b - a);
  }
  return latencySummary(out);
};

/** Creates a capture on the interface `name`; returns its timeline so far. */
async function create(base: string, name: string): Promise<Sample> {
  const t0 = performance.now();
  const r = await request<{ UUID: string }>(base, 'POST', '/api/capture', { GremlinQuery: `G.V().Has('Name', '${name}')`, Name: 'bench' });
  if (r.status !== 201) throw new Error(`POST /api/capture: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.UUID, t0, posted: performance.now() };
}

/** Fills in what the analyzer showed and when the agent opened each source. */
function complete(samples: Sample[], observer: CaptureObserver, agent: ServiceProcess): void {
  const starts = startsInLog(agent.output);
  for (const s of samples) {
    const seen = observer.sighting(s.id);
    s.started = starts.get(s.id);
    s.active = seen.activeAt;
    s.counted = seen.countedAt;
  }
}

/** Deletes every capture and waits until no interface of the run lists one. */
async function clear(base: string, samples: readonly Sample[], names: string): Promise<void> {
  for (const s of samples) await request(base, 'DELETE', `/api/capture/${s.id}`);
  await until(async () => {
    const r = await query(base, `G.V().Has('Name', Regex('${names}')).Values('Captures')`);
    return Array.isArray(r.body) && r.body.length === 0 ? true : undefined;
  }, 20_000, 'every capture stopped');
}

interface Measured {
  sequential: Sample[];
  burst: Sample[];
  burstSpanMs: number;
}

async function measure(ctx: BenchContext, analyzer: ServiceProcess, agent: ServiceProcess, names: string[], pattern: string): Promise<Measured> {
  const base = analyzer.url;
  await until(async () => {
    const r = await query(base, `G.V().Has('Name', Regex('${pattern}')).Has('LinkFlags', 'UP').Values('TID')`);
    return Array.isArray(r.body) && r.body.length === names.length ? true : undefined;
  }, 30_000, `the ${names.length} veths up with their TID at the analyzer`);
  const observer = await CaptureObserver.open(analyzer.address);
  try {
    const sequential: Sample[] = [];
    const rng = new Prng(SEED);
    for (const name of names) {
      // a seeded pause, so creations do not fall at a fixed phase of the agent's periodic stats refresh
      await new Promise((r) => setTimeout(r, rng.int(PAUSE_MAX_MS)));
      const s = await create(base, name);
      sequential.push(s);
      await observer.counted(s.id, COUNTED_TIMEOUT_MS);
    }
    complete(sequential, observer, agent);
    ctx.log(`one at a time: ${sequential.filter((s) => s.counted !== undefined).length}/${names.length} counted`);
    await clear(base, sequential, pattern);

    const burst: Sample[] = [];
    for (const name of names) burst.push(await create(base, name));
    await Promise.all(burst.map((s) => observer.counted(s.id, COUNTED_TIMEOUT_MS)));
    complete(burst, observer, agent);
    const last = Math.max(...burst.map((s) => s.counted ?? Infinity));
    ctx.log(`burst: ${burst.filter((s) => s.counted !== undefined).length}/${names.length} counted; ${observer.messages} subscriber messages in all`);
    await clear(base, burst, pattern);
    return { sequential, burst, burstSpanMs: last - (burst[0] as Sample).t0 };
  } finally {
    observer.close();
  }
}

function report(m: Measured): BenchReport {
  const seqTotal = span(m.sequential, (s) => s.t0, (s) => s.counted);
  const missed = m.sequential.filter((s) => s.counted === undefined).length + m.burst.filter((s) => s.counted === undefined).length;
  const measurements: Measurement[] = [
    { label: 'one at a time: POST → packets counted at the analyzer (median; p95; max)', value: lat(seqTotal) },
    { label: '  POST answered (validation, etcd put)', value: lat(span(m.sequential, (s) => s.t0, (s) => s.posted)) },
    { label: '  POST → source open on the agent (watch, resolve, order, open)', value: lat(span(m.sequential, (s) => s.t0, (s) => s.started)) },
    { label: '  source open → active at the analyzer', value: lat(span(m.sequential, (s) => s.started, (s) => s.active)) },
    { label: '  active → packets counted at the analyzer', value: lat(span(m.sequential, (s) => s.active, (s) => s.counted)) },
    { label: 'burst of 50: POST → packets counted (median; p95; max)', value: lat(span(m.burst, (s) => s.t0, (s) => s.counted)) },
    { label: '  POST answered', value: lat(span(m.burst, (s) => s.t0, (s) => s.posted)) },
    { label: '  POST answered → source open on the agent', value: lat(span(m.burst, (s) => s.posted, (s) => s.started)) },
    { label: '  source open → active at the analyzer', value: lat(span(m.burst, (s) => s.started, (s) => s.active)) },
    { label: '  active → packets counted at the analyzer', value: lat(span(m.burst, (s) => s.active, (s) => s.counted)) },
    { label: 'burst of 50: first POST → last counted', value: fmtTime(m.burstSpanMs) },
    { label: `not counted within ${COUNTED_TIMEOUT_MS / 1000} s`, value: String(missed) },
  ];
  return {
    name: 'capture-latency',
    title: '(k) capture created → packets counted on its interface, 50 captures',
    measurements,
    goals: [{ goal: `p95 ≤ ${GOAL_P95_MS} ms, one capture at a time`, measured: fmtTime(seqTotal.p95), met: missed === 0 && seqTotal.p95 <= GOAL_P95_MS }],
    notes: [
      `${PAIRS} namespace pairs, each pinging its peer every ${PING_INTERVAL_S} s; one capture per veth end (${PAIRS * 2}); analyzer (embedded etcd, no history) and agent as processes`,
      'times: POST sent by this process; "source open" from the agent\'s "capture started" log line (ms); "active" and "counted" when /ws/subscriber delivered the node update',
    ],
  };
}

async function run(ctx: BenchContext): Promise<BenchReport> {
  const net = new PingNet();
  const pings: ChildProcess[] = [];
  let analyzer: ServiceProcess | undefined;
  let agent: ServiceProcess | undefined;
  // on a signal or a crash, `finally` does not run: stop the pings and the agent, remove the namespaces
  const onExit = (): void => {
    for (const p of pings) p.kill('SIGKILL');
    agent?.child.kill('SIGKILL');
    analyzer?.child.kill('SIGKILL');
    net.net.cleanup();
  };
  const onSignal = (): void => process.exit(130);
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    net.route();
    const pairs: VethPair[] = Array.from({ length: PAIRS }, (_, i) => net.pair(`${i}`));
    for (const p of pairs) {
      pings.push(spawn('ip', ['netns', 'exec', p.ns1, 'ping', '-q', '-i', PING_INTERVAL_S, '-w', PING_DEADLINE_S, `${p.prefix}.2`], { stdio: 'ignore' }));
    }
    analyzer = await ServiceProcess.start('analyzer', { TOPOFLOW_ETCD_ENABLED: 'true', TOPOFLOW_ANALYZER_HISTORY_BACKEND: 'none' });
    agent = await ServiceProcess.start('agent', {
      TOPOFLOW_HOST_ID: `bench-capture-${randomUUID().slice(0, 8)}`, TOPOFLOW_AGENT_ANALYZERS: `[${analyzer.address}]`,
      TOPOFLOW_AGENT_TOPOLOGY_PROBES: '[netlink, netns]',
    });
    const names = pairs.flatMap((p) => [p.va, p.vb]);
    const measured = await measure(ctx, analyzer, agent, names, `${net.net.prefix}[0-9]+v[ab]`);
    return report(measured);
  } finally {
    for (const p of pings) p.kill('SIGTERM');
    await agent?.stop();
    await analyzer?.stop();
    net.cleanup();
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The capture latency benchmark. */
export const captureLatencyBenchmark: Benchmark = {
  name: 'capture-latency', title: '(k) capture created → packets counted on its interface, 50 captures', run,
};
