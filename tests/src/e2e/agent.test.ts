// The agent end to end with real processes: `topoflow agent` forwards its host node to `topoflow analyzer`,
// SIGKILL removes its subgraph at the analyzer within 5 s, a restart brings the same host node ID back, and
// the analyzer's copy equals the agent's GET /api/topology; `topoflow allinone` runs both in one process.
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { ServiceProcess } from '../support/processes.js';
import { query } from '../support/ws.js';

interface El { ID: string; Origin: string; Metadata: Record<string, unknown> }
interface Topo { Nodes: El[]; Edges: El[] }

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
}

async function topology(url: string): Promise<Topo> {
  const r = await fetch(`${url}/api/topology`);
  assert.equal(r.status, 200);
  return (await r.json()) as Topo;
}

const byId = (a: El, b: El) => (a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0);
const sortTopo = (t: Topo, origin?: string): Topo => ({
  Nodes: t.Nodes.filter((n) => origin === undefined || n.Origin === origin).sort(byId),
  Edges: t.Edges.filter((e) => origin === undefined || e.Origin === origin).sort(byId),
});

describe('agent end to end (analyzer and agent processes)', function () {
  this.timeout(90_000);
  const hostId = `e2e-agent-${randomUUID().slice(0, 8)}`;
  const origin = `agent.${hostId}`;
  const started: ServiceProcess[] = [];
  let analyzer: ServiceProcess;
  let agent: ServiceProcess;

  const startAgent = async (): Promise<ServiceProcess> => {
    const p = await ServiceProcess.start('agent', {
      TOPOFLOW_HOST_ID: hostId,
      TOPOFLOW_AGENT_ANALYZERS: `[${analyzer.address}]`,
      TOPOFLOW_AGENT_METADATA: '{mydict: {value: 123}, rack: r7}',
      TOPOFLOW_AGENT_FORWARDER_RECONNECT_MIN: '50ms',
    });
    started.push(p);
    return p;
  };
  const hostNodes = async (): Promise<El[]> => {
    const r = await query(analyzer.url, `G.V().Has('Type', 'host').Has('Name', '${hostId}')`);
    assert.equal(r.status, 200);
    return r.body as El[];
  };
  const inSync = async (): Promise<boolean> => {
    const [mine, theirs] = await Promise.all([topology(agent.url), topology(analyzer.url)]);
    try {
      assert.deepEqual(sortTopo(theirs, origin), sortTopo(mine));
      return true;
    } catch {
      return false;
    }
  };

  before(async () => {
    analyzer = await ServiceProcess.start('analyzer');
    started.push(analyzer);
    agent = await startAgent();
  });
  after(async () => {
    for (const p of started.reverse()) await p.stop();
  });

  it('shows the host node with the agent.metadata keys at the analyzer', async () => {
    await waitFor(async () => (await hostNodes()).length === 1, 10_000, 'host node at the analyzer');
    const [host] = await hostNodes();
    assert.equal(host?.Origin, origin);
    const mine = await topology(agent.url);
    assert.equal(mine.Nodes.find((n) => n.Metadata.Type === 'host')?.ID, host?.ID);
    const byMetadata = await query(analyzer.url, "G.V().Has('mydict.value', 123)");
    assert.deepEqual((byMetadata.body as El[]).map((n) => n.ID), [host?.ID]);
    await waitFor(inSync, 5000, 'analyzer copy equals the agent graph');
  });

  it('lists the agent under Agents in /api/status', async () => {
    const status = (await (await fetch(`${analyzer.url}/api/status`)).json()) as { Agents: Record<string, Record<string, unknown>> };
    const entry = status.Agents[hostId];
    assert.equal(entry?.ServiceType, 'agent');
    assert.equal(entry?.IsConnected, true);
    assert.equal(entry?.RemoteHost, hostId);
    const own = (await (await fetch(`${agent.url}/api/status`)).json()) as { Analyzers: Record<string, { IsConnected: boolean }> };
    assert.equal(own.Analyzers[analyzer.address]?.IsConnected, true);
  });

  it('removes the subgraph within 5 s of a SIGKILL, and a restart brings the same host node back', async () => {
    const [before] = await hostNodes();
    await agent.kill();
    const took = await waitFor(async () => (await hostNodes()).length === 0, 5000, 'subgraph removal after SIGKILL');
    assert.ok(took < 5000);
    const status = (await (await fetch(`${analyzer.url}/api/status`)).json()) as { Agents: Record<string, unknown> };
    assert.equal(status.Agents[hostId], undefined);

    agent = await startAgent();
    await waitFor(async () => (await hostNodes()).length === 1, 10_000, 'host node after restart');
    const [after] = await hostNodes();
    assert.equal(after?.ID, before?.ID);
    await waitFor(inSync, 5000, 'analyzer copy equals the agent graph after the reconnect');
  });
});

describe('allinone end to end', function () {
  this.timeout(60_000);
  let svc: ServiceProcess | undefined;
  const hostId = `e2e-allinone-${randomUUID().slice(0, 8)}`;

  after(async () => {
    await svc?.stop();
  });

  it('becomes ready and shows its own host node', async () => {
    svc = await ServiceProcess.start('allinone', { TOPOFLOW_HOST_ID: hostId });
    const url = svc.url;
    await waitFor(async () => {
      const r = await query(url, `G.V().Has('Type', 'host').Has('Name', '${hostId}').Count()`);
      return r.body === 1;
    }, 10_000, 'host node in allinone');
    const status = (await (await fetch(`${url}/api/status`)).json()) as { Agents: Record<string, { IsConnected: boolean }> };
    assert.equal(status.Agents[hostId]?.IsConnected, true);
    assert.equal(await svc.stop(), 0);
  });
});
