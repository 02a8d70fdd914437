// `topoflow client shell`: an interactive Gremlin console against an analyzer, with history, completion of
// step names, and parse errors pointed at with a caret. With a non-terminal input it runs one query per line.
import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { createEngine, defaultGremlinConfig } from '@topoflow/gremlin';
import { AnalyzerClient } from '../client/http.js';
import type { CommandContext } from './context.js';

/** Where the console reads and writes (the process's streams by default). */
export interface ShellStreams {
  input: Readable & { isTTY?: boolean };
  output: Writable;
  /** History file; undefined disables history. */
  historyFile?: string | undefined;
}

const HISTORY_MAX = 1000;
const HELP = `Type a Gremlin query (G.V().Has('Type', 'host').Out()) and press Enter.
  .help   this text
  .exit   leave (Ctrl-D works too)
Steps complete with Tab. Results print as JSON.
`;

/** The default history file. */
export function defaultHistoryFile(): string {
  return join(homedir(), '.topoflow_history');
}

function loadHistory(file: string | undefined): string[] {
  if (file === undefined) return [];
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').slice(-HISTORY_MAX).reverse();
  } catch {
    return [];
  }
}

/** Completes the identifier being typed against the step names and a few constants. */
export function completer(words: readonly string[]): (line: string) => [string[], string] {
  return (line) => {
    const m = /[A-Za-z_][A-Za-z0-9_]*$/.exec(line);
    const prefix = m?.[0] ?? '';
    const hits = prefix === '' ? [] : words.filter((w) => w.toLowerCase().startsWith(prefix.toLowerCase()));
    return [hits, prefix];
  };
}

/** Runs the console until `.exit`, end of input, or the abort signal. */
export async function shellCommand(ctx: CommandContext, streams: ShellStreams, signal?: AbortSignal): Promise<void> {
  const client = new AnalyzerClient(ctx.analyzer);
  const interactive = streams.input.isTTY === true;
  const words = [...createEngine(defaultGremlinConfig()).stepNames(), 'Within', 'Without', 'Regex', 'Ne', 'Gt', 'Lt',
    'Gte', 'Lte', 'Inside', 'Outside', 'Between', 'Ipv4Range', 'Metadata', 'ASC', 'DESC'];
  const rl = createInterface({
    input: streams.input, output: streams.output, terminal: interactive,
    history: loadHistory(streams.historyFile), historySize: HISTORY_MAX, completer: completer(words),
  });
  const write = (t: string): void => void streams.output.write(t);
  if (interactive) write(`connected to ${client.base}; .help for help\n`);
  rl.setPrompt('gremlin> ');
  signal?.addEventListener('abort', () => rl.close(), { once: true });
  if (interactive) rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '.exit' || line === '.quit') break;
    if (line === '.help') write(HELP);
    else if (line !== '') {
      if (streams.historyFile !== undefined && interactive) appendFileSync(streams.historyFile, line + '\n');
      await runOne(client, line, write);
    }
    if (interactive) rl.prompt();
  }
  rl.close();
}

async function runOne(client: AnalyzerClient, query: string, write: (t: string) => void): Promise<void> {
  try {
    const result = await client.json('POST', '/api/topology', { GremlinQuery: query });
    write(JSON.stringify(result ?? null, null, 2) + '\n');
  } catch (err) {
    const e = err as { code?: string; message?: string; details?: { position?: number } };
    const pos = e.details?.position;
    if (typeof pos === 'number' && pos >= 0 && pos <= query.length) write(`  ${query}\n  ${' '.repeat(pos)}^\n`);
    write(`error: ${e.message ?? String(err)}${e.code ? ` [${e.code}]` : ''}\n`);
  }
}
