// The shape every benchmark module exports, and what the runner gives it.
import type { BenchReport } from './report.js';
import type { SyntheticSize } from './synthetic.js';

/** What a benchmark receives from the runner. */
export interface BenchContext {
  /** Topology size to build. */
  size: SyntheticSize;
  /** Prints a progress or detail line. */
  log(line: string): void;
}

/** A runnable benchmark. */
export interface Benchmark {
  /** Name used on the command line. */
  name: string;
  /** One-line description. */
  title: string;
  run(ctx: BenchContext): Promise<BenchReport>;
}

/** Runs full garbage collections (the runner starts Node with --expose-gc), so a measurement starts clean. */
export function forceGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('benchmarks need node --expose-gc: run them through run.js');
  for (let i = 0; i < 3; i++) gc();
}
