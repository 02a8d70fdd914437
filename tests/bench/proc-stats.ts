// Resource use of another process from /proc: resident memory (VmRSS) and CPU time (utime + stime), so the
// namespace benchmark can judge the agent process on its own numbers.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One reading of a process. */
export interface ProcSample {
  /** Resident set size in bytes (VmRSS). */
  rssBytes: number;
  /** utime + stime in seconds. */
  cpuSec: number;
  /** performance.now() at the reading, in ms. */
  atMs: number;
}

let clockTicks: number | undefined;

/** The kernel's clock ticks per second (the unit of utime and stime). */
function ticksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicks;
}

/** Reads VmRSS and utime + stime of `pid`; throws when the process is gone. */
export function readProcess(pid: number): ProcSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // fields after the command name (which may hold spaces) start at field 3: state; utime and stime are 14 and 15
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[11]) + Number(rest[12]);
  return { rssBytes: Number(rss?.[1] ?? NaN) * 1024, cpuSec: ticks / ticksPerSecond(), atMs: performance.now() };
}

/** CPU use between two readings, in percent of one core. */
export function cpuPercent(from: ProcSample, to: ProcSample): number {
  return (100 * (to.cpuSec - from.cpuSec)) / ((to.atMs - from.atMs) / 1000);
}

/** Samples the process every `stepMs` for `durationMs`; returns every reading, the first at the start. */
export async function sampleProcess(pid: number, durationMs: number, stepMs: number): Promise<ProcSample[]> {
  const samples = [readProcess(pid)];
  const end = (samples[0] as ProcSample).atMs + durationMs;
  while (performance.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(stepMs, Math.max(0, end - performance.now()))));
    samples.push(readProcess(pid));
  }
  return samples;
}
