// Kernel test fixtures made with iproute2 and a private Open vSwitch (ovsdb-server + userspace ovs-vswitchd),
// all with a per-run unique prefix and all undone by cleanup() even after a failure. No traffic is sent: test
// namespaces get IPv6 disabled before any of their links goes up, root-namespace test links stay down.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Waits until `probe` yields a value other than undefined; fails after `timeoutMs`. */
export async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last === undefined ? '' : ` (last error: ${String(last)})`}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function attempt(fn: () => unknown): void {
  try {
    fn();
  } catch {
    // best effort: the rest of the clean-up must still run (the object may already be gone)
  }
}

/** Namespaces and root-namespace links of one test suite, named `<prefix><suffix>` (prefix `tf` + 6 hex digits). */
export class TestNet {
  readonly prefix = `tf${randomBytes(3).toString('hex')}`;
  readonly #namespaces: string[] = [];

  /** A name of at most 15 characters (a valid interface name) made of the prefix and `suffix`. */
  name(suffix: string): string {
    const n = `${this.prefix}${suffix}`;
    if (n.length > 15) throw new Error(`${n}: longer than 15 characters`);
    return n;
  }

  /** Runs `ip ARGS` in namespace `ns` (undefined: the root namespace). */
  ip(ns: string | undefined, ...args: string[]): string {
    return execFileSync('ip', ns === undefined ? args : ['-n', ns, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Creates namespace `<prefix><suffix>` with IPv6 disabled (so no link going up there sends anything). */
  namespace(suffix: string): string {
    const ns = this.name(suffix);
    execFileSync('ip', ['netns', 'add', ns]);
    this.#namespaces.push(ns);
    for (const k of ['all', 'default']) {
      execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `net.ipv6.conf.${k}.disable_ipv6=1`]);
    }
    return ns;
  }

  /** The ifindex of a link. */
  ifIndex(ns: string | undefined, dev: string): number {
    const [l] = JSON.parse(this.ip(ns, '-j', 'link', 'show', 'dev', dev)) as { ifindex: number }[];
    if (l === undefined) throw new Error(`no link ${dev}`);
    return l.ifindex;
  }

  /** Names of the root-namespace links and of the namespaces that still carry the prefix. */
  leftovers(): string[] {
    const links = (JSON.parse(this.ip(undefined, '-j', 'link', 'show')) as { ifname: string }[]).map((l) => l.ifname);
    const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n').map((l) => l.split(' ')[0] ?? '');
    return [...links, ...namespaces].filter((n) => n.startsWith(this.prefix));
  }

  /** Deletes every root-namespace link and namespace carrying the prefix; never throws. */
  cleanup(): void {
    attempt(() => {
      const links = (JSON.parse(this.ip(undefined, '-j', 'link', 'show')) as { ifname: string }[]).map((l) => l.ifname);
      for (const l of links.filter((n) => n.startsWith(this.prefix))) attempt(() => this.ip(undefined, 'link', 'del', l));
    });
    for (const ns of this.#namespaces.splice(0)) attempt(() => execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }));
  }
}

const OVS_SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';

/** True while the process runs; a zombie (exited, not yet reaped) counts as gone. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** A private Open vSwitch in a temp dir: ovsdb-server and ovs-vswitchd (userspace datapath), stopped by PID. */
export class PrivateOvs {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly pids: number[] = [];

  private constructor(dir: string) {
    this.dir = dir;
    this.env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir };
  }

  /** The socket the agent and ovs-vsctl connect to. */
  get socket(): string {
    return join(this.dir, 'db.sock');
  }

  /** Starts ovsdb-server, initialises the database and starts ovs-vswitchd. */
  static start(): PrivateOvs {
    for (const tool of ['ovsdb-server', 'ovsdb-tool', 'ovs-vsctl', 'ovs-vswitchd']) {
      const r = spawnSync(tool, ['--version'], { stdio: 'ignore' });
      if (r.error !== undefined || r.status !== 0) throw new Error(`${tool} is not installed: run \`node scripts/setup.mjs\``);
    }
    if (!existsSync(OVS_SCHEMA)) throw new Error(`${OVS_SCHEMA} is missing: run \`node scripts/setup.mjs\``);
    const ovs = new PrivateOvs(mkdtempSync(join(tmpdir(), 'topoflow-e2e-ovs-')));
    try {
      const d = ovs.dir;
      execFileSync('ovsdb-tool', ['create', join(d, 'conf.db'), OVS_SCHEMA], { env: ovs.env });
      execFileSync('ovsdb-server', [join(d, 'conf.db'), `--remote=punix:${ovs.socket}`, `--unixctl=${join(d, 'ctl')}`,
        `--pidfile=${join(d, 'ovsdb-server.pid')}`, '--detach', '--no-chdir', `--log-file=${join(d, 'ovsdb-server.log')}`], { env: ovs.env, stdio: 'ignore' });
      ovs.pids.push(Number(readFileSync(join(d, 'ovsdb-server.pid'), 'utf8').trim()));
      ovs.vsctl('--no-wait', 'init');
      execFileSync('ovs-vswitchd', [`unix:${ovs.socket}`, `--pidfile=${join(d, 'vswitchd.pid')}`, '--detach', '--no-chdir',
        `--log-file=${join(d, 'vswitchd.log')}`], { env: ovs.env, stdio: 'ignore' });
      ovs.pids.push(Number(readFileSync(join(d, 'vswitchd.pid'), 'utf8').trim()));
    } catch (err) {
      void ovs.stop();
      throw err;
    }
    return ovs;
  }

  /** Runs ovs-vsctl against the private database (it waits for ovs-vswitchd unless given --no-wait). */
  vsctl(...args: string[]): string {
    return execFileSync('ovs-vsctl', [`--db=unix:${this.socket}`, '--timeout=10', ...args], { env: this.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** ovs-vsctl with its output trimmed; a failure carries the end of the ovs-vswitchd log. */
  checkedVsctl(...args: string[]): string {
    try {
      return this.vsctl(...args).trim();
    } catch (err) {
      throw new Error(`ovs-vsctl ${args.join(' ')} failed: ${(err as Error).message}\nvswitchd log:\n${this.log().slice(-3000)}`);
    }
  }

  /**
   * A netdev bridge `br` with each `[port, host, namespace, cidr]` plugged in: a veth whose `port` end joins the bridge
   * in the root namespace (up, no address, IPv6 off so it sends nothing) and whose `host` end has `cidr` in `namespace`.
   */
  netdevBridge(net: TestNet, br: string, links: ReadonlyArray<readonly [string, string, string, string]>): void {
    const noIpv6 = (dev: string) => execFileSync('sysctl', ['-q', '-w', `net.ipv6.conf.${dev}.disable_ipv6=1`]);
    this.checkedVsctl('add-br', br, '--', 'set', 'bridge', br, 'datapath_type=netdev');
    noIpv6(br);
    for (const [port, host, ns, cidr] of links) {
      net.ip(undefined, 'link', 'add', port, 'type', 'veth', 'peer', 'name', host, 'netns', ns);
      noIpv6(port);
      net.ip(undefined, 'link', 'set', port, 'up');
      net.ip(ns, 'addr', 'add', cidr, 'dev', host);
      net.ip(ns, 'link', 'set', host, 'up');
      this.checkedVsctl('add-port', br, port);
    }
  }

  /** The ovs-vswitchd log (for failure reports). */
  log(): string {
    try {
      return readFileSync(join(this.dir, 'vswitchd.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops both daemons by PID (SIGTERM, then SIGKILL) and removes the temp dir; never throws. */
  async stop(): Promise<void> {
    for (const pid of this.pids.splice(0).reverse()) {
      attempt(() => process.kill(pid, 'SIGTERM'));
      const deadline = Date.now() + 5_000;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (alive(pid)) attempt(() => process.kill(pid, 'SIGKILL'));
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
