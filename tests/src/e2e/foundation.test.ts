// The foundation scenario end to end with real processes: start the analyzer, import a Skydive dump with the
// CLI, query it with the CLI and over REST, watch live updates on /ws/subscriber, export and re-import.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { CLI_MAIN, sharedData } from '../support/paths.js';
import { runTopoflow, ServiceProcess } from '../support/processes.js';
import { query, RecordingSocket } from '../support/ws.js';

describe('foundation end to end (analyzer process + CLI)', function () {
  this.timeout(60_000);
  let analyzer: ServiceProcess;
  let tmp: string;
  const k8s = sharedData('skydive-dumps/kubernetes.json');

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'topoflow-e2e-'));
    analyzer = await ServiceProcess.start('analyzer');
  });
  after(async () => {
    await analyzer?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => runTopoflow([...args, '--analyzer', analyzer.address]);

  it('imports kubernetes.json with the CLI', async () => {
    const r = await cli('client', 'topology', 'import', k8s);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /imported 137 nodes and 244 edges/);
  });

  it('answers the same query through the CLI and over REST', async () => {
    const r = await cli('client', 'query', "G.V().Has('Type', 'pod').Count()");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout), 26);
    assert.deepEqual(await query(analyzer.url, "G.V().Has('Type', 'pod').Count()"), { status: 200, body: 26 });
    const names = await query(analyzer.url, "G.V().Has('Type', 'cluster').Values('Name')");
    assert.deepEqual(names.body, ['minikube']);
    const all = await query(analyzer.url, 'G.V().Count()');
    assert.equal(all.body, 137);
  });

  it('runs queries line by line in topoflow client shell, pointing at parse errors', async () => {
    const input = "G.V().Has('Type', 'pod').Count()\nG.V().Has('Name'\n.help\nG.E().Count()\n.exit\nG.V().Count()\n";
    const r = await runTopoflow(['client', 'shell', '--analyzer', analyzer.address], { input });
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.split('\n');
    assert.equal(out[0], '26');
    assert.equal(out[1], "  G.V().Has('Name'");
    assert.equal(out[2], `  ${' '.repeat("G.V().Has('Name'".length)}^`);
    assert.match(out[3] ?? '', /^error: .*\[GREMLIN_PARSE_ERROR\]$/);
    assert.match(r.stdout, /\.exit +leave/);
    assert.equal(out.filter((l) => l === '244').length, 1, 'G.E().Count() ran');
    assert.ok(!out.includes('137'), 'nothing runs after .exit');
  });

  it('replaces, not duplicates, when the same dump is imported again', async () => {
    const r = await cli('client', 'topology', 'import', k8s);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await query(analyzer.url, 'G.E().Count()')).body, 244);
  });

  it('streams live updates to a filtered subscriber', async () => {
    const sub = await RecordingSocket.open(analyzer.address, '/ws/subscriber', { 'X-Client-Type': 'e2e', 'X-Host-ID': 'e2e-sub' });
    try {
      const reply = await sub.request({ Namespace: 'Graph', Type: 'SyncRequest', Obj: { GremlinFilter: "G.V().Has('Type', 'pod').SubGraph()" } });
      assert.equal(reply.Status, 200);
      assert.equal((reply.Obj as { Nodes: unknown[] }).Nodes.length, 26);

      const post = (body: unknown) => fetch(`${analyzer.url}/api/node`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal((await post({ ID: 'e2e-other', Metadata: { Name: 'other', Type: 'device' } })).status, 201);
      assert.equal((await post({ ID: 'e2e-pod', Metadata: { Name: 'newpod', Type: 'pod' } })).status, 201);
      await sub.waitFor((m) => m.Type === 'NodeAdded' && (m.Obj as { ID: string }).ID === 'e2e-pod');

      const patch = await fetch(`${analyzer.url}/api/node/e2e-pod`, {
        method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ op: 'add', path: '/Metadata/Phase', value: 'Running' }]),
      });
      assert.equal(patch.status, 200);
      const upd = await sub.waitFor((m) => m.Type === 'NodeUpdated');
      assert.equal((upd.Obj as { Metadata: { Phase: string } }).Metadata.Phase, 'Running');

      assert.equal((await fetch(`${analyzer.url}/api/node/e2e-pod`, { method: 'DELETE' })).status, 200);
      await sub.waitFor((m) => m.Type === 'NodeDeleted' && (m.Obj as { ID: string }).ID === 'e2e-pod');
      assert.ok(!sub.messages.some((m) => (m.Obj as { ID?: string } | undefined)?.ID === 'e2e-other'), 'filtered out');
    } finally {
      await sub.close();
    }
  });

  it('streams changes through topoflow client subscribe', async () => {
    const child = spawn(process.execPath, [CLI_MAIN, 'client', 'subscribe', '--count', '1', '--gremlin', "G.V().Has('Type', 'cluster').SubGraph()", '--analyzer', analyzer.address]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      for (let i = 0; i < 200 && !stderr.includes('subscribed'); i++) await new Promise((r) => setTimeout(r, 25));
      assert.match(stderr, /subscribed: 1 nodes, 0 edges/);
      const r = await fetch(`${analyzer.url}/api/node`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ID: 'e2e-cluster', Metadata: { Name: 'c2', Type: 'cluster' } }) });
      assert.equal(r.status, 201);
      assert.equal(await exited, 0, stderr);
      const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { Type: string; Obj: { ID?: string } });
      assert.deepEqual(lines.map((l) => l.Type), ['SyncReply', 'NodeAdded']);
      assert.equal(lines[1]?.Obj.ID, 'e2e-cluster');
    } finally {
      child.kill();
    }
  });

  it('exports JSON that imports back identically, and DOT', async () => {
    const exp = await cli('client', 'topology', 'export', '--gremlin', "G.V().Has('Type', 'pod').SubGraph()");
    assert.equal(exp.code, 0, exp.stderr);
    const file = join(tmp, 'pods.json');
    writeFileSync(file, exp.stdout);
    const other = await ServiceProcess.start('analyzer');
    try {
      const imp = await runTopoflow(['client', 'topology', 'import', file, '--analyzer', other.address]);
      assert.equal(imp.code, 0, imp.stderr);
      assert.equal((await query(other.url, 'G.V().Count()')).body, 26);
      const before = await query(analyzer.url, "G.V().Has('Type', 'pod').Values('Name')");
      const after = await query(other.url, "G.V().Has('Type', 'pod').Values('Name')");
      assert.deepEqual((after.body as string[]).sort(), (before.body as string[]).sort());
    } finally {
      await other.stop();
    }
    const dot = await cli('client', 'topology', 'export', '--format', 'dot');
    assert.equal(dot.code, 0, dot.stderr);
    assert.match(dot.stdout, /^digraph /);
    assert.equal((dot.stdout.match(/ -> /g) ?? []).length, 244);
  });

  it('reports bad input clearly and keeps running', async () => {
    const bad = await cli('client', 'query', "G.V().Has('Name'");
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /GREMLIN_PARSE_ERROR/);
    const r = await fetch(`${analyzer.url}/api/topology`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"GremlinQuery": ' });
    assert.equal(r.status, 400);
    assert.equal(typeof ((await r.json()) as { code?: string }).code, 'string');
    const missing = await cli('client', 'topology', 'import', join(tmp, 'nope.json'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /CLI_FILE_UNREADABLE/);
    assert.equal((await fetch(`${analyzer.url}/readyz`)).status, 200);
  });
});

describe('topoflow command line', () => {
  it('prints the effective configuration with --dump, environment applied', async () => {
    const r = await runTopoflow(['analyzer', '--dump'], { env: { TOPOFLOW_ANALYZER_LISTEN: '127.0.0.1:9999' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /listen: 127\.0\.0\.1:9999/);
  });

  it('refuses unknown configuration keys, naming each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topoflow-cfg-'));
    try {
      const file = join(dir, 'bad.yml');
      writeFileSync(file, 'analyzer:\n  lisen: 1\n');
      const r = await runTopoflow(['analyzer', '--config', file, '--dump'], { env: { TOPOFLOW_ANALYZER_NOPE: 'x' } });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /analyzer\.lisen/);
      assert.match(r.stderr, /TOPOFLOW_ANALYZER_NOPE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains usage errors with exit code 2', async () => {
    const r = await runTopoflow(['client', 'frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command/);
  });
});
