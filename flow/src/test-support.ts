// Helpers of the package's tests: the shared packet traces and a table fed from one of them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPcap } from './pcap/reader.js';
import type { FlowTableOptions } from './table/contract.js';
import { defaultFlowTableOptions } from './table/options.js';
import { FlowTable } from './table/table.js';
import { RecordingSender } from './testing.js';

/** The repository root (this file runs from flow/dist). */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Path of a trace in the shared data folder beside the repository (`../shared/data/pcap`). */
export function tracePath(name: string): string {
  const p = join(REPO_ROOT, '../shared/data/pcap', name);
  if (!existsSync(p)) throw new Error(`test trace ${p} is missing: the shared folder must sit beside the repository`);
  return p;
}

/** The bytes of a shared trace. */
export function trace(name: string): Uint8Array {
  return readFileSync(tracePath(name));
}

/** The options of the reference's trace tests: ExtraTCPMetric, ReassembleTCP and IPDefrag on, reports every second. */
export function traceOptions(over: Partial<FlowTableOptions> = {}): FlowTableOptions {
  return {
    ...defaultFlowTableOptions(), updateIntervalMs: 1000, expireIntervalMs: 1000, extraTCPMetric: true,
    reassembleTCP: true, ipDefrag: true, ...over,
  };
}

/** A table fed with a whole trace (its own link type unless `linkType` is given). */
export function tableFromTrace(name: string, over: Partial<FlowTableOptions> = {}, linkType?: number): { table: FlowTable; sender: RecordingSender } {
  const sender = new RecordingSender();
  const table = new FlowTable(traceOptions(over), { sender });
  const sink = linkType === undefined ? table : {
    packet: (d: Uint8Array, o: number, c: number, w: number, t: number) => table.packet(d, o, c, w, t, linkType),
  };
  readPcap(trace(name), sink);
  return { table, sender };
}
