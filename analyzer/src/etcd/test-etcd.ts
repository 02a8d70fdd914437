// A real etcd for tests: Debian's etcd on a temp data dir and free loopback ports, stopped by its PID (and by the
// parent-death signal if the test process dies), restartable on the same dir and ports.
import { mkdtempSync, rmSync } from 'node:fs';
import { type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentReporter } from '@topoflow/common';
import { EmbeddedEtcd } from './embedded.js';

/** A port that was free a moment ago on 127.0.0.1. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

/** A running test etcd. */
export interface TestEtcd {
  /** Client URL, e.g. http://127.0.0.1:PORT. */
  readonly endpoint: string;
  readonly dataDir: string;
  readonly process: EmbeddedEtcd;
  /** Stops etcd (SIGTERM by PID); the data stays for a restart. */
  stop(): Promise<void>;
  /** Starts it again on the same data dir and ports. */
  restart(): Promise<void>;
  /** Stops etcd and removes its data dir. */
  destroy(): Promise<void>;
}

/** Starts an etcd on a temp data dir and free loopback ports. */
export async function startTestEtcd(): Promise<TestEtcd> {
  const dir = mkdtempSync(join(tmpdir(), 'topoflow-etcd-'));
  const [client, peer] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const etcd = new EmbeddedEtcd({
    binary: 'etcd', name: 'test', dataDir: join(dir, 'data'),
    clientUrl: `http://127.0.0.1:${client}`, peerUrl: `http://127.0.0.1:${peer}`,
    maxWalFiles: 2, maxSnapFiles: 2, autoCompactionMs: 0, startTimeoutMs: 15_000, stopTimeoutMs: 5000,
  }, { logger: silentReporter().logger, env: process.env });
  try {
    await etcd.start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    endpoint: etcd.config.clientUrl,
    dataDir: etcd.config.dataDir,
    process: etcd,
    stop: () => etcd.stop(),
    restart: () => etcd.start(),
    destroy: async () => {
      await etcd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A loopback TCP relay to an etcd whose link a test can cut and restore (a network failure without stopping etcd). */
export interface TcpProxy {
  /** Client URL through the proxy. */
  readonly endpoint: string;
  /** Drops every relayed connection and refuses new ones. */
  cut(): void;
  /** Relays again. */
  restore(): void;
  close(): Promise<void>;
}

/** Starts a relay from a free loopback port to `target` (an http://host:port URL). */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address() as { port: number };
  const cutAll = () => {
    for (const s of sockets) s.destroy();
  };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    cut: () => {
      open = false;
      cutAll();
    },
    restore: () => {
      open = true;
    },
    close: () => {
      cutAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
