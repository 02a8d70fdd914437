// The benchmark runner: runs every benchmark (or those named) each in a fresh Node process started with
// --expose-gc, prints their numbers and goals, and rewrites RESULTS.md after a full run.
import { fork, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Benchmark } from './benchmark.js';
import { captureLatencyBenchmark } from './capture-latency.js';
import { eventsBenchmark } from './events.js';
import { flowTableBenchmark } from './flow-table.js';
import { historyBenchmarks } from './history.js';
import { liveCaptureBenchmark } from './live-capture.js';
import { machineInfo } from './machine.js';
import { memoryBenchmark } from './memory.js';
import { namespacesBenchmark } from './namespaces.js';
import { pipelineBenchmark, pipelineNoHistoryBenchmark } from './pipeline.js';
import { queriesBenchmark } from './queries.js';
import { formatReport, type BenchReport } from './report.js';
import { restBenchmark } from './rest.js';
import { renderResults } from './results-md.js';
import { syntheticBenchmark } from './synthetic-bench.js';
import type { SyntheticSize } from './synthetic.js';

const BENCHMARKS: readonly Benchmark[] = [
  syntheticBenchmark, queriesBenchmark, restBenchmark, eventsBenchmark, pipelineBenchmark, pipelineNoHistoryBenchmark, namespacesBenchmark, memoryBenchmark,
  ...historyBenchmarks, flowTableBenchmark, captureLatencyBenchmark, liveCaptureBenchmark,
];
const SELF = fileURLToPath(import.meta.url);
/** tests/bench in the sources (this file runs from tests/dist/bench). */
const BENCH_SRC = join(dirname(SELF), '../../bench');
const REPO = join(BENCH_SRC, '../..');

const USAGE = `usage: npm run bench -- [name…] [--size small|full] [--write] [--list]
  names: ${BENCHMARKS.map((b) => b.name).join(', ')} (default: all)
  --size   topology size (default full: ~100k nodes, ~200k edges)
  --write  rewrite RESULTS.md even for a partial or small run (a full run of all benchmarks always does)`;

function parse(): { names: string[]; size: SyntheticSize; write: boolean; list: boolean; child?: string } {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      size: { type: 'string', default: 'full' },
      write: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      child: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (values.size !== 'full' && values.size !== 'small') throw new Error(`--size must be small or full\n${USAGE}`);
  for (const n of positionals) if (!BENCHMARKS.some((b) => b.name === n)) throw new Error(`unknown benchmark "${n}"\n${USAGE}`);
  return { names: positionals, size: values.size, write: values.write, list: values.list, child: values.child };
}

/** Child mode: runs one benchmark in this process and sends its report to the parent. */
async function runChild(name: string, size: SyntheticSize): Promise<void> {
  const bench = BENCHMARKS.find((b) => b.name === name) as Benchmark;
  const report = await bench.run({ size, log: (line) => console.log(`  [${name}] ${line}`) });
  for (const line of formatReport(report)) console.log(line);
  await new Promise<void>((resolve, reject) => process.send?.(report, (err: Error | null) => (err ? reject(err) : resolve())));
}

function runInChild(name: string, size: SyntheticSize): Promise<BenchReport> {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, ['--child', name, '--size', size], { execArgv: ['--expose-gc', ...process.execArgv] });
    let report: BenchReport | undefined;
    child.on('message', (m) => {
      report = m as BenchReport;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (report !== undefined && code === 0) resolve(report);
      else reject(new Error(`benchmark ${name} failed (exit ${code ?? signal})`));
    });
  });
}

function currentCommit(): string {
  try {
    const sha = execFileSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', REPO, 'status', '--porcelain'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const args = parse();
  if (args.child !== undefined) return runChild(args.child, args.size);
  if (args.list) {
    for (const b of BENCHMARKS) console.log(`${b.name.padEnd(20)} ${b.title}`);
    return;
  }
  const selected = args.names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => args.names.includes(b.name));
  const started = performance.now();
  const reports: BenchReport[] = [];
  const failed: string[] = [];
  for (const b of selected) {
    console.log(`\n-- running ${b.name} (${args.size} topology)`);
    try {
      reports.push(await runInChild(b.name, args.size));
    } catch (err) {
      console.error(`  ${(err as Error).message}`);
      failed.push(b.name);
    }
  }
  console.log('\n== goals');
  for (const r of reports) for (const g of r.goals) console.log(`  ${g.met ? 'MET    ' : 'NOT MET'}  ${r.name}: ${g.goal} (${g.measured})`);
  for (const f of failed) console.log(`  FAILED   ${f}`);
  const complete = selected.length === BENCHMARKS.length && args.size === 'full' && failed.length === 0;
  if (complete || args.write) {
    const command = `npm run bench${args.size === 'small' ? ' -- --size small' : ''}`;
    const durationSec = (performance.now() - started) / 1000;
    const text = renderResults(reports, machineInfo(), { command, size: args.size, durationSec, commit: currentCommit() });
    writeFileSync(join(BENCH_SRC, 'RESULTS.md'), text);
    console.log(`\nwrote ${join(BENCH_SRC, 'RESULTS.md')}`);
  } else {
    console.log('\nRESULTS.md left unchanged (partial run; pass --write to rewrite it)');
  }
  if (failed.length > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
