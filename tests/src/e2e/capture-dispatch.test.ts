// Dispatch of captures whose node is not ready when the capture is created, with `topoflow allinone`: a veth that
// is down when its capture is dispatched (the agent refuses the start: no UP, shown in the analyzer's status) starts
// capturing once it goes up, and its flows reach the analyzer. Pings stay between the test namespaces.
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { gremlin, request } from '../support/api.js';
import {
  PingNet, capturesOf, createCapture, ping, tidOf, untilActive, untilFlow,
} from '../support/captures.js';
import { until } from '../support/net.js';
import { ServiceProcess } from '../support/processes.js';

interface Status {
  Captures: { Errors: Record<string, { NodeID: string; Error: string }[] | undefined> };
}

describe('capture dispatch to nodes that are not ready yet', function () {
  this.timeout(90_000);
  const net = new PingNet();
  let allinone: ServiceProcess | undefined;

  const url = (): string => (allinone as ServiceProcess).url;

  before(async () => {
    net.route();
    allinone = await ServiceProcess.start('allinone', {
      TOPOFLOW_HOST_ID: `e2e-dispatch-${randomUUID().slice(0, 8)}`, TOPOFLOW_ETCD_ENABLED: 'true', TOPOFLOW_ANALYZER_HISTORY_BACKEND: 'none',
      TOPOFLOW_AGENT_TOPOLOGY_OVSDB_ADDRESS: `unix:/tmp/${net.net.prefix}-no-ovsdb.sock`, TOPOFLOW_AGENT_FLOW_UPDATE: '1s',
    });
  });

  after(async () => {
    await allinone?.stop();
    net.cleanup();
  });

  it('starts a capture refused on a down interface once the interface goes up', async () => {
    const pair = net.pair('d');
    net.net.ip(pair.ns2, 'link', 'set', pair.vb, 'down');
    await until(async () => {
      const [flags] = await gremlin<string[][]>(url(), `G.V().Has('Name', '${pair.vb}').Values('LinkFlags')`);
      return flags !== undefined && !flags.includes('UP') && (await tidOf(url(), pair.vb)) ? true : undefined;
    }, 20_000, 'vb down, with its TID, at the analyzer');
    const id = await createCapture(url(), { GremlinQuery: `G.V().Has('Name', '${pair.vb}')` });
    // the agent cannot capture on a down interface: it refuses, the analyzer shows why, nothing runs yet
    const refused = await until(async () => (await request<Status>(url(), 'GET', '/api/status')).body.Captures.Errors[id], 10_000, 'the refusal');
    assert.equal(refused.length, 1);
    assert.match(refused[0]?.Error ?? '', /no UP in LinkFlags/);
    assert.deepEqual(await capturesOf(url(), pair.vb), []);

    net.net.ip(pair.ns2, 'link', 'set', pair.vb, 'up');
    await untilActive(url(), pair.vb, id, 15_000);
    const since = Date.now();
    await ping(pair, 2);
    await untilFlow(url(), pair, await tidOf(url(), pair.vb), since, 20_000);
  });
});
