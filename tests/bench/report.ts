// What a benchmark hands back to the runner (measurements, goal checks, notes) and the unit formatting they share.
import type { Bench, Task } from 'tinybench';

/** One reported number, already formatted with its unit. */
export interface Measurement {
  label: string;
  value: string;
}

/** A goal from the design, the number it is judged on, and whether it is met. */
export interface GoalCheck {
  goal: string;
  measured: string;
  met: boolean;
}

/** The outcome of one benchmark. */
export interface BenchReport {
  name: string;
  title: string;
  measurements: Measurement[];
  goals: GoalCheck[];
  notes: string[];
}

/** Latency statistics of a tinybench task, in milliseconds, and its throughput in operations per second. */
export interface LatencyStats {
  medianMs: number;
  p99Ms: number;
  meanMs: number;
  opsPerSec: number;
  samples: number;
}

/** Formats a duration given in milliseconds with a unit that keeps it readable. */
export function fmtTime(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 1) return `${(ms * 1000).toFixed(2)} µs`;
  if (ms < 1000) return `${ms.toFixed(2)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Formats a rate with thousands separators. */
export function fmtRate(perSec: number, unit: string): string {
  return `${Math.round(perSec).toLocaleString('en-US')} ${unit}/s`;
}

/** Formats a byte count in KiB/MiB. */
export function fmtBytes(bytes: number): string {
  if (Math.abs(bytes) >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (Math.abs(bytes) >= 1024) return `${(bytes / 1024).toFixed(2)} KiB`;
  return `${Math.round(bytes)} B`;
}

/** Formats a ratio. */
export function fmtRatio(r: number): string {
  return r >= 100 ? `${Math.round(r).toLocaleString('en-US')}×` : `${r.toFixed(2)}×`;
}

/** Reads the statistics of a finished tinybench task; fails when the task errored. */
export function latencyOf(task: Task): LatencyStats {
  const r = task.result;
  if (r.state === 'errored') throw new Error(`benchmark task "${task.name}" failed: ${r.error.message}`, { cause: r.error });
  if (r.state !== 'completed' && r.state !== 'aborted-with-statistics') throw new Error(`benchmark task "${task.name}" did not run (${r.state})`);
  return {
    medianMs: r.latency.p50, p99Ms: r.latency.p99, meanMs: r.latency.mean,
    opsPerSec: r.throughput.mean, samples: r.latency.samplesCount,
  };
}

/** The statistics of a named task of a finished Bench. */
export function statsOf(bench: Bench, name: string): LatencyStats {
  const task = bench.getTask(name);
  if (task === undefined) throw new Error(`no benchmark task "${name}"`);
  return latencyOf(task);
}

/** The usual measurements of a latency benchmark: median, p99, throughput. */
export function latencyMeasurements(label: string, s: LatencyStats): Measurement[] {
  return [
    { label: `${label}: median`, value: fmtTime(s.medianMs) },
    { label: `${label}: p99`, value: fmtTime(s.p99Ms) },
    { label: `${label}: throughput`, value: `${fmtRate(s.opsPerSec, 'ops')} (${s.samples} samples)` },
  ];
}

/** Console lines for a report: the measurements, then each goal marked met or not met. */
export function formatReport(r: BenchReport): string[] {
  const width = Math.max(0, ...r.measurements.map((m) => m.label.length));
  const lines = [`== ${r.name}: ${r.title}`];
  for (const m of r.measurements) lines.push(`  ${m.label.padEnd(width)}  ${m.value}`);
  for (const g of r.goals) lines.push(`  goal ${g.goal}: ${g.measured} → ${g.met ? 'MET' : 'NOT MET'}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines;
}
