// The agent's root node: a host node with a deterministic ID (so a restart keeps it), system facts, and the
// operator's free `agent.metadata` merged in (dotted keys nest, so `G.V().Has('mydict.value', 123)` finds it).
import { cpus, hostname, release } from 'node:os';
import type { Metadata, NodeInput } from '@topoflow/graph';
import { hostNodeId } from '@topoflow/probes';

/** Facts about the machine the host node shows. */
export interface HostInfo {
  hostname: string;
  os: string;
  kernel: string;
  cpus: number;
}

/** Reads the facts of this machine. */
export function systemHostInfo(): HostInfo {
  return { hostname: hostname(), os: process.platform, kernel: release(), cpus: cpus().length };
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merges `extra` into `base` deeply; a dotted key of `extra` is a path ('a.b: 1' ≡ 'a: {b: 1}'). */
export function mergeMetadata(base: Metadata, extra: Readonly<Record<string, unknown>>): Metadata {
  let out: Metadata = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const path = key.split('.');
    const head = path[0] as string;
    if (path.length > 1) {
      const nested = path.slice(1).reduceRight<unknown>((acc, k) => ({ [k]: acc }), value);
      out = mergeMetadata(out, { [head]: nested });
    } else if (isMap(value) && isMap(out[head])) {
      out[head] = mergeMetadata(out[head] as Metadata, value);
    } else if (isMap(value)) {
      out[head] = mergeMetadata({}, value);
    } else {
      out[head] = value;
    }
  }
  return out;
}

/**
 * The host node: ID `hostNodeId(hostId)`, `Name` = hostId, `Type` = 'host', `Hostname`, `OS`, `Kernel`, `CPUs`,
 * then `metadata` merged over them; `Name` and `Type` always stay (the ID and every query rely on them).
 */
export function hostNode(hostId: string, metadata: Readonly<Record<string, unknown>>, info: HostInfo): NodeInput {
  const base: Metadata = { Name: hostId, Type: 'host', Hostname: info.hostname, OS: info.os, Kernel: info.kernel, CPUs: info.cpus };
  const merged = mergeMetadata(base, metadata);
  return { ID: hostNodeId(hostId), Metadata: { ...merged, Name: hostId, Type: 'host' } };
}
