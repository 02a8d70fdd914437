// The live-capture benchmark's test link: two namespaces `tfl<run>-a` / `-b` joined by a veth pair with one /24 of
// 198.19.0.0/16 (made unreachable from the root namespace first), IPv6 off. Removed synchronously, so a signal
// handler can call cleanupSync(). Also reads the receiving veth's counters and runs tcpreplay inside the sender.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';

/** Link-layer and network addresses of one veth end. */
export interface LinkEnd {
  ns: string;
  dev: string;
  mac: string;
  ip: string;
}

/** The interface counters the benchmark compares (from `ip -s link`). */
export interface IfCounters {
  rxPackets: number;
  rxDropped: number;
  txPackets: number;
  txDropped: number;
}

/** What tcpreplay reported about one replay. */
export interface ReplayResult {
  /** Packets sent ("Actual: N packets"). */
  packets: number;
  /** Seconds tcpreplay took to send them. */
  seconds: number;
  /** Its own rate ("Rated: … pps"). */
  pps: number;
  /** Send failures it counted. */
  failed: number;
  /** User + system CPU of tcpreplay (GNU time), in seconds. */
  cpuSec: number;
}

function ip(args: readonly string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function attempt(fn: () => unknown): void {
  try {
    fn();
  } catch {
    // best effort: the object may already be gone, and the rest of the clean-up must still run
  }
}

/** Two test namespaces joined by a veth pair, sender (a) and receiver (b). */
export class LiveLink {
  readonly run = randomBytes(2).toString('hex');
  readonly prefix = `198.19.${randomInt(256)}`;
  readonly a: LinkEnd;
  readonly b: LinkEnd;
  #routeAdded = false;
  readonly #namespaces: string[] = [];

  constructor() {
    const p = `tfl${this.run}`;
    this.a = { ns: `${p}-a`, dev: `${p}a`, mac: '', ip: `${this.prefix}.1` };
    this.b = { ns: `${p}-b`, dev: `${p}b`, mac: '', ip: `${this.prefix}.2` };
  }

  /** Creates the route, namespaces and veth pair, brings the link up and reads the MACs. */
  create(): void {
    ip(['route', 'add', 'unreachable', `${this.prefix}.0/24`]);
    this.#routeAdded = true;
    for (const end of [this.a, this.b]) {
      ip(['netns', 'add', end.ns]);
      this.#namespaces.push(end.ns);
      for (const k of ['all', 'default']) execFileSync('ip', ['netns', 'exec', end.ns, 'sysctl', '-q', '-w', `net.ipv6.conf.${k}.disable_ipv6=1`]);
    }
    ip(['-n', this.a.ns, 'link', 'add', this.a.dev, 'type', 'veth', 'peer', 'name', this.b.dev, 'netns', this.b.ns]);
    for (const end of [this.a, this.b]) {
      ip(['-n', end.ns, 'addr', 'add', `${end.ip}/24`, 'dev', end.dev]);
      ip(['-n', end.ns, 'link', 'set', end.dev, 'up']);
      const [link] = JSON.parse(ip(['-n', end.ns, '-j', 'link', 'show', 'dev', end.dev])) as Array<{ address: string }>;
      end.mac = link?.address ?? '';
    }
  }

  /**
   * With `on`, frames reaching the receiver are dropped by a tc ingress filter (classic BPF `ret #2`, TC_ACT_SHOT),
   * which runs after the packet taps: a capture still sees every frame, the receiver's IP stack none.
   */
  dropAfterTap(on: boolean): void {
    const tc = (...args: string[]): string => execFileSync('ip', ['netns', 'exec', this.b.ns, 'tc', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (!on) {
      attempt(() => tc('qdisc', 'del', 'dev', this.b.dev, 'ingress'));
      return;
    }
    tc('qdisc', 'add', 'dev', this.b.dev, 'ingress');
    tc('filter', 'add', 'dev', this.b.dev, 'ingress', 'bpf', 'da', 'bytecode', '1,6 0 0 2,');
  }

  /** The counters of one end's veth. */
  counters(end: LinkEnd): IfCounters {
    const [link] = JSON.parse(ip(['-n', end.ns, '-j', '-s', 'link', 'show', 'dev', end.dev])) as Array<{
      stats64: { rx: { packets: number; dropped: number }; tx: { packets: number; dropped: number } };
    }>;
    const s = link?.stats64;
    if (s === undefined) throw new Error(`no counters for ${end.dev}`);
    return { rxPackets: s.rx.packets, rxDropped: s.rx.dropped, txPackets: s.tx.packets, txDropped: s.tx.dropped };
  }

  /** Runs `tcpreplay` on the sender's veth inside its namespace: as fast as it can, or at `pps`. */
  replay(file: string, pps?: number): Promise<ReplayResult> {
    const rate = pps === undefined ? ['--topspeed'] : [`--pps=${pps}`];
    const args = ['netns', 'exec', this.a.ns, '/usr/bin/time', '-f', 'cpu %U %S', 'tcpreplay', '-q', ...rate, '-i', this.a.dev, file];
    return new Promise((resolve, reject) => {
      const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.once('error', reject);
      child.once('exit', (code) => {
        if (code !== 0) reject(new Error(`tcpreplay failed (${code}): ${out.trim()}`));
        else resolve(parseReplay(out));
      });
    });
  }

  /**
   * Runs `senders` tcpreplay processes at once (each at `pps`, or as fast as it can). One sender reports its own
   * numbers; several report their sum over the wall time from the first start to the last exit (their starts are
   * not aligned, so this understates the rate a little rather than overstating it).
   */
  async replayParallel(file: string, senders: number, pps?: number): Promise<ReplayResult> {
    if (senders === 1) return this.replay(file, pps);
    const started = performance.now();
    const all = await Promise.all(Array.from({ length: senders }, () => this.replay(file, pps)));
    const seconds = (performance.now() - started) / 1000;
    const packets = all.reduce((n, r) => n + r.packets, 0);
    return {
      packets, seconds, pps: packets / seconds, failed: all.reduce((n, r) => n + r.failed, 0), cpuSec: all.reduce((n, r) => n + r.cpuSec, 0),
    };
  }

  /** Deletes the namespaces (the veths go with them) and the route; returns the names still there. */
  cleanupSync(): string[] {
    for (const ns of this.#namespaces.splice(0)) attempt(() => ip(['netns', 'del', ns]));
    if (this.#routeAdded) attempt(() => ip(['route', 'del', 'unreachable', `${this.prefix}.0/24`]));
    this.#routeAdded = false;
    const p = `tfl${this.run}`;
    const links = (JSON.parse(ip(['-j', 'link', 'show'])) as Array<{ ifname: string }>).map((l) => l.ifname);
    const namespaces = ip(['netns', 'list']).split('\n').map((l) => l.split(' ')[0] ?? '');
    return [...links, ...namespaces].filter((n) => n.startsWith(p));
  }
}

/** Reads tcpreplay's summary (`Actual: N packets … sent in S seconds`, `Rated: … pps`, `Failed packets: F`). */
export function parseReplay(text: string): ReplayResult {
  const actual = /Actual: (\d+) packets \(\d+ bytes\) sent in ([\d.]+) seconds/.exec(text);
  const rated = /Rated: [\d.]+ Bps, [\d.]+ Mbps, ([\d.]+) pps/.exec(text);
  const failed = /Failed packets:\s+(\d+)/.exec(text);
  const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(text);
  if (actual === null || rated === null) throw new Error(`unexpected tcpreplay output: ${text.trim()}`);
  return {
    packets: Number(actual[1]), seconds: Number(actual[2]), pps: Number(rated[1]), failed: Number(failed?.[1] ?? 0),
    cpuSec: cpu === null ? NaN : Number(cpu[1]) + Number(cpu[2]),
  };
}
