// The namespace benchmark's test namespaces: `tfb<run>-<i>`, each with a veth pair whose inner end is up with a
// 198.18.0.0/15 address inside the namespace and whose root end stays down with no address, so nothing is sent.
// Created with batched `ip` commands; removed by run prefix, also synchronously from a signal handler. Optionally
// each is also bind-mounted into a private run directory, for an agent that should watch only these namespaces.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The names and address of one test namespace. */
export interface TestNamespace {
  index: number;
  /** Namespace name, `tfb<run>-<i>`. */
  ns: string;
  /** veth end in the namespace (`tfb<run>i<i>`), up, with `address`. */
  inner: string;
  /** veth end left in the root namespace (`tfb<run>r<i>`), down, no address. */
  outer: string;
  /** `198.18.x.y/30`, on `inner` only. */
  address: string;
}

/** Runs `ip ARGS…` with `input` on stdin; resolves at its exit (performance.now()), rejects on failure. */
export function runIp(args: readonly string[], input = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', args, { stdio: [input === '' ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const at = performance.now();
      if (code === 0) resolve(at);
      else reject(new Error(`ip ${args.join(' ')} failed (${code}): ${stderr.trim()}`));
    });
    // a failing `ip` may exit before reading its input: the exit code reports it, not the pipe
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

/** The /30 of namespace `i` inside 198.18.0.0/15 (up to 32,768 namespaces), host address .1 of the block. */
function addressOf(i: number): string {
  const n = (198 << 24) + (18 << 16) + i * 4 + 1;
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/30`;
}

/** A set of test namespaces of one run. */
export class BenchNamespaces {
  /** Four hex digits unique to this run; every name starts with `tfb<run>`. */
  readonly run = randomBytes(2).toString('hex');
  readonly #created = new Set<string>();
  /** The private run directory, when the namespaces are also mounted there. */
  readonly runDir: string | undefined;

  /** With `privateRunDir`, every namespace is also bind-mounted into a new directory under /tmp (`runDir`). */
  constructor(privateRunDir = false) {
    this.runDir = privateRunDir ? mkdtempSync(`/tmp/tfb${this.run}-netns-`) : undefined;
  }

  /** The names of namespace `i` (nothing is created). */
  describe(i: number): TestNamespace {
    const p = `tfb${this.run}`;
    return { index: i, ns: `${p}-${i}`, inner: `${p}i${i}`, outer: `${p}r${i}`, address: addressOf(i) };
  }

  /** Creates the namespaces and their veth pairs: one root `ip -batch`, then one `ip -n NS -batch` each. */
  async create(list: readonly TestNamespace[]): Promise<void> {
    const root = list.map((t) => `netns add ${t.ns}\nlink add ${t.outer} type veth peer name ${t.inner} netns ${t.ns}\n`).join('');
    for (const t of list) this.#created.add(t.ns);
    await runIp(['-batch', '-'], root);
    if (this.runDir !== undefined) await bindMounts(this.runDir, list.map((t) => t.ns));
    await Promise.all(list.map((t) => runIp(['-n', t.ns, '-batch', '-'], `link set ${t.inner} up\naddr add ${t.address} dev ${t.inner}\n`)));
  }

  /** Names of this run's namespaces and root-namespace links that exist now. */
  leftovers(): { namespaces: string[]; links: string[] } {
    const prefix = `tfb${this.run}`;
    const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')
      .map((l) => l.split(' ')[0] ?? '').filter((n) => n.startsWith(prefix));
    const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')
      .map((l) => (l.split(': ')[1] ?? '').split('@')[0] ?? '').filter((n) => n.startsWith(prefix));
    return { namespaces, links };
  }

  /** How many namespaces of other runs or programs exist now (the agent watches them too). */
  othersCount(): number {
    return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith(`tfb${this.run}`)).length;
  }

  /**
   * Deletes every namespace of this run (their veths go with them) and any root end left, synchronously so a
   * signal handler can call it; waits up to 5 s for the kernel's deferred veth removal. Returns what remains.
   */
  cleanupSync(): { namespaces: string[]; links: string[] } {
    if (this.runDir !== undefined && existsSync(this.runDir)) {
      // the private mounts keep the namespaces alive: they go first
      for (const f of readdirSync(this.runDir)) {
        try {
          execFileSync('umount', ['-l', join(this.runDir, f)], { stdio: 'ignore' });
        } catch {
          // not mounted (the failure happened between touch and mount)
        }
      }
      rmSync(this.runDir, { recursive: true, force: true });
    }
    const names = new Set([...this.#created, ...this.leftovers().namespaces]);
    if (names.size > 0) ipForce([...names].map((n) => `netns del ${n}\n`).join(''));
    this.#created.clear();
    const deadline = Date.now() + 5000;
    let left = this.leftovers();
    while (left.links.length > 0 && Date.now() < deadline) {
      execFileSync('sleep', ['0.1']);
      left = this.leftovers();
    }
    if (left.links.length > 0) ipForce(left.links.map((l) => `link del ${l}\n`).join(''));
    if (left.namespaces.length > 0) ipForce(left.namespaces.map((n) => `netns del ${n}\n`).join(''));
    return this.leftovers();
  }
}

/** `ip -force -batch -`: runs every line even when one fails (a name already gone). */
function ipForce(input: string): void {
  try {
    execFileSync('ip', ['-force', '-batch', '-'], { input, stdio: ['pipe', 'ignore', 'ignore'] });
  } catch {
    // a line failed because its object is already gone; leftovers() tells what remains
  }
}

/** Bind-mounts /var/run/netns/<name> onto <dir>/<name> for each name, in one shell. */
function bindMounts(dir: string, names: readonly string[]): Promise<void> {
  const script = names.map((n) => `touch ${dir}/${n} && mount --bind /var/run/netns/${n} ${dir}/${n}`).join(' && ');
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bind mounts failed (${code}): ${stderr.trim()}`))));
  });
}
