// Benchmark: pcap reading, packet decoding and the flow table over a 1,000,000-packet trace of 1,000 5-tuples,
// against softflowd reading the same file in the same run (NetFlow v9 export to a loopback socket).
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { defaultFlowTableOptions, FlowTable, readPcapFile, type Flow, type PacketSink } from '@topoflow/flow';
import { forceGc, type BenchContext, type Benchmark } from './benchmark.js';
import { writeFlowTrace } from './flow-trace.js';
import { fmtBytes, fmtRate, fmtRatio, fmtTime, type BenchReport } from './report.js';

const PACKETS = 1_000_000;
const TUPLES = 1_000;
/** One packet in SAMPLE_EVERY is timed on its own for the latency distribution. */
const SAMPLE_EVERY = 64;
/** Measured runs of each side, alternating (after one warm-up of ours); medians are reported. */
const RUNS = 5;

interface OurRun {
  ms: number;
  cpuMs: number;
  flows: number;
  sent: number;
  gcCount: number;
  gcMs: number;
  p50Ns: number;
  p99Ns: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** The run whose `key` is the median. */
function medianBy<T>(runs: T[], key: (r: T) => number): T {
  const s = [...runs].sort((a, b) => key(a) - key(b));
  return s[Math.floor(s.length / 2)] as T;
}

function quantile(sorted: BigInt64Array, q: number): number {
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0n);
}

async function runOurs(path: string): Promise<OurRun> {
  let sent = 0;
  const table = new FlowTable({ ...defaultFlowTableOptions(), nodeTID: 'bench' }, { sender: { sendFlows: (f: Flow[]) => { sent += f.length; } } });
  const samples = new BigInt64Array(Math.ceil(PACKETS / SAMPLE_EVERY) + 1);
  let n = 0, s = 0;
  const sink: PacketSink = {
    packet(d, o, c, w, ts, lt) {
      if (++n % SAMPLE_EVERY !== 0) return table.packet(d, o, c, w, ts, lt);
      const t0 = process.hrtime.bigint();
      table.packet(d, o, c, w, ts, lt);
      samples[s++] = process.hrtime.bigint() - t0;
    },
  };
  let gcCount = 0, gcMs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcCount++;
      gcMs += e.duration;
    }
  });
  forceGc();
  obs.observe({ entryTypes: ['gc'] });
  const started = performance.now();
  const cpu = process.cpuUsage();
  await readPcapFile(path, sink);
  const flows = table.size;
  table.stop();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await new Promise((r) => setImmediate(r));
  obs.disconnect();
  const sorted = samples.subarray(0, s).sort();
  return { ms, cpuMs: (used.user + used.system) / 1000, flows, sent, gcCount, gcMs, p50Ns: quantile(sorted, 0.5), p99Ns: quantile(sorted, 0.99) };
}

async function runSoftflowd(path: string, dir: string): Promise<{ ms: number; cpuMs: number; datagrams: number }> {
  const sock = createSocket('udp4');
  let datagrams = 0;
  sock.on('message', () => datagrams++);
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const port = sock.address().port;
  try {
    const started = performance.now();
    let times = '';
    const code = await new Promise<number | null>((resolve, reject) => {
      // GNU time reports the child's user and system CPU seconds on stderr
      const args = ['-f', '%U %S', 'softflowd', '-r', path, '-n', `127.0.0.1:${port}`, '-v', '9', '-p', join(dir, 'softflowd.pid')];
      const child = spawn('/usr/bin/time', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr.on('data', (d: Buffer) => { times += d.toString(); });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    const ms = performance.now() - started;
    if (code !== 0) throw new Error(`softflowd exited with ${code}: ${times}`);
    const [user = NaN, sys = NaN] = (times.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    await new Promise((r) => setTimeout(r, 100));
    return { ms, cpuMs: (user + sys) * 1000, datagrams };
  } finally {
    sock.close();
  }
}

async function run(ctx: BenchContext): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'topoflow-flow-bench-'));
  try {
    const path = join(dir, 'trace.pcap');
    const bytes = writeFlowTrace(path, { packets: PACKETS, tuples: TUPLES });
    ctx.log(`trace: ${PACKETS} packets, ${TUPLES} 5-tuples, ${fmtBytes(bytes)}`);
    await runOurs(path); // warm-up (JIT, page cache)
    const oursRuns: OurRun[] = [], softRuns: Array<{ ms: number; cpuMs: number; datagrams: number }> = [];
    for (let i = 0; i < RUNS; i++) {
      oursRuns.push(await runOurs(path));
      softRuns.push(await runSoftflowd(path, dir));
    }
    const ours = medianBy(oursRuns, (r) => r.ms);
    const soft = medianBy(softRuns, (r) => r.ms);
    const oursCpu = median(oursRuns.map((r) => r.cpuMs)), softCpu = median(softRuns.map((r) => r.cpuMs));
    ctx.log(`ours ${oursRuns.map((r) => fmtTime(r.ms)).join(', ')}; softflowd ${softRuns.map((r) => fmtTime(r.ms)).join(', ')}`);
    const ratio = soft.ms / ours.ms;
    const cpuRatio = softCpu / oursCpu;
    return {
      name: 'flow-table',
      title: 'pcap reader + decoder + flow table vs softflowd, 1M packets',
      measurements: [
        { label: 'trace', value: `${PACKETS.toLocaleString('en-US')} packets, ${TUPLES} 5-tuples (UDP and TCP, 42–106 bytes), ${fmtBytes(bytes)}` },
        { label: `ours: read + decode + table + stop (median of ${RUNS})`, value: `${fmtTime(ours.ms)} (${fmtRate(PACKETS / (ours.ms / 1000), 'packets')}), CPU ${fmtTime(oursCpu)}` },
        { label: 'ours: flows in the table / sent on stop', value: `${ours.flows} / ${ours.sent}` },
        { label: 'ours: GC during the run', value: `${ours.gcCount} collections, ${fmtTime(ours.gcMs)}` },
        { label: `ours: decode + update per packet (1 in ${SAMPLE_EVERY} timed)`, value: `median ${(ours.p50Ns / 1000).toFixed(2)} µs, p99 ${(ours.p99Ns / 1000).toFixed(2)} µs` },
        { label: `softflowd -r FILE -v 9: process wall time (median of ${RUNS})`, value: `${fmtTime(soft.ms)}, CPU ${fmtTime(softCpu)} (${soft.datagrams} export datagrams)` },
        { label: 'ratio softflowd / ours: wall time', value: fmtRatio(ratio) },
        { label: 'ratio softflowd / ours: CPU time', value: fmtRatio(cpuRatio) },
      ],
      goals: [{ goal: 'softflowd time / our time ≥ 1.0', measured: fmtRatio(ratio), met: ratio >= 1 }],
      notes: ['our time includes reading the file (1 MiB reads into two alternating buffers) and the final stop(); softflowd\'s includes its process start; CPU is user + system (softflowd through GNU time)'],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The flow-table benchmark. */
export const flowTableBenchmark: Benchmark = { name: 'flow-table', title: 'pcap + decoder + flow table vs softflowd', run };
