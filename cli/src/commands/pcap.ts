// `topoflow client pcap inject FILE`: streams a pcap or pcapng file to the analyzer (POST /api/pcap), whose flows
// keep the file's timestamps, and prints what it made of it.
import { AppError } from '@topoflow/common';
import { AnalyzerClient } from '../client/http.js';
import { uploadFile } from '../client/upload.js';
import { CliErrors } from '../errors.js';
import type { CommandContext } from './context.js';

/** The flags of `pcap inject`. */
export interface PcapFlags {
  'node-tid'?: string | undefined;
  'capture-id'?: string | undefined;
  'layer-key-mode'?: string | undefined;
  'extra-tcp-metric'?: boolean | undefined;
  'ip-defrag'?: boolean | undefined;
  'reassemble-tcp'?: boolean | undefined;
}

/** The query string of the upload (Skydive's capture field names). */
export function pcapQuery(flags: PcapFlags): string {
  const q = new URLSearchParams();
  if (flags['node-tid'] !== undefined) q.set('NodeTID', flags['node-tid']);
  if (flags['capture-id'] !== undefined) q.set('CaptureID', flags['capture-id']);
  if (flags['layer-key-mode'] !== undefined) q.set('LayerKeyMode', flags['layer-key-mode']);
  if (flags['extra-tcp-metric'] === true) q.set('ExtraTCPMetric', 'true');
  if (flags['ip-defrag'] === true) q.set('IPDefrag', 'true');
  if (flags['reassemble-tcp'] === true) q.set('ReassembleTCP', 'true');
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}

/** Uploads `file` and prints the analyzer's summary {Packets, Flows}. */
export async function pcapInjectCommand(ctx: CommandContext, file: string, flags: PcapFlags): Promise<void> {
  const base = new AnalyzerClient(ctx.analyzer).base;
  const res = await uploadFile(base, `/api/pcap${pcapQuery(flags)}`, file, 'application/vnd.tcpdump.pcap');
  let summary: { Packets?: number; Flows?: number };
  try {
    summary = JSON.parse(res.text) as typeof summary;
  } catch (cause) {
    throw new AppError(CliErrors.BAD_RESPONSE, 'the analyzer answered /api/pcap with invalid JSON', { cause });
  }
  ctx.out(JSON.stringify(summary, null, 2) + '\n');
  ctx.info(`injected ${file}: ${summary.Packets ?? '?'} packets, ${summary.Flows ?? '?'} flows`);
}
