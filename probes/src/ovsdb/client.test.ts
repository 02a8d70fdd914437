import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError, silentReporter, type Reporter } from '@topoflow/common';
import { OvsdbClient } from './client.js';
import { defaultOvsdbClientConfig } from './client-config.js';
import { parseOvsdbAddress } from './endpoint.js';
import { OvsdbErrors } from './errors.js';
import type { TableUpdates } from './values.js';

/** A scripted stand-in for ovsdb-server: answers monitor with a dump and records what it receives. */
class FakeServer {
  readonly received: unknown[] = [];
  readonly sockets = new Set<Socket>();
  #server: Server | null = null;
  constructor(readonly path: string, readonly onRequest: (msg: Record<string, unknown>, s: Socket) => void) {}
  async listen(): Promise<void> {
    this.#server = createServer((s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      let buf = '';
      s.on('data', (d) => {
        buf += d.toString();
        for (;;) {
          const end = buf.indexOf('}{') >= 0 ? buf.indexOf('}{') + 1 : buf.length;
          let msg: Record<string, unknown>;
          try {
            msg = JSON.parse(buf.slice(0, end)) as Record<string, unknown>;
          } catch {
            return;
          }
          buf = buf.slice(end);
          this.received.push(msg);
          this.onRequest(msg, s);
          if (buf === '') return;
        }
      });
    });
    await new Promise<void>((r) => this.#server?.listen(this.path, r));
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.#server ? this.#server.close(() => r()) : r()));
    this.#server = null;
  }
}

async function counter(reporter: Reporter, name: string): Promise<number> {
  const m = reporter.registry.getSingleMetric(`topoflow_test_ovsdb_${name}`);
  return (await m?.get())?.values[0]?.value ?? 0;
}

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ovsdb JSON-RPC client', () => {
  let dir = '';
  let server: FakeServer | undefined;
  let client: OvsdbClient | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'topoflow-ovsdb-client-'));
  });
  afterEach(async () => {
    await client?.stop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const make = (reporter: Reporter, timeout = '2s'): OvsdbClient =>
    new OvsdbClient({ ...defaultOvsdbClientConfig(), address: `unix:${join(dir, 'db.sock')}`, reconnectInterval: '20ms', maxReconnectInterval: '50ms', requestTimeout: timeout },
      { reporter: reporter.child('ovsdb') });

  it('parses unix and tcp addresses and rejects bad ones', () => {
    assert.deepEqual(parseOvsdbAddress('unix:///var/run/openvswitch/db.sock'), { kind: 'unix', path: '/var/run/openvswitch/db.sock' });
    assert.deepEqual(parseOvsdbAddress('tcp:127.0.0.1:6640'), { kind: 'tcp', host: '127.0.0.1', port: 6640 });
    assert.deepEqual(parseOvsdbAddress('[::1]:6640'), { kind: 'tcp', host: '::1', port: 6640 });
    for (const bad of ['unix:', 'tcp:host', 'ssl:x']) {
      assert.throws(() => parseOvsdbAddress(bad), (e) => isAppError(e, OvsdbErrors.ADDRESS_INVALID));
    }
  });

  it('answers echo, survives malformed messages and delivers monitor dumps and updates', async () => {
    const reporter = silentReporter();
    const dump: TableUpdates = { Bridge: { u1: { new: { name: 'br0' } } } };
    server = new FakeServer(join(dir, 'db.sock'), (msg, s) => {
      if (msg.method === 'monitor') {
        s.write('{"id":"e1","method":"echo","params":["x"]}["not", "an object"]garbage{"id":999,"result":1,"error":null}');
        s.write(JSON.stringify({ id: msg.id, result: dump, error: null }).replace('br0', 'br\\u0030'));
        s.write(JSON.stringify({ id: null, method: 'update', params: ['m', { Bridge: { u1: {} } }] }));
      }
    });
    await server.listen();
    client = make(reporter);
    const seen: [TableUpdates, boolean][] = [];
    await client.monitor('Open_vSwitch', 'm', { Bridge: {} }, (u, initial) => seen.push([u, initial]));
    await client.start();
    await waitFor(() => seen.length === 2);
    assert.deepEqual(seen, [[dump, true], [{ Bridge: { u1: {} } }, false]]);
    await waitFor(() => server?.received.some((m) => (m as { id?: unknown }).id === 'e1') === true);
    assert.deepEqual(server.received.find((m) => (m as { id?: unknown }).id === 'e1'), { result: ['x'], error: null, id: 'e1' });
    assert.equal(await counter(reporter, 'malformed_messages_total'), 3);
    assert.equal(client.connected, true);
  });

  it('rejects an error reply, a timeout and a request while disconnected with their codes', async () => {
    server = new FakeServer(join(dir, 'db.sock'), (msg, s) => {
      if (msg.method === 'transact') s.write(JSON.stringify({ id: msg.id, result: [{}, { error: 'constraint violation' }], error: null }));
      if (msg.method === 'get_schema') s.write(JSON.stringify({ id: msg.id, result: null, error: 'unknown database' }));
    });
    await server.listen();
    client = make(silentReporter(), '100ms');
    await assert.rejects(client.listDbs(), (e) => isAppError(e, OvsdbErrors.NOT_CONNECTED));
    await client.start();
    await assert.rejects(client.transact('Open_vSwitch', [{ op: 'insert' }, { op: 'insert' }]), (e) => isAppError(e, OvsdbErrors.TRANSACT_FAILED));
    await assert.rejects(client.getSchema('nope'), (e) => isAppError(e, OvsdbErrors.REQUEST_FAILED));
    await assert.rejects(client.listDbs(), (e) => isAppError(e, OvsdbErrors.REQUEST_TIMEOUT));
  });

  it('retries a failed connect, then re-issues its monitors after a disconnect', async () => {
    const reporter = silentReporter();
    let dumps = 0;
    const handler = (msg: Record<string, unknown>, s: Socket): void => {
      if (msg.method === 'monitor') s.write(JSON.stringify({ id: msg.id, result: {}, error: null }));
    };
    client = make(reporter);
    await client.monitor('Open_vSwitch', 'm', {}, (_u, initial) => { if (initial) dumps++; });
    await client.start();
    assert.equal(client.connected, false);
    assert.notEqual(client.status().lastError, null);
    server = new FakeServer(join(dir, 'db.sock'), handler);
    await server.listen();
    await waitFor(() => dumps === 1);
    for (const s of server.sockets) s.destroy();
    await waitFor(() => dumps === 2);
    assert.equal(await counter(reporter, 'connects_total'), 2);
    await client.stop();
    await client.stop();
    assert.equal(client.connected, false);
  });
});
