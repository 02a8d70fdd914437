// The etcd process the analyzer runs itself: found on PATH, started on its own data dir and loopback ports, ready
// once /health answers, stopped by PID (SIGTERM, then SIGKILL). A PID file lets the next start stop an etcd left
// behind by a killed analyzer, and setpriv's parent-death signal stops etcd when the analyzer dies.
import { type ChildProcess, spawn } from 'node:child_process';
import { constants, accessSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import type { ComponentReporter } from '@topoflow/common';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import type { EmbeddedEtcdConfig } from './config.js';

/** What the embedded etcd needs. */
export interface EmbeddedEtcdDeps {
  logger: ComponentReporter['logger'];
  /** Environment of the child (its PATH also finds the binary); ETCD_* variables are removed. */
  env: Record<string, string | undefined>;
  /** Called when etcd exits while nobody asked it to. */
  onUnexpectedExit?(info: { code: number | null; signal: string | null; stderr: string }): void;
}

const TAIL_LINES = 30;
const HEALTH_POLL_MS = 100;
const EXTRA_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];

/** Finds an executable: a path as given, or a name in PATH (and the usual system dirs). */
export function findExecutable(name: string, pathEnv: string | undefined): string | undefined {
  const candidates = name.includes('/') ? [name] : [...(pathEnv ?? '').split(delimiter).filter((d) => d !== ''), ...EXTRA_DIRS].map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not there
    }
  }
  return undefined;
}

/** An etcd child process. */
export class EmbeddedEtcd {
  readonly config: EmbeddedEtcdConfig;
  readonly #deps: EmbeddedEtcdDeps;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #stopping = false;
  #tail: string[] = [];

  constructor(config: EmbeddedEtcdConfig, deps: EmbeddedEtcdDeps) {
    this.config = config;
    this.#deps = deps;
  }

  /** PID of the running etcd. */
  get pid(): number | undefined {
    return this.#child?.exitCode === null && this.#child.signalCode === null ? this.#child.pid : undefined;
  }

  /** The last lines etcd wrote to stderr. */
  get stderrTail(): string {
    return this.#tail.join('\n');
  }

  /** Where the PID of the running etcd is written. */
  get pidFile(): string {
    return `${this.config.dataDir.replace(/\/+$/, '')}.pid`;
  }

  /** Starts etcd and resolves once it answers /health; throws ANALYZER_ETCD_BINARY_MISSING or ANALYZER_ETCD_START_FAILED. */
  async start(): Promise<void> {
    if (this.pid !== undefined) return;
    const c = this.config;
    const binary = findExecutable(c.binary, this.#deps.env.PATH);
    if (binary === undefined) {
      throw analyzerError(AnalyzerErrors.ETCD_BINARY_MISSING,
        `the etcd executable "${c.binary}" was not found: install Debian's etcd-server package (apt-get install etcd-server), `
        + 'set etcd.binary to its path, or set etcd.embedded: false and etcd.endpoints', { binary: c.binary });
    }
    await this.#stopLeftover();
    await Promise.all([portFree(c.clientUrl, 'etcd.listen'), portFree(c.peerUrl, 'etcd.peerListen')]);
    mkdirSync(c.dataDir, { recursive: true, mode: 0o700 });
    this.#spawn(binary);
    try {
      await this.#waitHealthy();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Stops etcd by its PID: SIGTERM, then SIGKILL after stopTimeout. Idempotent. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), this.config.stopTimeoutMs);
      await this.#exited;
      clearTimeout(timer);
    }
    rmSync(this.pidFile, { force: true });
    this.#child = undefined;
  }

  #spawn(binary: string): void {
    const c = this.config;
    const args = [
      '--name', c.name, '--data-dir', c.dataDir,
      '--listen-client-urls', c.clientUrl, '--advertise-client-urls', c.clientUrl,
      '--listen-peer-urls', c.peerUrl, '--initial-advertise-peer-urls', c.peerUrl,
      '--initial-cluster', `${c.name}=${c.peerUrl}`, '--initial-cluster-state', 'new',
      '--max-wals', String(c.maxWalFiles), '--max-snapshots', String(c.maxSnapFiles),
      '--logger', 'zap', '--log-outputs', 'stderr',
      ...(c.autoCompactionMs > 0 ? ['--auto-compaction-mode', 'periodic', '--auto-compaction-retention', `${Math.max(1, Math.round(c.autoCompactionMs / 1000))}s`] : []),
    ];
    const env = Object.fromEntries(Object.entries(this.#deps.env).filter(([k]) => !k.startsWith('ETCD_')));
    // With setpriv, etcd receives SIGTERM when the analyzer dies, even by SIGKILL.
    const setpriv = findExecutable('setpriv', this.#deps.env.PATH);
    const [cmd, argv] = setpriv !== undefined ? [setpriv, ['--pdeathsig', 'SIGTERM', '--', binary, ...args]] : [binary, args];
    this.#stopping = false;
    this.#tail = [];
    // Its own process group: a Ctrl-C on the terminal reaches the analyzer, which then stops etcd in order.
    const child = spawn(cmd, argv, { env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('error', (err) => this.#deps.logger.error({ err }, 'etcd could not be run'));
    let partial = '';
    child.stderr?.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.#line(line);
    });
    child.once('exit', (code, signal) => {
      if (this.#stopping) return;
      this.#deps.logger.error({ code, signal, last: this.#tail.slice(-5).map(summarize) }, 'etcd exited unexpectedly');
      this.#deps.onUnexpectedExit?.({ code, signal, stderr: this.stderrTail });
    });
    if (child.pid !== undefined) writeFileSync(this.pidFile, `${child.pid}\n`);
    this.#deps.logger.info({ pid: child.pid, dataDir: c.dataDir, client: c.clientUrl }, 'etcd starting');
  }

  #line(line: string): void {
    if (line.trim() === '') return;
    this.#tail.push(line);
    if (this.#tail.length > TAIL_LINES) this.#tail.shift();
    if (/"level":"(error|fatal|panic)"/.test(line)) this.#deps.logger.warn({ etcd: line.slice(0, 2000) }, 'etcd reported an error');
  }

  async #waitHealthy(): Promise<void> {
    const deadline = Date.now() + this.config.startTimeoutMs;
    while (Date.now() < deadline) {
      if (this.pid === undefined) throw this.#startFailed('etcd exited during start');
      try {
        const r = await fetch(`${this.config.clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
        const body = (await r.json()) as { health?: unknown };
        if (body.health === 'true' && this.pid !== undefined) return;
      } catch {
        // not answering yet
      }
      await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
    }
    throw this.#startFailed(`etcd did not become healthy within ${this.config.startTimeoutMs}ms`);
  }

  #startFailed(what: string): Error {
    const last = this.#tail.slice(-5).map(summarize).join('; ');
    return analyzerError(AnalyzerErrors.ETCD_START_FAILED, `${what} (data dir ${this.config.dataDir})${last ? `: ${last}` : ''}`, {
      stderr: this.stderrTail,
    });
  }

  /** Stops an etcd a killed analyzer left running on the same data dir (found through the PID file). */
  async #stopLeftover(): Promise<void> {
    let pid: number;
    try {
      pid = Number(readFileSync(this.pidFile, 'utf8').trim());
    } catch {
      return;
    }
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      // gone already
    }
    const args = cmdline.split('\0');
    if (Number.isInteger(pid) && pid > 0 && args.some((a) => a.endsWith('etcd')) && args.includes(this.config.dataDir)) {
      this.#deps.logger.warn({ pid }, 'stopping an etcd left running on this data dir');
      await killAndWait(pid, this.config.stopTimeoutMs);
    }
    rmSync(this.pidFile, { force: true });
  }
}

function summarize(line: string): string {
  try {
    const o = JSON.parse(line) as { msg?: string; error?: string };
    return [o.msg, o.error].filter((s) => s !== undefined).join(': ');
  } catch {
    return line.slice(0, 300);
  }
}

/** True while process `pid` exists (signal 0 reaches it). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function killAndWait(pid: number, graceMs: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  const killDeadline = Date.now() + 2000;
  while (alive(pid) && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 20));
}

/** Fails with ANALYZER_ETCD_START_FAILED when another process listens on the address of `url`. */
async function portFree(url: string, key: string): Promise<void> {
  const { hostname, port } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => reject(analyzerError(AnalyzerErrors.ETCD_START_FAILED,
      `${key} ${host}:${port} is not available (${err.code ?? err.message}): another process uses it; choose another port`, { address: `${host}:${port}` })));
    srv.listen(Number(port), host, () => srv.close(() => resolve()));
  });
}
