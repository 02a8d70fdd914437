// Runs topoflow commands as real child processes, and stops only the processes it started, by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_MAIN } from './paths.js';

/** The outcome of a finished command. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A port that was free a moment ago on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** Runs `topoflow ARGS…` to completion (killed after `timeoutMs`). */
export function runTopoflow(args: readonly string[], opts: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * The etcd settings of a test analyzer: off unless the test sets TOPOFLOW_ETCD_ENABLED=true, then on free loopback
 * ports (unless the test chose them), so analyzers started side by side never share an etcd.
 */
async function etcdEnv(env: Record<string, string>): Promise<Record<string, string>> {
  if (env.TOPOFLOW_ETCD_ENABLED !== 'true') return { TOPOFLOW_ETCD_ENABLED: 'false' };
  if (env.TOPOFLOW_ETCD_LISTEN !== undefined || env.TOPOFLOW_ETCD_EMBEDDED === 'false') return {};
  return { TOPOFLOW_ETCD_LISTEN: `127.0.0.1:${await freePort()}`, TOPOFLOW_ETCD_PEER_LISTEN: `127.0.0.1:${await freePort()}` };
}

/** A long-running topoflow service started by a test. */
export class ServiceProcess {
  readonly child: ChildProcess;
  readonly address: string;
  output = '';

  private constructor(child: ChildProcess, address: string, ownDataDir: string | undefined) {
    this.child = child;
    this.address = address;
    child.once('exit', () => {
      if (ownDataDir !== undefined) rmSync(ownDataDir, { recursive: true, force: true });
    });
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  /**
   * Starts `topoflow <command>` on a free loopback port and waits until /readyz answers 200. The port is the
   * analyzer's for `analyzer` and `allinone`, the agent's API for `agent` (allinone's agent API gets another one).
   * An address set in `env` (TOPOFLOW_ANALYZER_LISTEN, or TOPOFLOW_AGENT_LISTEN for `agent`) is kept: a restarted
   * service comes back where its clients look for it.
   */
  static async start(command: 'analyzer' | 'agent' | 'allinone', env: Record<string, string> = {}, args: string[] = []): Promise<ServiceProcess> {
    const address = (command === 'agent' ? env.TOPOFLOW_AGENT_LISTEN : env.TOPOFLOW_ANALYZER_LISTEN) ?? `127.0.0.1:${await freePort()}`;
    const listen: Record<string, string> = command === 'agent'
      ? { TOPOFLOW_AGENT_LISTEN: address }
      : { TOPOFLOW_ANALYZER_LISTEN: address, ...(command === 'allinone' ? { TOPOFLOW_AGENT_LISTEN: `127.0.0.1:${await freePort()}` } : {}) };
    // Each analyzer gets its own history file unless the test shares one on purpose (restart tests).
    const ownDataDir = command !== 'agent' && env.TOPOFLOW_ANALYZER_DATA_DIR === undefined
      ? mkdtempSync(join(tmpdir(), 'topoflow-data-')) : undefined;
    const child = spawn(process.execPath, [CLI_MAIN, command, ...args], {
      env: {
        ...process.env, ...listen, TOPOFLOW_LOGGING_FORMAT: 'json', ...(ownDataDir ? { TOPOFLOW_ANALYZER_DATA_DIR: ownDataDir } : {}),
        ...(command !== 'agent' ? await etcdEnv(env) : {}), ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const svc = new ServiceProcess(child, address, ownDataDir);
    try {
      await svc.waitReady(15_000);
    } catch (err) {
      await svc.stop();
      throw new Error(`${command} did not become ready: ${(err as Error).message}\n${svc.output}`);
    }
    return svc;
  }

  /** Base URL of the HTTP API. */
  get url(): string {
    return `http://${this.address}`;
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`exited with code ${this.child.exitCode}`);
      try {
        const r = await fetch(`${this.url}/readyz`);
        if (r.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('timed out');
  }

  /** Kills the process by its PID with SIGKILL (no clean shutdown) and waits for it to exit. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops the process by its PID (SIGTERM, then SIGKILL after `graceMs`); resolves with its exit code. */
  async stop(graceMs = 5_000): Promise<number | null> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
}
