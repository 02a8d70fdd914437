#!/usr/bin/env node
// Entry point of the topoflow command: runs the CLI and turns errors into a message and an exit code.
import { readFileSync } from 'node:fs';
import { runCli } from './cli.js';
import { USAGE } from './usage.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const abort = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => abort.abort());

try {
  await runCli(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    info: (t) => process.stderr.write(t + '\n'),
    env: process.env,
  }, version, abort.signal);
} catch (err) {
  const e = err as { code?: string; message?: string; details?: { position?: number; problems?: string[] } };
  const where = e.details?.position === undefined ? '' : ` (at position ${e.details.position})`;
  process.stderr.write(`topoflow: ${e.message ?? String(err)}${where}${e.code ? ` [${e.code}]` : ''}\n`);
  if (e.code === 'CLI_USAGE') process.stderr.write(`\n${USAGE}`);
  process.exitCode = e.code === 'CLI_USAGE' ? 2 : 1;
}
