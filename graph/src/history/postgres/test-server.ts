// A private PostgreSQL server for tests and benchmarks: initdb in a temp dir, started on a free loopback port,
// stopped and removed by stop() (or, as a last resort, when the process exits).
import { execFile, execFileSync } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A running test server. */
export interface TestPostgres {
  /** Connection string of the `postgres` database as the `postgres` superuser (trust authentication). */
  readonly url: string;
  readonly port: number;
  /** Stops the server and removes its directory; idempotent. */
  stop(): Promise<void>;
}

/** How to start the test server. */
export interface TestPostgresOptions {
  /** Turn fsync and synchronous commit off: faster, not crash-safe. Off by default (PostgreSQL's durable defaults). */
  fast?: boolean;
}

interface Identity {
  readonly uid?: number;
  readonly gid?: number;
}

const START_ATTEMPTS = 3;

/** Starts a private PostgreSQL server on 127.0.0.1 in a new temp dir. */
export async function startTestPostgres(options: TestPostgresOptions = {}): Promise<TestPostgres> {
  const initdb = findBinary('initdb');
  const pgCtl = findBinary('pg_ctl');
  const who = identity();
  const dir = mkdtempSync(join(tmpdir(), 'topoflow-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const stopSync = () => stopServer(pgCtl, data, who, dir);
  process.on('exit', stopSync);
  try {
    if (who.uid !== undefined) chownSync(dir, who.uid, who.gid ?? -1);
    await run(initdb, ['-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C', '-D', data], who, dir);
    const settings = options.fast === true ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'] : [];
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const serverArgs = [`-c listen_addresses=127.0.0.1 -p ${port}`, `-k '${dir}'`, ...settings].join(' ');
      try {
        await run(pgCtl, ['-D', data, '-l', log, '-o', serverArgs, '-w', '-t', '30', 'start'], who, dir);
      } catch (err) {
        // Another process may have taken the port between freePort() and the server's bind.
        if (attempt < START_ATTEMPTS) continue;
        throw new Error(`startTestPostgres: the server did not start: ${(err as Error).message}\n${tail(log)}`, { cause: err });
      }
      let stopped = false;
      return {
        url: `postgres://postgres@127.0.0.1:${port}/postgres`,
        port,
        stop: async () => {
          if (stopped) return;
          stopped = true;
          process.off('exit', stopSync);
          stopSync();
        },
      };
    }
  } catch (err) {
    process.off('exit', stopSync);
    stopSync();
    throw err;
  }
}

/** Stops the server (if it runs) and removes its directory, synchronously so it also works in an exit handler. */
function stopServer(pgCtl: string, data: string, who: Identity, dir: string): void {
  try {
    execFileSync(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop'], { ...spawnIdentity(who), cwd: dir, stdio: 'ignore', timeout: 30_000 });
  } catch {
    // Not running (start failed) or pg_ctl failed: end the postmaster we started, by its pid, if it is there.
    killPostmaster(data);
  }
  rmSync(dir, { recursive: true, force: true });
}

function killPostmaster(data: string): void {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    process.kill(pid, 'SIGQUIT');
  } catch {
    // Already gone.
  }
}

/** The path of a PostgreSQL server binary: on PATH, else in Debian's versioned directory. */
function findBinary(name: string): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  try {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    dirs.push(...versions.map((v) => join('/usr/lib/postgresql', v, 'bin')));
  } catch {
    // No Debian layout.
  }
  for (const d of dirs) {
    const path = join(d, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not here.
    }
  }
  throw new Error(`startTestPostgres: '${name}' was not found on PATH or in /usr/lib/postgresql/*/bin; ` +
    'install the PostgreSQL 15 server (Debian: apt-get install postgresql-15)');
}

/** initdb refuses root: as root, run the server as the `postgres` OS user. */
function identity(): Identity {
  if (process.getuid?.() !== 0) return {};
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  const fields = line?.split(':');
  if (fields === undefined || fields.length < 4) {
    throw new Error("startTestPostgres: running as root needs a 'postgres' OS user, since initdb refuses root");
  }
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

function spawnIdentity(who: Identity): { uid?: number; gid?: number } {
  return who.uid === undefined ? {} : { uid: who.uid, ...(who.gid === undefined ? {} : { gid: who.gid }) };
}

function run(file: string, args: string[], who: Identity, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...spawnIdentity(who), cwd, env: { ...process.env, LC_ALL: 'C' }, timeout: 60_000 },
      (err, _stdout, stderr) => {
        if (err === null) resolve();
        else reject(new Error(`${file} failed: ${stderr.trim() || err.message}`, { cause: err }));
      });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no server log)';
  }
}
