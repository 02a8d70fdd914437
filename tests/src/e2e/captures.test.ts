// Captures end to end with `topoflow allinone` and its embedded etcd (Debian's etcd-server): the CLI creates, lists,
// gets and deletes captures, invalid ones are refused, a capture survives a SIGKILL of the analyzer (whose etcd
// dies with it and is replaced at the next start), and the on-demand server sees it.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from '../support/api.js';
import { alive, until } from '../support/net.js';
import { ServiceProcess, freePort, runTopoflow } from '../support/processes.js';


describe('captures with topoflow allinone and its embedded etcd', function () {
  this.timeout(90_000);
  const started: ServiceProcess[] = [];
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'topoflow-e2e-captures-'));
  });

  afterEach(async () => {
    for (const p of started.splice(0).reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('manages captures with the CLI, keeps them across a SIGKILL, and runs etcd only while the analyzer lives', async () => {
    const env = {
      TOPOFLOW_ANALYZER_DATA_DIR: dir, TOPOFLOW_ETCD_ENABLED: 'true', TOPOFLOW_ANALYZER_HISTORY_BACKEND: 'none',
      TOPOFLOW_ETCD_LISTEN: `127.0.0.1:${await freePort()}`, TOPOFLOW_ETCD_PEER_LISTEN: `127.0.0.1:${await freePort()}`,
    };
    const start = async () => {
      const p = await ServiceProcess.start('allinone', env);
      started.push(p);
      return p;
    };
    let a = await start();
    const cli = (...args: string[]) => runTopoflow([...args, '--analyzer', a.address]);
    const etcdPid = Number(readFileSync(join(dir, 'etcd.pid'), 'utf8'));
    assert.ok(alive(etcdPid), 'the embedded etcd runs');

    const created = await cli('client', 'capture', 'create', '--gremlin', "G.V().Has('Name', 'lo')", '--bpf', 'icmp', '--name', 'loop');
    assert.equal(created.code, 0, created.stderr);
    const id = (JSON.parse(created.stdout) as { UUID: string }).UUID;

    const badType = await cli('client', 'capture', 'create', '--gremlin', 'G.V()', '--type', 'tcpdump');
    assert.equal(badType.code, 1);
    assert.match(badType.stderr, /\[ANALYZER_CAPTURE_INVALID\]/);
    const badGremlin = await cli('client', 'capture', 'create', '--gremlin', "G.V().Has('Name'");
    assert.equal(badGremlin.code, 1);
    assert.match(badGremlin.stderr, /at position \d+.*\[GREMLIN_PARSE_ERROR\]/);
    const negative = await cli('client', 'capture', 'create', '--gremlin', 'G.V()', '--sampling-rate', '-1');
    assert.match(negative.stderr, /\[ANALYZER_CAPTURE_INVALID\]/);

    const status = await request<{ Captures: { Captures: number; Watching: boolean } }>(a.url, 'GET', '/api/status');
    assert.equal(status.body.Captures.Captures, 1);

    await a.kill();
    await until(async () => (alive(etcdPid) ? undefined : true), 10_000, 'the embedded etcd to exit with its analyzer');
    a = await start();
    const list = await cli('client', 'capture', 'list');
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(Object.keys(JSON.parse(list.stdout) as object), [id]);
    const got = JSON.parse((await cli('client', 'capture', 'get', id)).stdout) as { Name: string; BPFFilter: string };
    assert.deepEqual([got.Name, got.BPFFilter], ['loop', 'icmp']);

    const deleted = await cli('client', 'capture', 'delete', id);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual(JSON.parse((await cli('client', 'capture', 'list')).stdout), {});
  });

  it('fails to start with a clear message when the etcd binary is missing', async () => {
    const r = await runTopoflow(['analyzer'], {
      env: {
        TOPOFLOW_ANALYZER_LISTEN: `127.0.0.1:${await freePort()}`, TOPOFLOW_ANALYZER_DATA_DIR: dir, TOPOFLOW_ETCD_BINARY: 'etcd-missing',
        TOPOFLOW_ETCD_LISTEN: `127.0.0.1:${await freePort()}`, TOPOFLOW_ETCD_PEER_LISTEN: `127.0.0.1:${await freePort()}`,
      },
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /etcd-server/);
  });
});
