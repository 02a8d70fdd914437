// A description of the machine a run happened on, for RESULTS.md: CPU model, cores, memory, Node version, date.
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** The machine and runtime a run happened on. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  date: string;
}

function cpuModelFromProc(): string | undefined {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim();
  } catch {
    return undefined;
  }
}

/** Describes this machine now. */
export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpuModelFromProc() ?? cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
  };
}
