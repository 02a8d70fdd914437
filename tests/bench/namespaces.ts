// Benchmark (h): an agent process (probes netlink + netns) watching 200 test namespaces, each with a veth pair to
// the root namespace: its RSS and idle CPU, and how fast a new namespace and an interface change reach the
// analyzer (in this process, polled over REST). Sends no traffic; removes everything it made, also on SIGINT.
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Analyzer } from '@topoflow/analyzer';
import { startLoopbackAnalyzer } from './analyzer-harness.js';
import { ServiceProcess } from '../src/support/processes.js';
import { latencySummary, pollUntil, POLL_MS, type RestNode } from './analyzer-poll.js';
import type { BenchContext, Benchmark } from './benchmark.js';
import { GraphActivity, type WindowActivity } from './graph-activity.js';
import { CHANGE_KINDS, runChanges, type ChangeResult } from './namespace-changes.js';
import { BenchNamespaces, type TestNamespace } from './netns-fixture.js';
import { cpuPercent, readProcess, sampleProcess, type ProcSample } from './proc-stats.js';
import { fmtTime, type BenchReport, type GoalCheck, type Measurement } from './report.js';

const GOAL_RSS_BYTES = 150e6;
const GOAL_VISIBLE_MS = 1000;
const GOAL_CHANGE_P95_MS = 200;
const GOAL_IDLE_CPU_PCT = 1;
const SAMPLE_EVERY = 10;
const CHANGES = 100;
const BASELINE_MS = 10_000;
const IDLE_MS = 20_000;
const METRICS_INTERVAL_MS = 30_000;
/** Set to 1 to have the agent watch only this run's namespaces (a private run directory), on a shared host. */
const PRIVATE_ENV = 'BENCH_NETNS_PRIVATE';

const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB (${(b / 1024 / 1024).toFixed(1)} MiB)`;
const pct = (p: number): string => (Number.isFinite(p) ? `${p.toFixed(2)} %` : 'n/a');
const lat = (s: ReturnType<typeof latencySummary>): string => `${fmtTime(s.median)}; ${fmtTime(s.p95)}; ${fmtTime(s.max)} (${s.n} samples)`;

/** Everything measured while the namespaces exist. */
interface Measured {
  count: number;
  baseline: { rss: number; samples: ProcSample[] };
  visible: Visibility;
  createMs: number;
  allVisibleMs: number | undefined;
  changes: ChangeResult[];
  rssAfterCreate: number;
  rssMax: number;
  baselineActivity: WindowActivity;
  idle: ProcSample[];
  idleActivity: WindowActivity;
  originNodes: number;
  /** Namespaces not made by this run: at the baseline, after the idle window. */
  others: [number, number];
}


/** The namespace and its veth end, with its address, as the analyzer shows them. */
const visibleQuery = (t: TestNamespace): string => `G.V().Has('Name', '${t.ns}').Out('Name', '${t.inner}')`;
const hasAddress = (t: TestNamespace) => (nodes: RestNode[]): boolean => {
  const ips = nodes[0]?.Metadata.IPV4;
  return nodes.length === 1 && Array.isArray(ips) && ips.includes(t.address);
};

/** Latencies (ms) of namespaces made alone and of bursts, and how many did not show within 5 s. */
interface Visibility {
  alone: number[];
  /** Of the namespaces made alone: the `ip` commands; until the netns node alone was visible. */
  aloneIp: number[];
  aloneNode: number[];
  burst: number[];
  missed: number;
}

/**
 * Creates the namespaces by groups of SAMPLE_EVERY: the first alone, timed until the analyzer shows it, then the rest
 * of the group as one burst (one `ip -batch`), timed until the analyzer shows the last of them.
 */
async function createTimed(ctx: BenchContext, base: string, fixture: BenchNamespaces, all: TestNamespace[]): Promise<Visibility> {
  const v: Visibility = { alone: [], aloneIp: [], aloneNode: [], burst: [], missed: 0 };
  for (let g = 0; g < all.length; g += SAMPLE_EVERY) {
    const sample = all[g] as TestNamespace;
    const t0 = performance.now();
    const made = fixture.create([sample]).then(() => v.aloneIp.push(performance.now() - t0));
    const [node, at] = await Promise.all([
      pollUntil(base, `G.V().Has('Name', '${sample.ns}')`, (n) => n.length === 1, 5000),
      pollUntil(base, visibleQuery(sample), hasAddress(sample), 5000),
    ]);
    await made;
    if (node !== undefined) v.aloneNode.push(node - t0);
    if (at === undefined) v.missed++;
    else v.alone.push(at - t0);
    const group = all.slice(g + 1, g + SAMPLE_EVERY);
    if (group.length === 0) continue;
    const t1 = performance.now();
    await fixture.create(group);
    const ats = await Promise.all(group.map((t) => pollUntil(base, visibleQuery(t), hasAddress(t), 5000)));
    if (ats.some((a) => a === undefined)) v.missed += ats.filter((a) => a === undefined).length;
    else v.burst.push(Math.max(...(ats as number[])) - t1);
  }
  ctx.log(`created ${all.length} namespaces; ${v.alone.length} alone and ${v.burst.length} bursts timed, ${v.missed} not visible within 5 s`);
  ctx.log(`alone, visible (ms): ${v.alone.map((x) => x.toFixed(0)).join(' ')}; bursts: ${v.burst.map((x) => x.toFixed(0)).join(' ')}`);
  return v;
}

async function measure(ctx: BenchContext, base: string, fixture: BenchNamespaces, agent: ServiceProcess, hostId: string, activity: GraphActivity, analyzer: Analyzer): Promise<Measured> {
  const pid = agent.child.pid as number;
  const host = await pollUntil(base, `G.V().Has('Name', '${hostId}')`, (n) => n.length === 1, 15_000);
  if (host === undefined) throw new Error('the agent host node did not reach the analyzer');
  await sleep(2000);
  const othersBefore = fixture.othersCount();
  const baseSamples = await sampleProcess(pid, BASELINE_MS, 1000);
  const b0 = baseSamples[0] as ProcSample;
  const b1 = baseSamples[baseSamples.length - 1] as ProcSample;
  const baseline = { rss: Math.max(...baseSamples.map((s) => s.rssBytes)), samples: baseSamples };
  const baselineActivity = activity.between(b0.atMs, b1.atMs);
  ctx.log(`baseline (0 test namespaces): RSS ${mb(baseline.rss)}, CPU ${pct(cpuPercent(b0, b1))}`);

  const count = ctx.size === 'small' ? 40 : 200;
  const all = Array.from({ length: count }, (_, i) => fixture.describe(i));
  const c0 = performance.now();
  const visible = await createTimed(ctx, base, fixture, all);
  const createMs = performance.now() - c0;
  const everyQuery = `G.V().Has('Name', '${hostId}').Out('Type', 'netns').Out('Type', 'veth')`;
  // other programs' namespaces may hold veths too: count only this run's
  const ours = (n: RestNode[]): RestNode[] => n.filter((x) => String(x.Metadata.Name).startsWith(`tfb${fixture.run}i`));
  const everyAt = await pollUntil(base, everyQuery, (n) => ours(n).length === count && ours(n).every((x) => Array.isArray(x.Metadata.IPV4) && x.Metadata.IPV4.length > 0), 30_000);
  const allVisibleMs = everyAt === undefined ? undefined : everyAt - c0;
  await sleep(1000);
  const rssAfterCreate = readProcess(pid).rssBytes;
  ctx.log(`all ${count} visible after ${fmtTime(allVisibleMs ?? NaN)}; agent RSS ${mb(rssAfterCreate)}`);

  const changes = await runChanges(base, all, CHANGES, 5000);
  ctx.log(`${changes.length} interface changes made`);
  await sleep(1000);
  const idle = await sampleProcess(pid, IDLE_MS, 1000);
  const i0 = (idle[0] as ProcSample).atMs;
  const idleActivity = activity.between(i0, (idle[idle.length - 1] as ProcSample).atMs);
  const rssMax = Math.max(rssAfterCreate, ...idle.map((s) => s.rssBytes));
  const originNodes = analyzer.graph.lookupNodes('@Origin', `agent.${hostId}`)?.length ?? 0;
  return { count, baseline, visible, createMs, allVisibleMs, changes, rssAfterCreate, rssMax, baselineActivity, idle, idleActivity, originNodes, others: [othersBefore, fixture.othersCount()] };
}

/** CPU of a window of samples: overall; over its one-second steps during which the analyzer's graph got no event. */
interface WindowCpu {
  all: number;
  quiet: number;
  quietSec: number;
  maxStep: number;
  /** CPU ms of one metrics tick (the steps holding a tick, less the quiet rate), when the window holds one. */
  tickMs: number | undefined;
}

function windowCpu(samples: readonly ProcSample[], activity: WindowActivity): WindowCpu {
  const from = (samples[0] as ProcSample).atMs;
  const steps = samples.slice(1).map((b, i) => {
    const a = samples[i] as ProcSample;
    // events reach the analyzer a few ms after the agent's work: widen the step by 100 ms on each side
    const holds = (t: number): boolean => t >= a.atMs - 100 && t <= b.atMs + 100;
    return { cpu: b.cpuSec - a.cpuSec, wall: (b.atMs - a.atMs) / 1000, quiet: !activity.instants.some(holds), tick: activity.ticks.some((t) => holds(t + from)) };
  });
  const sum = (xs: typeof steps, f: (x: (typeof steps)[number]) => number): number => xs.reduce((acc, x) => acc + f(x), 0);
  const quiet = steps.filter((x) => x.quiet);
  const quietRate = sum(quiet, (x) => x.cpu) / sum(quiet, (x) => x.wall);
  const tickSteps = steps.filter((x) => x.tick);
  const tickMs = activity.ticks.length === 0 || !Number.isFinite(quietRate)
    ? undefined
    : (1000 * (sum(tickSteps, (x) => x.cpu) - quietRate * sum(tickSteps, (x) => x.wall))) / activity.ticks.length;
  return {
    all: cpuPercent(samples[0] as ProcSample, samples[samples.length - 1] as ProcSample),
    quiet: 100 * quietRate, quietSec: sum(quiet, (x) => x.wall),
    maxStep: Math.max(0, ...steps.map((x) => (100 * x.cpu) / x.wall)), tickMs,
  };
}

/** One line on a window's activity. */
function activityNote(a: WindowActivity): string {
  const ticks = a.ticks.length === 0 ? 'no metrics tick' : `${a.ticks.length} metrics tick(s) at ${a.ticks.map((t) => `+${(t / 1000).toFixed(1)} s`).join(', ')}`;
  return `${ticks}; ${a.topologyEvents} other graph events`;
}

function report(m: Measured, left: { namespaces: string[]; links: string[] }, runDir: string | undefined): BenchReport {
  const vis = latencySummary(m.visible.alone);
  const burst = latencySummary(m.visible.burst);
  const worst = Math.max(vis.max, burst.max);
  const ok = m.changes.filter((c) => c.ms !== undefined).map((c) => c.ms as number);
  const missed = m.changes.length - ok.length;
  const chg = latencySummary(ok);
  const cpu = windowCpu(m.idle, m.idleActivity);
  const baseCpu = windowCpu(m.baseline.samples, m.baselineActivity);
  const perKind = CHANGE_KINDS.map((k) => {
    const s = latencySummary(m.changes.filter((c) => c.kind === k && c.ms !== undefined).map((c) => c.ms as number));
    return `${k} ${fmtTime(s.median)}/${fmtTime(s.p95)}`;
  });
  const measurements: Measurement[] = [
    { label: 'agent baseline, 0 test namespaces: RSS; CPU', value: `${mb(m.baseline.rss)}; ${pct(baseCpu.all)} over ${BASELINE_MS / 1000} s (${pct(baseCpu.quiet)} over its ${baseCpu.quietSec.toFixed(0)} s with no graph event)` },
    { label: 'baseline window: activity at the analyzer', value: activityNote(m.baselineActivity) },
    { label: 'namespaces created (with the timed waits); all visible', value: `${m.count} in ${fmtTime(m.createMs)}; all at the analyzer after ${fmtTime(m.allVisibleMs ?? NaN)}` },
    { label: 'namespace made alone: `ip` commands; median; p95', value: `${fmtTime(latencySummary(m.visible.aloneIp).median)}; ${fmtTime(latencySummary(m.visible.aloneIp).p95)}` },
    { label: 'made alone, netns node visible: median; p95; max', value: lat(latencySummary(m.visible.aloneNode)) },
    { label: 'made alone, netns + interface visible: median; p95; max', value: lat(vis) },
    { label: `burst of ${SAMPLE_EVERY - 1} new namespaces, last visible: median; p95; max`, value: `${lat(burst)}${m.visible.missed > 0 ? `; ${m.visible.missed} namespaces not within 5 s` : ''}` },
    { label: 'interface change visible: median; p95; max', value: `${lat(chg)}${missed > 0 ? `, ${missed} not within 5 s` : ''}` },
    { label: 'interface change by kind: median/p95', value: perKind.join('; ') },
    { label: `agent RSS with ${m.count} namespaces: after creation; max`, value: `${mb(m.rssAfterCreate)}; ${mb(m.rssMax)} (+${mb(m.rssMax - m.baseline.rss)} over baseline)` },
    { label: `agent idle CPU over ${IDLE_MS / 1000} s`, value: `${pct(cpu.all)} (worst 1 s step ${pct(cpu.maxStep)}; ${pct(cpu.quiet)} over its ${cpu.quietSec.toFixed(0)} s with no graph event)` },
    { label: 'idle window: activity at the analyzer', value: activityNote(m.idleActivity) },
    { label: 'one metrics tick: CPU; averaged over its 30 s period; + quiet rate', value: cpu.tickMs === undefined ? 'no tick in the window' : `${fmtTime(cpu.tickMs)}; ${pct((100 * cpu.tickMs) / METRICS_INTERVAL_MS)}; ${pct(cpu.quiet + (100 * cpu.tickMs) / METRICS_INTERVAL_MS)}` },
    { label: "analyzer: nodes of the agent's origin", value: String(m.originNodes) },
    { label: 'namespaces of other programs on the host: at baseline; after idle', value: `${m.others[0]}; ${m.others[1]}` },
    { label: 'left after cleanup (namespaces; root links)', value: `${left.namespaces.length}; ${left.links.length}` },
  ];
  const goals: GoalCheck[] = [
    { goal: `agent RSS ≤ 150 MB watching ${m.count} namespaces`, measured: mb(m.rssMax), met: m.rssMax <= GOAL_RSS_BYTES },
    { goal: `new namespace and its interface at the analyzer within ${fmtTime(GOAL_VISIBLE_MS)}`, measured: `alone max ${fmtTime(vis.max)}; burst of ${SAMPLE_EVERY - 1} max ${fmtTime(burst.max)}`, met: m.visible.missed === 0 && worst <= GOAL_VISIBLE_MS },
    { goal: `interface change at the analyzer p95 ≤ ${fmtTime(GOAL_CHANGE_P95_MS)}`, measured: `p95 ${fmtTime(chg.p95)}${missed > 0 ? `, ${missed} missed` : ''}`, met: missed === 0 && chg.p95 <= GOAL_CHANGE_P95_MS },
    { goal: `idle agent CPU ≤ ${GOAL_IDLE_CPU_PCT} % with ${m.count} namespaces`, measured: `${pct(cpu.all)} over ${IDLE_MS / 1000} s (${activityNote(m.idleActivity)})`, met: cpu.all <= GOAL_IDLE_CPU_PCT },
  ];
  return {
    name: 'namespaces',
    title: '(h) agent watching test namespaces: RSS, idle CPU, namespace and interface-change latency',
    measurements,
    goals,
    notes: [
      `agent: \`topoflow agent\` process, probes netlink + netns, default settings (metricsInterval ${METRICS_INTERVAL_MS / 1000} s); analyzer in this process, polled with POST /api/topology every ${POLL_MS} ms`,
      `namespaces created by groups of ${SAMPLE_EVERY} with \`ip -batch -\` and \`ip -n NS -batch -\`; the first of each group alone, then the other ${SAMPLE_EVERY - 1} as one burst, timed from before \`ip netns add\` until the analyzer shows the netns node's veth with its address (for the burst: the last one)`,
      `${CHANGES} changes (MTU, address add, link down, link up; stride 7 over the namespaces), each timed from the \`ip\` command's exit; root veth ends stay down with no address, and no traffic is sent`,
      'RSS from /proc/<pid>/status VmRSS, CPU from /proc/<pid>/stat utime+stime, sampled every second',
      runDir === undefined
        ? `the agent watches /var/run/netns, so namespaces and links of other programs count too (see the activity lines; ${PRIVATE_ENV}=1 narrows it)`
        : `${PRIVATE_ENV}=1: the agent watches a private run directory holding a bind mount of each test namespace; root-namespace links of other programs still count`,
    ],
  };
}

async function run(ctx: BenchContext): Promise<BenchReport> {
  const fixture = new BenchNamespaces(process.env[PRIVATE_ENV] === '1');
  const hostId = `bench-ns-${fixture.run}`;
  const { analyzer, address, dataDir } = await startLoopbackAnalyzer();
  const activity = new GraphActivity(analyzer);
  let agent: ServiceProcess | undefined;
  // on a signal or a crash, `finally` does not run: remove the namespaces and the agent synchronously
  const onExit = (): void => {
    agent?.child.kill('SIGKILL');
    fixture.cleanupSync();
  };
  const onSignal = (): void => process.exit(130);
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let measured: Measured;
  let left: { namespaces: string[]; links: string[] };
  try {
    agent = await ServiceProcess.start('agent', {
      TOPOFLOW_HOST_ID: hostId, TOPOFLOW_AGENT_ANALYZERS: `[${address}]`,
      TOPOFLOW_AGENT_TOPOLOGY_PROBES: '[netlink, netns]', TOPOFLOW_LOGGING_LEVEL: 'warn',
      ...(fixture.runDir === undefined ? {} : { TOPOFLOW_AGENT_TOPOLOGY_NETNS_RUN_PATHS: `[${fixture.runDir}]` }),
    });
    measured = await measure(ctx, `http://${address}`, fixture, agent, hostId, activity, analyzer);
  } finally {
    activity.stop();
    left = fixture.cleanupSync();
    await agent?.stop();
    await analyzer.stop();
    rmSync(dataDir, { recursive: true, force: true });
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  ctx.log(`cleanup: ${left.namespaces.length} namespaces and ${left.links.length} root links left`);
  return report(measured, left, fixture.runDir);
}

/** The namespace scale benchmark. */
export const namespacesBenchmark: Benchmark = { name: 'namespaces', title: '(h) agent with 200 namespaces: RSS, idle CPU, change latency', run };
