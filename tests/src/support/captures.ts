// What the capture end-to-end tests share: test namespaces joined by veth pairs that ping each other (their prefix
// made unreachable from the root namespace first), and reads of captures, node TIDs and flows at an analyzer.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { gremlin, request } from './api.js';
import { TestNet, until } from './net.js';

const run = promisify(execFile);

/** A flow as the analyzer answers `G.Flows()`. */
export interface FlowJson {
  UUID: string;
  NodeTID: string;
  CaptureID?: string;
  Last: number;
  Network?: { A: string; B: string };
  ICMP?: { Type: string };
  Metric?: { ABPackets: number; BAPackets: number; ABBytes: number };
}

/** One element of a node's `Captures` metadata. */
export interface CaptureEntry {
  ID: string;
  State: string;
  Error?: string;
  PacketsReceived?: number;
}

/** Two test namespaces joined by a veth pair, `${prefix}.1` on `va` in `ns1`, `${prefix}.2` on `vb` in `ns2`. */
export interface VethPair {
  ns1: string;
  ns2: string;
  va: string;
  vb: string;
  prefix: string;
}

/**
 * Test namespaces under one unreachable /16 between 10.200 and 10.249 (never near the resolver): pair `i` uses
 * `<base>.<i>.0/24`. Everything is removed by cleanup(), also after a failure.
 */
export class PingNet {
  readonly net = new TestNet();
  /** The first two octets of the test prefix, e.g. `10.203`. */
  readonly base = `10.${200 + randomInt(50)}`;
  #routed = false;
  #pairs = 0;

  /** Makes the test /16 unreachable from the root namespace; call before any address is set. */
  route(): void {
    this.net.ip(undefined, 'route', 'add', 'unreachable', `${this.base}.0.0/16`);
    this.#routed = true;
  }

  /** Two new namespaces joined by a veth pair, both ends up, with addresses in the next /24 of the prefix. */
  pair(tag = `${this.#pairs}`): VethPair {
    if (!this.#routed) throw new Error('PingNet.route() must come first');
    const prefix = `${this.base}.${this.#pairs++}`;
    const [ns1, ns2] = [this.net.namespace(`${tag}a`), this.net.namespace(`${tag}b`)];
    const [va, vb] = [this.net.name(`${tag}va`), this.net.name(`${tag}vb`)];
    this.net.ip(ns1, 'link', 'add', va, 'type', 'veth', 'peer', 'name', vb, 'netns', ns2);
    this.net.ip(ns1, 'addr', 'add', `${prefix}.1/24`, 'dev', va);
    this.net.ip(ns2, 'addr', 'add', `${prefix}.2/24`, 'dev', vb);
    this.net.ip(ns1, 'link', 'set', va, 'up');
    this.net.ip(ns2, 'link', 'set', vb, 'up');
    return { ns1, ns2, va, vb, prefix };
  }

  /** Deletes the namespaces and the route; asserts nothing of the prefix is left. */
  cleanup(): void {
    this.net.cleanup();
    if (this.#routed) this.net.ip(undefined, 'route', 'del', 'unreachable', `${this.base}.0.0/16`);
    this.#routed = false;
    assert.deepEqual(this.net.leftovers(), [], 'nothing left behind');
  }
}

/** `count` pings from `ns1` to the other end of the pair, 100 ms apart. */
export async function ping(p: VethPair, count: number): Promise<void> {
  await run('ip', ['netns', 'exec', p.ns1, 'ping', '-c', String(count), '-i', '0.1', '-W', '2', `${p.prefix}.2`]);
}

/** The TID of the only node named `name`. */
export async function tidOf(url: string, name: string): Promise<string> {
  const tids = await gremlin<string[]>(url, `G.V().Has('Name', '${name}').Values('TID')`);
  assert.equal(tids.length, 1, `one ${name} with a TID: ${JSON.stringify(tids)}`);
  return tids[0] as string;
}

/** The `Captures` entries of the node named `name` (none: []). */
export async function capturesOf(url: string, name: string, type?: string): Promise<CaptureEntry[]> {
  const q = type === undefined ? `G.V().Has('Name', '${name}')` : `G.V().Has('Name', '${name}', 'Type', '${type}')`;
  const [list] = await gremlin<CaptureEntry[][]>(url, `${q}.Values('Captures')`);
  return list ?? [];
}

/** Waits until the node named `name` shows capture `id` active; returns its entries. */
export function untilActive(url: string, name: string, id: string, timeoutMs: number, type?: string): Promise<CaptureEntry[]> {
  return until(async () => {
    const entries = await capturesOf(url, name, type);
    return entries.some((c) => c.ID === id && c.State === 'active') ? entries : undefined;
  }, timeoutMs, `capture ${id} active on ${name}`);
}

/** Waits until the node named `name` is there and no longer lists capture `id`. */
export function untilGone(url: string, name: string, id: string, timeoutMs: number, type?: string): Promise<true> {
  // The node must be there: right after an analyzer restart it is absent until its agent has synced again.
  const q = type === undefined ? `G.V().Has('Name', '${name}')` : `G.V().Has('Name', '${name}', 'Type', '${type}')`;
  return until(async () => {
    const nodes = await gremlin<Array<{ Metadata: { Captures?: CaptureEntry[] } }>>(url, q);
    return nodes.length === 1 && !(nodes[0]?.Metadata.Captures ?? []).some((c) => c.ID === id) ? true : undefined;
  }, timeoutMs, `capture ${id} gone from ${name}, the node present`);
}

/** Creates a capture through the analyzer's API; asserts 201 and returns its UUID. */
export async function createCapture(url: string, body: Record<string, unknown>): Promise<string> {
  const r = await request<{ UUID: string }>(url, 'POST', '/api/capture', body);
  assert.equal(r.status, 201, `POST /api/capture: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.UUID;
}

/** Waits for a flow of the pair's ping seen on the node of TID `tid`, reported after `since` (epoch ms). */
export function untilFlow(url: string, p: VethPair, tid: string, since: number, timeoutMs: number): Promise<FlowJson> {
  return until(async () => {
    const flows = await gremlin<FlowJson[]>(url, `G.Flows().Has('NodeTID', '${tid}', 'Network.A', '${p.prefix}.1')`);
    return flows.find((f) => f.Last >= since && (f.Metric?.ABPackets ?? 0) > 0);
  }, timeoutMs, `a flow on ${tid} reported after ${new Date(since).toISOString()}`);
}
