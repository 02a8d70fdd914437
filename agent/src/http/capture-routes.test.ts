// The direct capture API through fastify inject(), on a real capture manager with fake tables and sources.
import { strict as assert } from 'node:assert';
import { silentReporter } from '@topoflow/common';
import type { MemoryGraph } from '@topoflow/graph';
import type { FastifyInstance } from 'fastify';
import { FakeCaptureFactories, RecordingFlowSender, captureTestGraph } from '../capture/fakes.js';
import { unavailableTableFactory } from '../capture/factories.js';
import { CaptureManager, defaultCaptureManagerConfig } from '../capture/manager.js';
import type { CaptureStatus } from '../capture/running.js';
import { AgentErrors } from '../errors.js';
import { agentApp } from './api-server.js';

describe('agent capture API', () => {
  let graph: MemoryGraph;
  let fakes: FakeCaptureFactories;
  let manager: CaptureManager;
  let app: FastifyInstance;

  const setup = async (tableFactory = new FakeCaptureFactories().tableFactory) => {
    const reporter = silentReporter('agent');
    manager = new CaptureManager(defaultCaptureManagerConfig(), {
      graph, reporter: reporter.child('capture'), sender: new RecordingFlowSender(), tableFactory, sourceFactory: fakes.sourceFactory,
    });
    await manager.start();
    app = agentApp({
      hostId: 'h1', version: '0.0.0', graph, reporter, isReady: () => true, analyzers: () => ({}), topologyProbes: () => ({}),
      beforeScrape: () => undefined, captures: manager,
    });
    await app.ready();
  };
  const post = (payload: unknown) => app.inject({ method: 'POST', url: '/api/capture', payload: payload as object });

  beforeEach(async () => {
    graph = captureTestGraph();
    fakes = new FakeCaptureFactories();
    await setup(fakes.tableFactory);
  });
  afterEach(async () => {
    await app.close();
    await manager.stop();
  });

  it('starts a capture on a node given by ID, generating the capture ID, and lists it', async () => {
    const r = await post({ NodeID: 'eth', Name: 'web', BPFFilter: 'tcp', HeaderSize: 128 });
    assert.equal(r.statusCode, 201);
    const state = r.json<CaptureStatus>();
    assert.match(state.ID, /^[A-Za-z0-9_-]{21}$/);
    assert.equal(state.NodeID, 'eth');
    assert.equal(state.State, 'active');
    assert.equal(state.Type, 'afpacket');
    assert.equal(fakes.sources[0]?.params.snapLength, 128);
    const list = await app.inject({ method: 'GET', url: '/api/capture' });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(list.json<CaptureStatus[]>().map((c) => [c.ID, c.NodeID, c.State, c.PacketsReceived, c.FlowCount]), [[state.ID, 'eth', 'active', 0, 0]]);
    const one = await app.inject({ method: 'GET', url: `/api/capture/${state.ID}` });
    assert.equal(one.json<CaptureStatus[]>()[0]?.NodeID, 'eth');
  });

  it('finds the node by interface name and namespace name', async () => {
    const inNs = await post({ ID: 'c1', Interface: 'eth0', Namespace: 'ns1' });
    assert.equal(inNs.statusCode, 201);
    assert.equal(inNs.json<CaptureStatus>().NodeID, 'eth');
    const root = await post({ ID: 'c2', Interface: 'br0' });
    assert.equal(root.json<CaptureStatus>().NodeID, 'br');
    assert.equal(root.json<CaptureStatus>().Type, 'ovssflow');
    const missing = await post({ ID: 'c3', Interface: 'eth0' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, AgentErrors.CAPTURE_NODE_NOT_FOUND);
  });

  it('answers a repeated start of a running capture with 200 and the same capture', async () => {
    assert.equal((await post({ ID: 'c1', NodeID: 'eth' })).statusCode, 201);
    const again = await post({ ID: 'c1', NodeID: 'eth' });
    assert.equal(again.statusCode, 200);
    assert.equal(again.json<CaptureStatus>().ID, 'c1');
    assert.equal(fakes.sources.length, 1);
  });

  it('refuses invalid bodies with AGENT_BAD_REQUEST and the violations', async () => {
    for (const body of [
      { Interface: 'eth0', RawPacketLimit: 11 },
      { NodeID: 'eth', HeaderSize: 10 },
      { NodeID: 'eth', Type: 'nope' },
      { NodeID: 'eth', Colour: 'red' },
      { NodeID: 'eth', Port: '80' },
      { Name: 'no node' },
    ]) {
      const r = await post(body);
      assert.equal(r.statusCode, 400, JSON.stringify(body));
      assert.equal(r.json().code, AgentErrors.BAD_REQUEST);
      assert.ok(Array.isArray(r.json().details?.violations));
    }
    const bad = await app.inject({ method: 'POST', url: '/api/capture', headers: { 'content-type': 'application/json' }, payload: '{' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, AgentErrors.BAD_REQUEST);
    assert.deepEqual(manager.list(), []);
  });

  it('answers refusals of the manager with their codes and statuses', async () => {
    const cases: [object, number, string][] = [
      [{ NodeID: 'nope' }, 404, AgentErrors.CAPTURE_NODE_NOT_FOUND],
      [{ NodeID: 'host' }, 400, AgentErrors.CAPTURE_NOT_CAPTURABLE],
      [{ NodeID: 'eth', Type: 'ebpf' }, 501, AgentErrors.CAPTURE_TYPE_UNSUPPORTED],
      [{ NodeID: 'down' }, 409, AgentErrors.CAPTURE_PRECONDITION_FAILED],
    ];
    for (const [body, status, code] of cases) {
      const r = await post(body);
      assert.equal(r.statusCode, status, JSON.stringify(body));
      assert.deepEqual([r.json().code, r.json().statusCode, typeof r.json().message], [code, status, 'string']);
    }
  });

  it('reports several nodes of the same name as ambiguous unless the type decides', async () => {
    graph.addNode({ ID: 'brint', Metadata: { Name: 'br0', Type: 'internal', TID: 'tid-brint', LinkFlags: ['UP'] } });
    graph.addEdge({ ID: 'host-brint', Parent: 'host', Child: 'brint', Metadata: { RelationType: 'ownership' } });
    const r = await post({ Interface: 'br0' });
    assert.equal(r.statusCode, 409);
    assert.equal(r.json().code, AgentErrors.CAPTURE_NODE_AMBIGUOUS);
    assert.deepEqual(r.json().details.candidates.map((c: { ID: string }) => c.ID).sort(), ['br', 'brint']);
    const typed = await post({ Interface: 'br0', Type: 'pcap' });
    assert.equal(typed.json<CaptureStatus>().NodeID, 'brint');
  });

  it('stops a capture on every node with DELETE, then answers 404', async () => {
    graph.addNode({ ID: 'eth2', Metadata: { Name: 'eth2', Type: 'device', TID: 'tid-eth2', LinkFlags: ['UP'] } });
    graph.addEdge({ ID: 'host-eth2', Parent: 'host', Child: 'eth2', Metadata: { RelationType: 'ownership' } });
    await post({ ID: 'c1', NodeID: 'eth' });
    await post({ ID: 'c1', NodeID: 'eth2' });
    const del = await app.inject({ method: 'DELETE', url: '/api/capture/c1' });
    assert.equal(del.statusCode, 204);
    assert.deepEqual(manager.list(), []);
    assert.ok(fakes.sources.every((s) => s.stops === 1));
    const again = await app.inject({ method: 'DELETE', url: '/api/capture/c1' });
    assert.equal(again.statusCode, 404);
    assert.equal(again.json().code, AgentErrors.CAPTURE_NOT_FOUND);
    assert.equal((await app.inject({ method: 'GET', url: '/api/capture/c1' })).statusCode, 404);
  });

  it('answers 503 AGENT_CAPTURE_UNAVAILABLE when no flow table is built in', async () => {
    await app.close();
    await manager.stop();
    await setup(unavailableTableFactory);
    const r = await post({ NodeID: 'eth' });
    assert.equal(r.statusCode, 503);
    assert.equal(r.json().code, AgentErrors.CAPTURE_UNAVAILABLE);
  });
});
