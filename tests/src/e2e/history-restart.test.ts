// Graph history across analyzer restarts on one data dir: elements of publishers and of the node/edge API come
// back after SIGTERM and after SIGKILL, an agent's elements only when the agent resyncs (but stay in the past);
// a corrupt store leaves the analyzer running without history.
import { strict as assert } from 'node:assert';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type El, type ErrorBody, create, gremlin, gremlinReply, metric, request, setNodeKey, sleep } from '../support/api.js';
import { until } from '../support/net.js';
import { ServiceProcess } from '../support/processes.js';
import { RecordingSocket } from '../support/ws.js';

/** Sends one Graph message without waiting for a reply (publishers and agents get none on success). */
function send(s: RecordingSocket, type: string, obj: unknown): void {
  s.ws.send(JSON.stringify({ Namespace: 'Graph', Type: type, UUID: randomUUID(), Status: 200, Obj: obj }));
}

describe('graph history across analyzer restarts', function () {
  this.timeout(60_000);
  const started: ServiceProcess[] = [];
  const sockets: RecordingSocket[] = [];
  const dirs: string[] = [];

  afterEach(async () => {
    for (const s of sockets.splice(0)) await s.close();
    for (const p of started.splice(0).reverse()) await p.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const dataDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'topoflow-e2e-history-'));
    dirs.push(d);
    return d;
  };
  const startOn = async (dir: string, env: Record<string, string> = {}): Promise<ServiceProcess> => {
    const p = await ServiceProcess.start('analyzer', { TOPOFLOW_ANALYZER_DATA_DIR: dir, ...env });
    started.push(p);
    return p;
  };
  const connect = async (a: ServiceProcess, path: string, clientType: string, hostId: string): Promise<RecordingSocket> => {
    const s = await RecordingSocket.open(a.address, path, { 'X-Client-Type': clientType, 'X-Host-ID': hostId });
    sockets.push(s);
    return s;
  };
  const ids = async (a: ServiceProcess, q: string): Promise<string[]> => (await gremlin<El[]>(a.url, q)).map((e) => e.ID).sort();
  const waitFor = (a: ServiceProcess, q: string, want: string[], what: string): Promise<true> =>
    until(async () => ((await ids(a, q)).join() === [...want].sort().join() ? true : undefined), 10_000, what);

  const restart = async (a: ServiceProcess, how: 'SIGTERM' | 'SIGKILL', dir: string): Promise<ServiceProcess> => {
    if (how === 'SIGTERM') assert.equal(await a.stop(), 0, a.output);
    else await a.kill();
    return startOn(dir);
  };
  const node = (id: string, type: string) => ({ ID: id, Metadata: { Name: id, Type: type } });
  /** An agent's node as its agent sends it in a Sync (the same revision again on every resync). */
  const agentNode = (id: string, agentHost: string, t: number) => ({
    ...node(id, 'host'), Host: agentHost, Origin: `agent.${agentHost}`, CreatedAt: t, UpdatedAt: t, Revision: 1,
  });

  for (const how of ['SIGTERM', 'SIGKILL'] as const) {
    it(`restores publisher and API elements after ${how}, an agent's elements only once it resyncs`, async () => {
      const run = randomUUID().slice(0, 8);
      const dir = dataDir();
      const a1 = await startOn(dir);
      const [pubHost, agentHost] = [`pub-${run}`, `agent-${run}`];
      const [pubA, pubB, agId, apiId] = [`pa-${run}`, `pb-${run}`, `ag-${run}`, `api-${run}`];
      const mine = `Has('Name', Regex('.*-${run}'))`;

      const pub = await connect(a1, '/ws/publisher', 'e2epub', pubHost);
      send(pub, 'NodeAdded', node(pubA, 'device'));
      send(pub, 'NodeAdded', node(pubB, 'device'));
      send(pub, 'EdgeAdded', { ID: `pe-${run}`, Parent: pubA, Child: pubB, Metadata: { RelationType: 'layer2' } });
      const ag = agentNode(agId, agentHost, Date.now());
      const agent = await connect(a1, '/ws/agent/topology', 'agent', agentHost);
      send(agent, 'Sync', { Nodes: [ag], Edges: [] });
      await waitFor(a1, `G.V().${mine}`, [pubA, pubB, agId], 'publisher and agent nodes live');
      // Acknowledged API writes: durable, and so is everything applied before them.
      await create(a1.url, 'node', { ID: apiId, Metadata: { Name: apiId, Type: 'device', MTU: 1500 } });
      const apiRev = await setNodeKey(a1.url, apiId, 'MTU', 1400);
      await create(a1.url, 'edge', { ID: `ae-${run}`, Parent: apiId, Child: pubA, Metadata: { RelationType: 'ownership' } });
      const before = Date.now();
      await sleep(20);

      const a2 = await restart(a1, how, dir);
      assert.deepEqual(await ids(a2, `G.V().${mine}`), [apiId, pubA, pubB].sort(), 'publisher and API nodes are live again, not the agent\'s');
      assert.deepEqual(await ids(a2, 'G.E()'), [`ae-${run}`, `pe-${run}`].sort());
      const [restored] = await gremlin<El[]>(a2.url, `G.V('${apiId}')`);
      assert.deepEqual([restored?.Revision, restored?.UpdatedAt, restored?.Metadata.MTU], [2, apiRev.UpdatedAt, 1400], 'the last acknowledged revision');
      const [pa] = await gremlin<El[]>(a2.url, `G.V('${pubA}')`);
      assert.equal(pa?.Origin, `e2epub.${pubHost}`, 'the publisher keeps its origin');
      assert.deepEqual(await ids(a2, `G.At(${before}).V().${mine}`), [agId, apiId, pubA, pubB].sort(), 'the agent\'s node is in the past');

      const again = await connect(a2, '/ws/agent/topology', 'agent', agentHost);
      send(again, 'Sync', { Nodes: [ag], Edges: [] });
      await waitFor(a2, `G.V().${mine}`, [agId, apiId, pubA, pubB], 'the agent\'s node after its resync');
      const [back] = await gremlin<El[]>(a2.url, `G.V('${agId}')`);
      assert.deepEqual([back?.Revision, back?.Origin], [1, `agent.${agentHost}`]);
      const next = await setNodeKey(a2.url, apiId, 'MTU', 9000);
      assert.equal(next.Revision, 3, 'revisions continue after the restart');
      assert.deepEqual(await gremlin(a2.url, `G.At(${apiRev.UpdatedAt}).V('${apiId}').Values('MTU')`), [1400]);
    });

    it(`brings back an API edge to an agent's node when the agent resyncs after ${how}`, async () => {
      const run = randomUUID().slice(0, 8);
      const dir = dataDir();
      const a1 = await startOn(dir);
      const [agentHost, agId, apiId, edgeId] = [`agent-${run}`, `ag-${run}`, `api-${run}`, `edge-${run}`];
      const ag = agentNode(agId, agentHost, Date.now());
      send(await connect(a1, '/ws/agent/topology', 'agent', agentHost), 'Sync', { Nodes: [ag], Edges: [] });
      await waitFor(a1, 'G.V()', [agId], 'the agent\'s node');
      await create(a1.url, 'node', node(apiId, 'device'));
      await create(a1.url, 'edge', { ID: edgeId, Parent: apiId, Child: agId, Metadata: { RelationType: 'layer2' } });

      const a2 = await restart(a1, how, dir);
      assert.deepEqual(await ids(a2, 'G.E()'), [], 'the edge waits for the agent\'s node');
      send(await connect(a2, '/ws/agent/topology', 'agent', agentHost), 'Sync', { Nodes: [ag], Edges: [] });
      await waitFor(a2, 'G.V()', [agId, apiId], 'the agent\'s node after its resync');
      await waitFor(a2, 'G.E()', [edgeId], 'the API edge once both ends exist');
    });

    // After SIGKILL they do come back: history does not know the publisher's policy (analyzer/README.md, History).
    if (how === 'SIGTERM') it(`does not bring back the elements of a DeleteOnDisconnect publisher after ${how}`, async () => {
      const run = randomUUID().slice(0, 8);
      const dir = dataDir();
      const a1 = await startOn(dir);
      const volatile = await RecordingSocket.open(a1.address, '/ws/publisher', {
        'X-Client-Type': 'e2epub', 'X-Host-ID': `vol-${run}`, 'X-Persistence-Policy': 'DeleteOnDisconnect',
      });
      sockets.push(volatile);
      send(volatile, 'NodeAdded', node(`vol-${run}`, 'device'));
      await waitFor(a1, 'G.V()', [`vol-${run}`], 'the volatile node');
      await create(a1.url, 'node', node(`api-${run}`, 'device'));
      const before = Date.now();

      const a2 = await restart(a1, how, dir);
      assert.deepEqual(await ids(a2, 'G.V()'), [`api-${run}`], 'its publisher is not connected');
      assert.deepEqual(await ids(a2, `G.At(${before}).V()`), [`api-${run}`, `vol-${run}`], 'it stays in the past');
    });
  }

  it('runs without history on a corrupt store: healthy, 503 for the past, live graph served', async () => {
    const dir = dataDir();
    const garbage = randomBytes(64 * 1024);
    writeFileSync(join(dir, 'history.db'), garbage);
    const a = await startOn(dir, { TOPOFLOW_ANALYZER_HISTORY_ACK_TIMEOUT: '300ms' });

    assert.equal((await request(a.url, 'GET', '/healthz')).status, 200);
    const past = await gremlinReply<ErrorBody>(a.url, "G.At('-1m').V()");
    assert.deepEqual([past.status, past.body.code], [503, 'ANALYZER_HISTORY_STORE_DOWN']);
    assert.equal(await metric(a.url, 'topoflow_analyzer_history_store_available'), 0);
    assert.ok((await metric(a.url, 'topoflow_analyzer_history_store_open_errors_total') ?? 0) >= 1, 'open errors counted');

    const sub = await connect(a, '/ws/subscriber', 'e2e', `sub-${randomUUID().slice(0, 8)}`);
    const sync = await sub.request({ Namespace: 'Graph', Type: 'SyncRequest', Obj: { Time: Date.now() - 1000 } });
    assert.deepEqual([sync.Status, (sync as { Code?: string }).Code], [503, 'ANALYZER_HISTORY_STORE_DOWN'], 'SyncRequest.Time too');

    const pub = await connect(a, '/ws/publisher', 'e2epub', `pub-${randomUUID().slice(0, 8)}`);
    send(pub, 'NodeAdded', { ID: 'pub-live', Metadata: { Name: 'pub-live', Type: 'device' } });
    await waitFor(a, "G.V().Has('Name', 'pub-live')", ['pub-live'], 'a publisher node in the live graph');
    const write = await request<ErrorBody>(a.url, 'POST', '/api/node', { ID: 'api-live', Metadata: { Name: 'api-live', Type: 'device' } });
    assert.deepEqual([write.status, write.body.code], [503, 'GRAPH_HISTORY_WRITE_FAILED'], 'an API write cannot be acknowledged');
    assert.deepEqual(await ids(a, 'G.V()'), ['api-live', 'pub-live'], 'yet it is in the live graph');
    assert.equal((await request(a.url, 'GET', '/healthz')).status, 200, 'still healthy');
    assert.ok(readFileSync(join(dir, 'history.db')).equals(garbage), 'the corrupt file is left as it was');
  });
});
