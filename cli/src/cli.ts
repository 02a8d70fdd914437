// Command routing for the topoflow command: parses the arguments and runs one command.
import { parseArgs } from 'node:util';
import { AppError } from '@topoflow/common';
import { serviceCommand } from './commands/service.js';
import { queryCommand } from './commands/query.js';
import { defaultHistoryFile, shellCommand } from './commands/shell.js';
import { subscribeCommand } from './commands/subscribe.js';
import { exportCommand } from './commands/topology-export.js';
import { importCommand } from './commands/topology-import.js';
import { captureCreateCommand, captureDeleteCommand, captureGetCommand, captureListCommand } from './commands/capture.js';
import type { CommandContext } from './commands/context.js';
import { pcapInjectCommand } from './commands/pcap.js';
import { usageError } from './errors.js';
import { USAGE } from './usage.js';

const OPTIONS = {
  analyzer: { type: 'string' },
  config: { type: 'string', short: 'c' },
  dump: { type: 'boolean' },
  format: { type: 'string' },
  gremlin: { type: 'string' },
  name: { type: 'string' },
  partial: { type: 'boolean' },
  count: { type: 'string' },
  at: { type: 'string' },
  window: { type: 'string' },
  type: { type: 'string' },
  bpf: { type: 'string' },
  description: { type: 'string' },
  'header-size': { type: 'string' },
  'raw-packets': { type: 'string' },
  'extra-tcp-metric': { type: 'boolean' },
  'ip-defrag': { type: 'boolean' },
  'reassemble-tcp': { type: 'boolean' },
  'layer-key-mode': { type: 'string' },
  'sampling-rate': { type: 'string' },
  'polling-interval': { type: 'string' },
  port: { type: 'string' },
  'node-tid': { type: 'string' },
  'capture-id': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

/** Options each command accepts (others are a usage error). */
const ALLOWED: Record<string, readonly (keyof Values)[]> = {
  analyzer: ['config', 'dump'],
  agent: ['config', 'dump'],
  allinone: ['config', 'dump'],
  'client query': ['analyzer', 'format', 'at', 'window'],
  'client shell': ['analyzer'],
  'client topology import': ['analyzer', 'name'],
  'client topology export': ['analyzer', 'format', 'gremlin'],
  'client subscribe': ['analyzer', 'gremlin', 'partial', 'count'],
  'client capture create': [
    'analyzer', 'gremlin', 'type', 'bpf', 'name', 'description', 'header-size', 'raw-packets', 'extra-tcp-metric', 'ip-defrag',
    'reassemble-tcp', 'layer-key-mode', 'sampling-rate', 'polling-interval', 'port',
  ],
  'client capture list': ['analyzer'],
  'client capture get': ['analyzer'],
  'client capture delete': ['analyzer'],
  'client pcap inject': ['analyzer', 'node-tid', 'capture-id', 'layer-key-mode', 'extra-tcp-metric', 'ip-defrag', 'reassemble-tcp'],
  version: [],
};

/** Runs the command line; resolves when the command is done (services run until signalled). */
export async function runCli(argv: readonly string[], io: Omit<CommandContext, 'analyzer'>, version: string, signal?: AbortSignal): Promise<void> {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: joinDashValues(argv), options: OPTIONS, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (err) {
    throw usageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    io.out(USAGE);
    return;
  }
  const name = commandName(positionals);
  const allowed = ALLOWED[name] ?? [];
  const extra = (Object.keys(values) as (keyof Values)[]).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw usageError(`option --${extra[0]} does not apply to "${name}"`);
  const args = positionals.slice(name.split(' ').length);
  const ctx: CommandContext = { ...io, analyzer: values.analyzer ?? io.env.TOPOFLOW_ANALYZER ?? '127.0.0.1:8082' };
  const want = (n: number, what: string): void => {
    if (args.length !== n) throw usageError(`"${name}" takes ${what}`);
  };
  switch (name) {
    case 'analyzer':
    case 'agent':
    case 'allinone':
      want(0, 'no arguments');
      return serviceCommand(ctx, name, values.config, values.dump === true);
    case 'client shell':
      want(0, 'no arguments');
      return shellCommand(ctx, { input: process.stdin, output: process.stdout, historyFile: defaultHistoryFile() }, signal);
    case 'client query':
      want(1, 'one Gremlin query, e.g. "G.V().Count()"');
      return queryCommand(ctx, args[0] as string, values.format ?? 'json', { at: values.at, window: values.window });
    case 'client topology import':
      want(1, 'one file');
      return importCommand(ctx, args[0] as string, values.name);
    case 'client topology export':
      want(0, 'no arguments');
      return exportCommand(ctx, values.format ?? 'json', values.gremlin);
    case 'client subscribe': {
      want(0, 'no arguments');
      const count = Number(values.count ?? '0');
      if (!Number.isInteger(count) || count < 0) throw usageError('--count must be a non-negative integer');
      return subscribeCommand(ctx, { gremlin: values.gremlin, partial: values.partial === true, count }, signal);
    }
    case 'client capture create':
      want(0, 'no arguments (the capture is given by --gremlin and the other flags)');
      return captureCreateCommand(ctx, values);
    case 'client capture list':
      want(0, 'no arguments');
      return captureListCommand(ctx);
    case 'client capture get':
      want(1, 'one capture UUID');
      return captureGetCommand(ctx, args[0] as string);
    case 'client capture delete':
      want(1, 'one capture UUID');
      return captureDeleteCommand(ctx, args[0] as string);
    case 'client pcap inject':
      want(1, 'one pcap or pcapng file');
      return pcapInjectCommand(ctx, args[0] as string, values);
    case 'version':
      io.out(`topoflow ${version}\n`);
      return;
    default:
      throw new AppError('CLI_USAGE', `unknown command "${positionals.join(' ')}"; see topoflow --help`, { statusCode: 2 });
  }
}

function commandName(positionals: readonly string[]): string {
  for (let n = Math.min(3, positionals.length); n > 0; n--) {
    const candidate = positionals.slice(0, n).join(' ');
    if (candidate in ALLOWED) return candidate;
  }
  return positionals.join(' ');
}

/** Options whose value may start with '-' (a relative time, a negative number). */
const DASH_VALUES = new Set(['--at', '--window', '--header-size', '--raw-packets', '--sampling-rate', '--polling-interval', '--port']);

/** `--at -1m` as `--at=-1m`: such values start with '-', which parseArgs would take for an option. */
function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (DASH_VALUES.has(a) && i + 1 < argv.length) out.push(`${a}=${argv[++i] as string}`);
    else out.push(a);
  }
  return out;
}
