// Time travel end to end against one analyzer process: old revisions through G.At() over REST and through
// `topoflow client query --at/--window`, deleted elements, edges across node updates, SyncRequest.Time on
// /ws/subscriber, and bad times and oversized windows answered with their error codes.
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { type El, type ErrorBody, create, gremlin, gremlinReply, remove, request, setNodeKey, sleep } from '../support/api.js';
import { runTopoflow, ServiceProcess } from '../support/processes.js';
import { type Msg, RecordingSocket } from '../support/ws.js';

const MAX_REVISIONS = 50;
/** Pause between two writes so that each revision gets its own millisecond. */
const GAP_MS = 15;

describe('graph history end to end (analyzer process)', function () {
  this.timeout(60_000);
  const run = randomUUID().slice(0, 8);
  let analyzer: ServiceProcess;
  const sockets: RecordingSocket[] = [];

  before(async () => {
    analyzer = await ServiceProcess.start('analyzer', { TOPOFLOW_ANALYZER_HISTORY_MAX_REVISIONS: String(MAX_REVISIONS) });
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) await s.close();
  });
  after(async () => {
    await analyzer?.stop();
  });

  const g = <T = El[]>(q: string): Promise<T> => gremlin<T>(analyzer.url, q);
  const cliQuery = async (args: string[], q: string): Promise<unknown> => {
    const r = await runTopoflow(['client', 'query', ...args, q, '--analyzer', analyzer.address]);
    assert.equal(r.code, 0, `${args.join(' ')} ${q}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  /** Creates a node, then sets `key` to each of `values` in turn; returns every revision the API acknowledged. */
  const revisions = async (node: Record<string, unknown>, key: string, values: unknown[]): Promise<El[]> => {
    const out = [await create(analyzer.url, 'node', node)];
    for (const v of values) {
      await sleep(GAP_MS);
      out.push(await setNodeKey(analyzer.url, node.ID as string, key, v));
    }
    out.forEach((r, i) => assert.equal(r.Revision, i + 1, 'the API counts revisions from 1'));
    for (let i = 1; i < out.length; i++) assert.ok(out[i]!.UpdatedAt > out[i - 1]!.UpdatedAt + 2, 'revisions milliseconds apart');
    return out;
  };

  it('answers each past MTU of an interface between its changes, and every revision in order over a window', async () => {
    const name = `eth-${run}`;
    const mtus = [1500, 1400, 9000, 1280];
    const revs = await revisions({ ID: `if-${run}`, Metadata: { Name: name, Type: 'device', MTU: mtus[0] } }, 'MTU', mtus.slice(1));
    const u = revs.map((r) => r.UpdatedAt);
    const mtuAt = (q: string) => g<number[]>(`G.At(${q}).V().Has('Name', '${name}').Values('MTU')`);

    assert.deepEqual(await mtuAt(String(u[0]! - 1)), [], 'nothing before the creation');
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(await mtuAt(String(u[i])), [mtus[i]], `at revision ${i + 1}`);
      const until = i < 3 ? u[i + 1]! - 1 : Date.now();
      assert.deepEqual(await mtuAt(String(until)), [mtus[i]], `just before revision ${i + 2}`);
      const [n] = await g(`G.At(${until}).V('if-${run}')`);
      assert.equal(n?.Revision, i + 1);
    }
    assert.deepEqual(await mtuAt(`${u[3]}, '${u[3]! - u[0]!}ms'`), mtus, 'the whole span lists the 4 revisions in order');
    assert.deepEqual(await mtuAt(`${u[2]! - 1}, '${u[2]! - u[1]! - 2}ms'`), [1400], 'a window inside one revision sees only it');
    assert.deepEqual(await mtuAt(`${u[2]}, '${u[2]! - u[1]!}ms'`), [1500, 1400, 9000], 'window bounds are inclusive (reference 2.7)');

    const q = `G.V().Has('Name', '${name}').Values('MTU')`;
    const [a0, a1, a2, a3, before, whole] = await Promise.all([
      ...u.map((t) => cliQuery(['--at', String(t)], q)),
      cliQuery(['--at', String(u[0]! - 1)], q),
      cliQuery(['--at', String(u[3]), '--window', `${u[3]! - u[0]!}ms`], q),
    ]);
    assert.deepEqual([a0, a1, a2, a3], mtus.map((m) => [m]), 'client query --at');
    assert.deepEqual(before, []);
    assert.deepEqual(whole, mtus, 'client query --at --window');
  });

  it('shows a deleted namespace and its ownership edge only while they existed, at instants and over windows', async () => {
    const [hostName, nsName] = [`host-${run}`, `ns-${run}`];
    await create(analyzer.url, 'node', { ID: hostName, Metadata: { Name: hostName, Type: 'host' } });
    await sleep(GAP_MS);
    const ns = await create(analyzer.url, 'node', { ID: nsName, Metadata: { Name: nsName, Type: 'netns', Path: `/var/run/netns/${nsName}` } });
    const edge = await create(analyzer.url, 'edge', { ID: `own-${run}`, Parent: hostName, Child: nsName, Metadata: { RelationType: 'ownership' } });
    await sleep(GAP_MS);
    const deleting = Date.now();
    await remove(analyzer.url, 'node', nsName);
    const deleted = Date.now();
    await sleep(GAP_MS);
    const owned = (at: string) => g<string[]>(`G.At(${at}).V().Has('Name', '${hostName}').Out('Type', 'netns').Values('Name')`);
    const nsNodes = (at: string) => g(`G.At(${at}).V().Has('Name', '${nsName}')`);

    assert.deepEqual(await g(`G.V().Has('Name', '${nsName}')`), [], 'gone from the live graph');
    assert.deepEqual(await nsNodes(String(ns.CreatedAt - 1)), [], 'not yet created');
    assert.deepEqual(await owned(String(edge.CreatedAt)), [nsName], 'owned once the edge exists');
    assert.deepEqual(await owned(String(deleting - 1)), [nsName], 'still there just before the DELETE');
    assert.deepEqual(await nsNodes(String(deleted + 1)), [], 'gone after the DELETE answered');
    assert.deepEqual(await owned(String(deleted + 1)), []);
    assert.equal((await g(`G.At(${deleted + 1}).V().Has('Name', '${hostName}')`)).length, 1, 'the host stays');

    const whole = await nsNodes(`${deleted + 1}, '${deleted + 1 - ns.CreatedAt}ms'`);
    assert.equal(whole.length, 1, 'one revision over the whole life');
    const d = whole[0]!.DeletedAt as number;
    assert.ok(d >= deleting && d <= deleted, `DeletedAt ${d} within the DELETE request [${deleting}, ${deleted}]`);
    const edges = await g(`G.At(${deleted + 1}, '${deleted + 1 - ns.CreatedAt}ms').E().Has('RelationType', 'ownership')`);
    assert.deepEqual(edges.filter((e) => e.ID === edge.ID).map((e) => [e.Revision, e.DeletedAt]), [[1, d]], 'the edge went with its child');
    assert.equal((await nsNodes(`${deleted + 5}, '${deleted + 5 - d - 1}ms'`)).length, 0, 'a window after the deletion');
    assert.equal((await nsNodes(`${ns.CreatedAt - 1}, '1000ms'`)).length, 0, 'a window before the creation');
    assert.equal((await nsNodes(`${d + 10}, '10ms'`)).length, 1, 'a window that ends after the deletion but starts at it');
  });

  it('keeps an edge at revision 1 at every instant while its parent node\'s metadata changes', async () => {
    const [a, b] = [`pa-${run}`, `pb-${run}`];
    await create(analyzer.url, 'node', { ID: b, Metadata: { Name: b, Type: 'device' } });
    await create(analyzer.url, 'node', { ID: a, Metadata: { Name: a, Type: 'device', Color: 'red' } });
    const e = await create(analyzer.url, 'edge', { ID: `l2-${run}`, Parent: a, Child: b, Metadata: { RelationType: 'layer2' } });
    await sleep(GAP_MS);
    const revs = [await setNodeKey(analyzer.url, a, 'Color', 'blue')];
    for (const c of ['green', 'white']) {
      await sleep(GAP_MS);
      revs.push(await setNodeKey(analyzer.url, a, 'Color', c));
    }
    const instants = [e.UpdatedAt, ...revs.flatMap((r) => [r.UpdatedAt - 1, r.UpdatedAt]), Date.now()];
    for (const t of instants) {
      const edges = await g(`G.At(${t}).V().Has('Name', '${a}').OutE('RelationType', 'layer2')`);
      assert.deepEqual(edges.map((x) => [x.ID, x.Revision, x.UpdatedAt]), [[e.ID, 1, e.UpdatedAt]], `edge at ${t}`);
    }
    const colors = await g<string[]>(`G.At(${revs[2]!.UpdatedAt}, '${revs[2]!.UpdatedAt - e.UpdatedAt}ms').V().Has('Name', '${a}').Values('Color')`);
    assert.deepEqual(colors, ['red', 'blue', 'green', 'white'], 'the node has 4 revisions in the window');
    const inWindow = await g(`G.At(${revs[2]!.UpdatedAt}, '${revs[2]!.UpdatedAt - e.UpdatedAt}ms').E().Has('RelationType', 'layer2')`);
    assert.deepEqual(inWindow.filter((x) => x.ID === e.ID).map((x) => x.Revision), [1], 'the edge has one revision in the window');
    assert.equal((await g(`G.E().Has('RelationType', 'layer2')`)).find((x) => x.ID === e.ID)?.Revision, 1, 'live too');
  });

  it('answers a SyncRequest with a Time with the past graph, then sends no live event until a SyncRequest without Time', async () => {
    const name = `sync-${run}`;
    const [r1] = await revisions({ ID: name, Metadata: { Name: name, Type: 'device', MTU: 1500 } }, 'MTU', [1400]);
    const later = await create(analyzer.url, 'node', { ID: `later-${run}`, Metadata: { Name: `later-${run}`, Type: 'device' } });
    const open = async (id: string) => {
      const s = await RecordingSocket.open(analyzer.address, '/ws/subscriber', { 'X-Client-Type': 'e2e', 'X-Host-ID': `${id}-${run}` });
      sockets.push(s);
      return s;
    };
    const [past, live] = [await open('past'), await open('live')];
    const sync = async (obj: unknown) => {
      const reply = await past.request({ Namespace: 'Graph', Type: 'SyncRequest', Obj: obj });
      assert.equal(reply.Status, 200, JSON.stringify(reply.Obj));
      return reply.Obj as { Nodes: El[]; Edges: El[] };
    };
    const then = await sync({ Time: r1!.UpdatedAt });
    assert.deepEqual(then.Nodes.filter((n) => n.ID === name).map((n) => [n.Revision, n.Metadata.MTU]), [[1, 1500]]);
    assert.ok(!then.Nodes.some((n) => n.ID === later.ID), 'a node created after Time is absent');
    const ids = (l: El[]) => l.map((n) => n.ID).sort();
    assert.deepEqual(ids(then.Nodes), ids(await g(`G.At(${r1!.UpdatedAt}).V()`)), 'the same graph as G.At(Time)');

    const seen = past.messages.length;
    await setNodeKey(analyzer.url, name, 'MTU', 9000);
    await create(analyzer.url, 'node', { ID: `after-${run}`, Metadata: { Name: `after-${run}`, Type: 'device' } });
    await live.waitFor((m) => m.Type === 'NodeAdded' && (m.Obj as El).ID === `after-${run}`);
    await sleep(100);
    const graphEvents = (l: Msg[]) => l.filter((m) => m.Namespace === 'Graph' && m.Type !== 'SyncReply');
    assert.deepEqual(graphEvents(past.messages.slice(seen)), [], 'no live event while the client holds a past graph');

    const now = await sync({});
    assert.equal(now.Nodes.find((n) => n.ID === name)?.Metadata.MTU, 9000, 'a SyncRequest without Time answers the live graph');
    await setNodeKey(analyzer.url, name, 'MTU', 1280);
    const upd = await past.waitFor((m) => m.Type === 'NodeUpdated' && (m.Obj as El).ID === name);
    assert.equal((upd.Obj as El).Metadata.MTU, 1280, 'live events flow again');
  });

  it('refuses malformed times with 400 and a GREMLIN code, oversized windows with 413, and keeps answering', async () => {
    const bad: Array<[string, string]> = [
      ["G.At('yesterday').V()", 'GREMLIN_INVALID_PARAMS'],
      ["G.At('-5x').V()", 'GREMLIN_INVALID_PARAMS'],
      ["G.V().At('-1m')", 'GREMLIN_INVALID_STEP'],
      ["G.V().Has('Type', 'device').At('-1m').Count()", 'GREMLIN_INVALID_STEP'],
      ["G.At('-1m', -5).V()", 'GREMLIN_PARSE_ERROR'], // the lexer has no negative numbers
      ["G.At('-1m', '-5m').V()", 'GREMLIN_INVALID_PARAMS'],
    ];
    for (const [q, code] of bad) {
      const r = await gremlinReply<ErrorBody>(analyzer.url, q);
      assert.deepEqual([r.status, r.body.code], [400, code], q);
    }
    const cli = await runTopoflow(['client', 'query', '--at', '-1m', '--window', '-5m', 'G.V()', '--analyzer', analyzer.address]);
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /GREMLIN_INVALID_PARAMS/);

    const name = `busy-${run}`;
    const first = await create(analyzer.url, 'node', { ID: name, Metadata: { Name: name, Type: 'device', Counter: 0 } });
    let last = first;
    for (let i = 1; i <= MAX_REVISIONS + 10; i++) last = await setNodeKey(analyzer.url, name, 'Counter', i);
    assert.equal(last.Revision, MAX_REVISIONS + 11);
    const span = `${last.UpdatedAt}, '${last.UpdatedAt - first.UpdatedAt}ms'`;
    const big = await gremlinReply<ErrorBody>(analyzer.url, `G.At(${span}).V().Has('Name', '${name}')`);
    assert.deepEqual([big.status, big.body.code], [413, 'GRAPH_HISTORY_WINDOW_TOO_LARGE'], `${MAX_REVISIONS + 11} revisions in the window`);
    const sub = await RecordingSocket.open(analyzer.address, '/ws/subscriber', { 'X-Client-Type': 'e2e', 'X-Host-ID': `big-${run}` });
    sockets.push(sub);
    const reply = await sub.request({ Namespace: 'Graph', Type: 'SyncRequest', Obj: { GremlinFilter: `G.At(${span}).V().Has('Name', '${name}').SubGraph()` } });
    assert.equal(reply.Status, 413, 'a subscriber filter over the window fails the same way');

    assert.deepEqual(await g<number[]>(`G.At(${last.UpdatedAt}).V().Has('Name', '${name}').Values('Counter')`), [MAX_REVISIONS + 10], 'an instant still answers');
    assert.deepEqual(await g<number[]>(`G.V().Has('Name', '${name}').Values('Counter')`), [MAX_REVISIONS + 10], 'live queries too');
    assert.equal((await request(analyzer.url, 'GET', '/readyz')).status, 200);
  });
});
