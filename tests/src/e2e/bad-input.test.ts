// Bad input against a real analyzer process: thousands of malformed HTTP bodies and WebSocket messages must all
// get a 4xx or an error reply, and the analyzer must keep running with its graph intact.
import { strict as assert } from 'node:assert';
import WebSocket from 'ws';
import { Chooser, deepJson } from '../support/random.js';
import { ServiceProcess } from '../support/processes.js';
import { query, RecordingSocket } from '../support/ws.js';

const VALID_BODIES = [
  '{"GremlinQuery": "G.V().Has(\'Type\', \'host\').Out()"}',
  '{"ID": "n1", "Metadata": {"Name": "n1", "Type": "device", "MTU": 1500}}',
  '{"ID": "e1", "Parent": "seed-a", "Child": "seed-b", "Metadata": {"RelationType": "layer2"}}',
  '[{"op": "add", "path": "/Metadata/Color", "value": "red"}]',
];
const PATHS = ['/api/topology', '/api/node', '/api/node/target', '/api/edge', '/api/edge/target-e', '/api/node/%00', '/api/status'];
const METHODS = ['POST', 'PATCH', 'GET', 'DELETE', 'PUT'];

describe('bad input against a running analyzer', function () {
  this.timeout(120_000);
  let analyzer: ServiceProcess;

  before(async () => {
    analyzer = await ServiceProcess.start('analyzer');
    for (const [id, type] of [['seed-a', 'host'], ['seed-b', 'device'], ['target', 'device']] as const) {
      const r = await fetch(`${analyzer.url}/api/node`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ID: id, Metadata: { Name: id, Type: type } }) });
      assert.equal(r.status, 201);
    }
    const e = await fetch(`${analyzer.url}/api/edge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ID: 'seed-e', Parent: 'seed-a', Child: 'seed-b', Metadata: { RelationType: 'ownership' } }) });
    assert.equal(e.status, 201);
    const t = await fetch(`${analyzer.url}/api/edge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ID: 'target-e', Parent: 'seed-a', Child: 'target', Metadata: { RelationType: 'layer2' } }) });
    assert.equal(t.status, 201);
  });
  after(async () => {
    await analyzer?.stop();
  });

  it('answers every malformed HTTP request with a 4xx in the error shape', async () => {
    const c = new Chooser(7);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1500; i++) {
      const method = c.pick(METHODS);
      const path = c.pick(PATHS);
      let body: string | undefined = c.mutate(c.pick(VALID_BODIES));
      if (i % 100 === 0) body = deepJson(5000 + c.int(50_000), c.pick(['object', 'array'] as const));
      if (i % 97 === 0) body = `{"GremlinQuery": "${c.mutate("G.V().Has('Name', Regex('a.*')).Out().ShortestPathTo(Metadata('Type', 'host'))")}"}`;
      const ct = c.pick(['application/json', 'text/plain', 'application/json; charset=latin1', undefined]);
      if (method === 'GET' || method === 'DELETE') body = undefined;
      const r = await fetch(analyzer.url + path, { method, ...(body === undefined ? {} : { body }), headers: ct ? { 'content-type': ct } : {} });
      const text = await r.text();
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      assert.ok(r.status < 500, `${method} ${path} ${JSON.stringify(body?.slice(0, 200))} → ${r.status} ${text.slice(0, 300)}`);
      if (r.status >= 400 && r.status !== 404 && text !== '') {
        const err = JSON.parse(text) as { statusCode?: number; code?: string; message?: string };
        assert.equal(err.statusCode, r.status);
        assert.equal(typeof err.code, 'string');
        assert.equal(typeof err.message, 'string');
      }
    }
    assert.ok((statuses.get(400) ?? 0) > 100, `statuses: ${JSON.stringify([...statuses])}`);
  });

  it('answers malformed publisher messages with error replies and stays up', async () => {
    const c = new Chooser(11);
    const pub = await RecordingSocket.open(analyzer.address, '/ws/publisher', { 'X-Client-Type': 'fuzz', 'X-Host-ID': 'fuzz-pub' });
    try {
      const valid = [
        '{"Namespace":"Graph","Type":"NodeAdded","UUID":"u","Obj":{"ID":"p1","Metadata":{"Name":"p1","Type":"device"}}}',
        '{"Namespace":"Graph","Type":"EdgeAdded","UUID":"u","Obj":{"ID":"pe","Parent":"p1","Child":"seed-a","Metadata":{"RelationType":"layer2"}}}',
        '{"Namespace":"Graph","Type":"NodePartiallyUpdated","UUID":"u","Obj":{"ID":"p1","UpdatedAt":5,"Revision":9,"Ops":[{"Type":1,"Key":"MTU","Value":1}]}}',
        '{"Namespace":"Graph","Type":"Sync","UUID":"u","Obj":{"Nodes":[{"ID":"p2","Metadata":{"Name":"p2","Type":"device"}}],"Edges":[]}}',
      ];
      for (let i = 0; i < 2000; i++) {
        if (i % 250 === 0) pub.ws.send(Buffer.from([0xff, 0x00, 0x13, 0x37]), { binary: true });
        else if (i % 333 === 0) pub.ws.send(deepJson(20_000, 'object'));
        else pub.ws.send(c.mutate(c.pick(valid)));
      }
      const reply = await pub.request({ Namespace: 'Graph', Type: 'SyncRequest', Obj: {} }, 30_000);
      assert.equal(reply.Type, 'SyncReply');
      const errors = pub.messages.filter((m) => m.Type === 'Error');
      assert.ok(errors.length > 100, `only ${errors.length} error replies`);
      assert.ok(errors.every((m) => (m.Status ?? 0) >= 400 && (m.Status ?? 0) < 500), 'error replies are 4xx');
      assert.ok(errors.every((m) => typeof (m.Obj as { code?: unknown }).code === 'string'));
    } finally {
      await pub.close();
    }
  });

  it('survives garbage on the subscriber endpoint and still serves the intact graph', async () => {
    const c = new Chooser(13);
    const sub = new WebSocket(`ws://${analyzer.address}/ws/subscriber?x-client-type=fuzz&x-host-id=fuzz-sub`);
    await new Promise((r, j) => { sub.once('open', r); sub.once('error', j); });
    for (let i = 0; i < 500; i++) {
      sub.send(c.mutate('{"Namespace":"Graph","Type":"SyncRequest","UUID":"x","Obj":{"GremlinFilter":"G.V().Has(\'Type\',\'host\').SubGraph()"}}'));
    }
    sub.close();
    assert.equal((await fetch(`${analyzer.url}/readyz`)).status, 200);
    const seed = await query(analyzer.url, "G.V('seed-a').OutE().Has('RelationType', 'ownership').OutV().Values('Name')");
    assert.deepEqual(seed, { status: 200, body: ['seed-b'] });
    const status = await fetch(`${analyzer.url}/api/status`);
    assert.equal(status.status, 200);
  });
});
