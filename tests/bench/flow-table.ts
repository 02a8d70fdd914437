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

interface OurRun {
  ms: number;
  flows: number;
  sent: number;
  gcCount: number;
  gcMs: number;
  p50Ns: number;
  p99Ns: number;
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
  await readPcapFile(path, sink);
  const flows = table.size;
  table.stop();
  const ms = performance.now() - started;
  await new Promise((r) => setImmediate(r));
  obs.disconnect();
  const sorted = samples.subarray(0, s).sort();
  return { ms, flows, sent, gcCount, gcMs, p50Ns: quantile(sorted, 0.5), p99Ns: quantile(sorted, 0.99) };
}

async function runSoftflowd(path: string, dir: string): Promise<{ ms: number; datagrams: number }> {
  const sock = createSocket('udp4');
  let datagrams = 0;
  sock.on('message', () => datagrams++);
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const port = sock.address().port;
  try {
    const started = performance.now();
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('softflowd', ['-r', path, '-n', `127.0.0.1:${port}`, '-v', '9', '-p', join(dir, 'softflowd.pid')], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    const ms = performance.now() - started;
    if (code !== 0) throw new Error(`softflowd exited with ${code}`);
    await new Promise((r) => setTimeout(r, 100));
    return { ms, datagrams };
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
    const ours = await runOurs(path);
    const soft = await runSoftflowd(path, dir);
    ctx.log(`ours ${fmtTime(ours.ms)} (${ours.flows} flows, ${ours.sent} sent), softflowd ${fmtTime(soft.ms)} (${soft.datagrams} datagrams)`);
    const ratio = soft.ms / ours.ms;
    return {
      name: 'flow-table',
      title: 'pcap reader + decoder + flow table vs softflowd, 1M packets',
      measurements: [
        { label: 'trace', value: `${PACKETS.toLocaleString('en-US')} packets, ${TUPLES} 5-tuples (UDP and TCP, 42–106 bytes), ${fmtBytes(bytes)}` },
        { label: 'ours: read + decode + table + stop', value: `${fmtTime(ours.ms)} (${fmtRate(PACKETS / (ours.ms / 1000), 'packets')})` },
        { label: 'ours: flows in the table / sent on stop', value: `${ours.flows} / ${ours.sent}` },
        { label: 'ours: GC during the run', value: `${ours.gcCount} collections, ${fmtTime(ours.gcMs)}` },
        { label: `ours: decode + update per packet (1 in ${SAMPLE_EVERY} timed)`, value: `median ${(ours.p50Ns / 1000).toFixed(2)} µs, p99 ${(ours.p99Ns / 1000).toFixed(2)} µs` },
        { label: 'softflowd -r FILE -v 9 (process wall time)', value: `${fmtTime(soft.ms)} (${soft.datagrams} export datagrams)` },
        { label: 'ratio softflowd / ours', value: fmtRatio(ratio) },
      ],
      goals: [{ goal: 'softflowd time / our time ≥ 1.0', measured: fmtRatio(ratio), met: ratio >= 1 }],
      notes: ['our time includes reading the file through a stream (1 MiB chunks) and the final stop(); softflowd\'s includes its process start'],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The flow-table benchmark. */
export const flowTableBenchmark: Benchmark = { name: 'flow-table', title: 'pcap + decoder + flow table vs softflowd', run };
