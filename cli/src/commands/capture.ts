// `topoflow client capture create|list|get|delete`: the analyzer's capture API (/api/capture). Values are checked
// by the analyzer; the command only turns flags into the capture's fields and prints the answers as JSON.
import { AnalyzerClient } from '../client/http.js';
import { usageError } from '../errors.js';
import type { CommandContext } from './context.js';

/** The flags of `capture create`, as parsed from the command line. */
export interface CaptureFlags {
  gremlin?: string | undefined;
  type?: string | undefined;
  bpf?: string | undefined;
  name?: string | undefined;
  description?: string | undefined;
  'header-size'?: string | undefined;
  'raw-packets'?: string | undefined;
  'extra-tcp-metric'?: boolean | undefined;
  'ip-defrag'?: boolean | undefined;
  'reassemble-tcp'?: boolean | undefined;
  'layer-key-mode'?: string | undefined;
  'sampling-rate'?: string | undefined;
  'polling-interval'?: string | undefined;
  port?: string | undefined;
}

/** Flag → capture field, for text fields. */
const TEXT: [keyof CaptureFlags, string][] = [
  ['gremlin', 'GremlinQuery'], ['type', 'Type'], ['bpf', 'BPFFilter'], ['name', 'Name'], ['description', 'Description'],
  ['layer-key-mode', 'LayerKeyMode'],
];

/** Flag → capture field, for integer fields. */
const INTEGERS: [keyof CaptureFlags, string][] = [
  ['header-size', 'HeaderSize'], ['raw-packets', 'RawPacketLimit'], ['sampling-rate', 'SamplingRate'],
  ['polling-interval', 'PollingInterval'], ['port', 'Port'],
];

/** Flag → capture field, for switches. */
const SWITCHES: [keyof CaptureFlags, string][] = [
  ['extra-tcp-metric', 'ExtraTCPMetric'], ['ip-defrag', 'IPDefrag'], ['reassemble-tcp', 'ReassembleTCP'],
];

/** The capture body the flags describe; throws CLI_USAGE without --gremlin or with a number that is not an integer. */
export function captureBody(flags: CaptureFlags): Record<string, unknown> {
  if (flags.gremlin === undefined || flags.gremlin.trim() === '') throw usageError('"client capture create" needs --gremlin QUERY');
  const body: Record<string, unknown> = {};
  for (const [flag, field] of TEXT) if (flags[flag] !== undefined) body[field] = flags[flag];
  for (const [flag, field] of INTEGERS) {
    const text = flags[flag];
    if (text === undefined) continue;
    if (!/^-?\d+$/.test(String(text).trim())) throw usageError(`--${flag} must be an integer, got "${String(text)}"`);
    body[field] = Number(text);
  }
  for (const [flag, field] of SWITCHES) if (flags[flag] === true) body[field] = true;
  return body;
}

const print = (ctx: CommandContext, value: unknown): void => ctx.out(JSON.stringify(value ?? null, null, 2) + '\n');

/** Creates a capture and prints it (with its UUID). */
export async function captureCreateCommand(ctx: CommandContext, flags: CaptureFlags): Promise<void> {
  const body = captureBody(flags);
  const created = await new AnalyzerClient(ctx.analyzer).json('POST', '/api/capture', body) as { UUID?: string } | undefined;
  print(ctx, created);
  ctx.info(`created capture ${created?.UUID ?? '?'}`);
}

/** Prints every capture, keyed by UUID. */
export async function captureListCommand(ctx: CommandContext): Promise<void> {
  print(ctx, await new AnalyzerClient(ctx.analyzer).json('GET', '/api/capture'));
}

/** Prints one capture. */
export async function captureGetCommand(ctx: CommandContext, id: string): Promise<void> {
  print(ctx, await new AnalyzerClient(ctx.analyzer).json('GET', `/api/capture/${encodeURIComponent(id)}`));
}

/** Deletes a capture (its agents stop it). */
export async function captureDeleteCommand(ctx: CommandContext, id: string): Promise<void> {
  await new AnalyzerClient(ctx.analyzer).request('DELETE', `/api/capture/${encodeURIComponent(id)}`);
  ctx.info(`deleted capture ${id}`);
}
