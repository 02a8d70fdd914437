// Renders tests/bench/RESULTS.md from the reports of a run: machine, how to reproduce, goals, every number.
import type { MachineInfo } from './machine.js';
import type { BenchReport } from './report.js';

/** How the run was made, for the reproduction section. */
export interface RunInfo {
  command: string;
  size: string;
  durationSec: number;
  commit: string;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The Markdown text of RESULTS.md. */
export function renderResults(reports: readonly BenchReport[], machine: MachineInfo, run: RunInfo): string {
  const out: string[] = [
    '# Benchmark results',
    '',
    'Numbers of the last full run of `npm run bench` (see `README.md` for what each benchmark measures).',
    'Every ratio compares two measurements taken in the same run on the same machine.',
    '',
    '## Machine',
    '',
    `- CPU: ${machine.cpuModel}, ${machine.cores} cores available`,
    `- Memory: ${machine.memoryGiB} GiB`,
    `- Node: ${machine.node} (${machine.platform})`,
    `- Date: ${machine.date}`,
    `- Commit: ${run.commit}`,
    `- Topology size: ${run.size}; whole run took ${run.durationSec.toFixed(0)} s`,
    '',
    '## Reproduce',
    '',
    '```sh',
    run.command,
    '```',
    '',
    '## Goals',
    '',
    '| benchmark | goal | measured | status |',
    '|---|---|---|---|',
  ];
  for (const r of reports) {
    for (const g of r.goals) out.push(`| ${r.name} | ${cell(g.goal)} | ${cell(g.measured)} | ${g.met ? 'met' : '**not met**'} |`);
  }
  for (const r of reports) {
    out.push('', `## ${r.name}: ${r.title}`, '', '| measurement | value |', '|---|---|');
    for (const m of r.measurements) out.push(`| ${cell(m.label)} | ${cell(m.value)} |`);
    if (r.notes.length > 0) out.push('');
    for (const n of r.notes) out.push(`- ${n}`);
  }
  out.push('');
  return out.join('\n');
}
