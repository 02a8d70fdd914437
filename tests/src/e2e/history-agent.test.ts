// The "done when", scripted: `topoflow allinone` with its agent watching a namespace the test creates;
// after `ip link set … mtu …` on a veth there shows up live, `topoflow client query --at '-Ns'` still answers
// the old MTU. Links stay down and the namespace has IPv6 disabled: no traffic is sent.
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { gremlin, sleep } from '../support/api.js';
import { TestNet, until } from '../support/net.js';
import { runTopoflow, ServiceProcess } from '../support/processes.js';

/** Longest time `topoflow client query` may take to reach the analyzer, for choosing N in '-Ns'. */
const CLI_MARGIN_MS = 2000;

describe('time travel on an agent\'s interface (allinone)', function () {
  this.timeout(60_000);
  const net = new TestNet();
  let allinone: ServiceProcess | undefined;

  before(async () => {
    allinone = await ServiceProcess.start('allinone', {
      TOPOFLOW_HOST_ID: `e2e-hist-${randomUUID().slice(0, 8)}`,
      TOPOFLOW_AGENT_TOPOLOGY_OVSDB_ADDRESS: `unix:/tmp/${net.prefix}-no-ovsdb.sock`,
    });
  });
  after(async () => {
    net.cleanup();
    await allinone?.stop();
    assert.deepEqual(net.leftovers(), [], 'nothing left behind');
  });

  it('answers the MTU a veth had before `ip link set mtu` through client query --at -Ns', async () => {
    const a = allinone as ServiceProcess;
    const ns = net.namespace('h');
    const [veth, peer] = [net.name('va'), net.name('vb')];
    net.ip(ns, 'link', 'add', veth, 'type', 'veth', 'peer', 'name', peer);
    const mtu = async () => gremlin<number[]>(a.url, `G.V().Has('Name', '${veth}').Values('MTU')`);
    await until(async () => ((await mtu()).join() === '1500' ? true : undefined), 15_000, 'the veth with MTU 1500 at the analyzer');
    const seenOld = Date.now();
    // Long enough that an instant N whole seconds back, N chosen after the change, falls before the change.
    await sleep(CLI_MARGIN_MS + 1500);

    const changed = Date.now();
    net.ip(ns, 'link', 'set', veth, 'mtu', '1400');
    await until(async () => ((await mtu()).join() === '1400' ? true : undefined), 15_000, 'the new MTU live');

    const cliStart = Date.now();
    const n = Math.ceil((cliStart + CLI_MARGIN_MS - changed) / 1000);
    const q = `G.V().Has('Name', '${veth}').Values('MTU')`;
    const r = await runTopoflow(['client', 'query', '--at', `-${n}s`, q, '--analyzer', a.address]);
    const cliEnd = Date.now();
    assert.equal(r.code, 0, r.stderr);
    assert.ok(cliEnd - n * 1000 < changed && cliStart - n * 1000 >= seenOld, `test timing: -${n}s must fall between ${seenOld} and ${changed}`);
    assert.deepEqual(JSON.parse(r.stdout), [1500], `the MTU ${n}s ago`);
    const now = await runTopoflow(['client', 'query', '--at', '-0s', q, '--analyzer', a.address]);
    assert.deepEqual(JSON.parse(now.stdout), [1400], 'and the new one now');
  });
});
