// The interface changes of the namespace benchmark: MTU, an added address, link down and up again, each made
// inside a test namespace with `ip -n` and timed from the command's exit until the analyzer's node shows it.
import { pollUntil, type RestNode } from './analyzer-poll.js';
import { runIp, type TestNamespace } from './netns-fixture.js';

/** Kinds of change, in the order they rotate. */
export const CHANGE_KINDS = ['mtu', 'address', 'down', 'up'] as const;
/** One kind of change. */
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** A planned change and how to recognise it at the analyzer. */
interface Change {
  kind: ChangeKind;
  target: TestNamespace;
  args: string[];
  seen: (md: Record<string, unknown>) => boolean;
}

/** The outcome of one change: its latency in ms, or undefined when the analyzer did not show it in time. */
export interface ChangeResult {
  kind: ChangeKind;
  ms: number | undefined;
}

const flags = (md: Record<string, unknown>): unknown[] => (Array.isArray(md.LinkFlags) ? md.LinkFlags : []);

/** Change `k` (0-based) on `t`: MTU 1300 + k, address 198.19.0.(k+1)/32, link down, then up (on the same namespace). */
function planChange(k: number, t: TestNamespace): Change {
  const kind = CHANGE_KINDS[k % CHANGE_KINDS.length] as ChangeKind;
  const n = ['-n', t.ns];
  switch (kind) {
    case 'mtu': {
      const mtu = 1300 + k;
      return { kind, target: t, args: [...n, 'link', 'set', t.inner, 'mtu', String(mtu)], seen: (md) => md.MTU === mtu };
    }
    case 'address': {
      const addr = `198.19.${(k + 1) >> 8}.${(k + 1) & 255}/32`;
      return { kind, target: t, args: [...n, 'addr', 'add', addr, 'dev', t.inner], seen: (md) => Array.isArray(md.IPV4) && md.IPV4.includes(addr) };
    }
    case 'down':
      return { kind, target: t, args: [...n, 'link', 'set', t.inner, 'down'], seen: (md) => !flags(md).includes('UP') };
    case 'up':
      return { kind, target: t, args: [...n, 'link', 'set', t.inner, 'up'], seen: (md) => flags(md).includes('UP') };
  }
}

/**
 * Makes `count` changes one after the other, spread over `namespaces` (stride 7; a link comes up again on the
 * namespace it went down on), waiting for each to show at the analyzer (`base`) before the next.
 */
export async function runChanges(base: string, namespaces: readonly TestNamespace[], count: number, timeoutMs: number): Promise<ChangeResult[]> {
  const results: ChangeResult[] = [];
  let target = namespaces[0] as TestNamespace;
  for (let k = 0; k < count; k++) {
    if (k % CHANGE_KINDS.length !== 3) target = namespaces[(k * 7) % namespaces.length] as TestNamespace;
    const c = planChange(k, target);
    const done = await runIp(c.args);
    const q = `G.V().Has('Name', '${c.target.inner}')`;
    const at = await pollUntil(base, q, (nodes: RestNode[]) => nodes.length === 1 && c.seen((nodes[0] as RestNode).Metadata), timeoutMs);
    results.push({ kind: c.kind, ms: at === undefined ? undefined : at - done });
  }
  return results;
}
