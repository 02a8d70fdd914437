// Live capture with libpcap on veths inside two test namespaces: ping frames arrive at a sink with their lengths,
// kernel timestamps and link type; the header size cuts them; a kernel BPF filter keeps other traffic out; an
// interface going down and up keeps the capture, one that disappears stops it with a clear error (the process
// lives on); frames a slow sink makes the ring drop are counted. Traffic only flows between the test namespaces; the test prefix is unreachable from the root one.
import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { AgentErrors, defaultPcapLiveSourceConfig, PcapLiveSource, type PcapLiveSourceConfig } from '@topoflow/agent';
import { type AppError, isAppError, silentReporter } from '@topoflow/common';
import { FlowErrors, LinkType } from '@topoflow/flow';
import { TestNet, until } from '../support/net.js';
import { sharedData } from '../support/paths.js';
import { RecordingSink } from '../support/sinks.js';

const run = promisify(execFile);

describe('live capture in test namespaces (libpcap)', function () {
  this.timeout(60_000);
  const net = new TestNet();
  const prefix = `10.${200 + randomInt(50)}.${randomInt(256)}`;
  const reporter = silentReporter().child('capture');
  const sources: PcapLiveSource[] = [];
  let routeAdded = false;
  let ns1 = '';
  let ns2 = '';
  const [va, vb, vc, vd] = [net.name('va'), net.name('vb'), net.name('vc'), net.name('vd')];

  const source = (config: Partial<PcapLiveSourceConfig>, sink: RecordingSink, onError?: (err: AppError) => void): PcapLiveSource => {
    const s = new PcapLiveSource({ ...defaultPcapLiveSourceConfig(), netnsPath: `/var/run/netns/${ns1}`, interface: va, ...config }, { sink, reporter, onError });
    sources.push(s);
    return s;
  };
  const ping = async (count: number): Promise<void> => {
    await run('ip', ['netns', 'exec', ns1, 'ping', '-c', String(count), '-i', '0.05', '-W', '2', `${prefix}.2`]);
  };

  before(() => {
    net.ip(undefined, 'route', 'add', 'unreachable', `${prefix}.0/24`);
    routeAdded = true;
    ns1 = net.namespace('a');
    ns2 = net.namespace('b');
    net.ip(ns1, 'link', 'add', va, 'type', 'veth', 'peer', 'name', vb, 'netns', ns2);
    net.ip(ns1, 'addr', 'add', `${prefix}.1/24`, 'dev', va);
    net.ip(ns2, 'addr', 'add', `${prefix}.2/24`, 'dev', vb);
    net.ip(ns1, 'link', 'set', va, 'up');
    net.ip(ns2, 'link', 'set', vb, 'up');
  });
  afterEach(async () => {
    for (const s of sources.splice(0)) await s.stop();
  });
  after(() => {
    net.cleanup();
    if (routeAdded) net.ip(undefined, 'route', 'del', 'unreachable', `${prefix}.0/24`);
    assert.deepEqual(net.leftovers(), [], 'nothing left behind');
  });

  it('delivers the frames of a ping with their length, kernel timestamp and the Ethernet link type', async () => {
    const sink = new RecordingSink();
    const s = source({}, sink);
    await s.start();
    assert.equal(s.linkType, LinkType.ETHERNET);
    const t0 = Date.now();
    await ping(5);
    await until(async () => (sink.icmp(0).length >= 5 ? true : undefined), 5000, 'five echo replies');
    assert.equal(sink.icmp(8).length, 5);
    for (const f of sink.icmp()) {
      assert.deepEqual([f.caplen, f.wire, f.linkType], [98, 98, LinkType.ETHERNET]);
      assert.ok(f.ts >= t0 - 50 && f.ts <= Date.now(), `timestamp ${f.ts} within the ping (${t0}..)`);
    }
    assert.deepEqual(s.stats(), { PacketsReceived: sink.count, PacketsDropped: 0, PacketsIfDropped: 0 });
  });

  it('cuts frames at the header size and keeps their wire length', async () => {
    const sink = new RecordingSink();
    await source({ interface: vb, netnsPath: `/var/run/netns/${ns2}`, headerSize: 64 }, sink).start();
    await ping(3);
    await until(async () => (sink.icmp(0).length >= 3 ? true : undefined), 5000, 'three echo replies');
    for (const f of sink.icmp()) assert.deepEqual([f.caplen, f.bytes.length, f.wire], [64, 64, 98]);
  });

  it('keeps other traffic out with the BPF filter', async () => {
    const all = new RecordingSink();
    const replies = new RecordingSink();
    await source({}, all).start();
    await source({ bpfFilter: 'icmp[icmptype] == icmp-echoreply' }, replies).start();
    await ping(4);
    await until(async () => (replies.count >= 4 && all.icmp(0).length >= 4 ? true : undefined), 5000, 'four echo replies');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(replies.count, 4);
    assert.equal(replies.icmp(0).length, 4);
    assert.equal(all.icmp(8).length, 4, 'the unfiltered capture saw the requests');
  });

  it('keeps capturing when the interface goes down and comes back', async () => {
    const sink = new RecordingSink();
    const errors: AppError[] = [];
    const s = source({}, sink, (e) => errors.push(e));
    await s.start();
    net.ip(ns1, 'link', 'set', va, 'down');
    await new Promise((r) => setTimeout(r, 200));
    net.ip(ns1, 'link', 'set', va, 'up');
    await ping(3);
    await until(async () => (sink.icmp(0).length >= 3 ? true : undefined), 5000, 'echo replies after the interface came back');
    assert.deepEqual(errors, []);
    assert.equal(s.error, null);
  });

  it('stops with AGENT_CAPTURE_INTERFACE_GONE when the interface disappears, and the process lives on', async () => {
    net.ip(ns1, 'link', 'add', vc, 'type', 'veth', 'peer', 'name', vd);
    net.ip(ns1, 'link', 'set', vc, 'up');
    net.ip(ns1, 'link', 'set', vd, 'up');
    const errors: AppError[] = [];
    const s = source({ interface: vc }, new RecordingSink(), (e) => errors.push(e));
    await s.start();
    net.ip(ns1, 'link', 'del', vc);
    await until(async () => (errors.length > 0 ? true : undefined), 5000, 'the source reports the loss');
    assert.equal(errors.length, 1);
    assert.ok(isAppError(errors[0], AgentErrors.CAPTURE_INTERFACE_GONE), String(errors[0]));
    assert.equal(s.error, errors[0]);
    assert.equal(typeof s.stats().PacketsReceived, 'number');
    await s.stop();
    await s.stop();
  });

  it('counts the frames its ring drops when the sink cannot keep up', async () => {
    const slow = new RecordingSink(0);
    const inner = slow.packet.bind(slow);
    slow.packet = (...args) => {
      inner(...args);
      const end = process.hrtime.bigint() + 20_000n;
      while (process.hrtime.bigint() < end);
    };
    const s = source({ interface: vb, netnsPath: `/var/run/netns/${ns2}`, bufferSize: '256KiB' }, slow);
    await s.start();
    const replay = await run('ip', ['netns', 'exec', ns1, 'tcpreplay', '--topspeed', '--loop', '100', '-i', va, sharedData('pcap/icmpv4-symetric.pcap')]);
    const sent = Number(/Successful packets:\s+(\d+)/.exec(replay.stdout)?.[1]);
    assert.ok(sent >= 10_000, `tcpreplay sent ${sent}`);
    await until(async () => {
      const st = s.stats();
      return st.PacketsReceived + st.PacketsDropped >= sent ? st : undefined;
    }, 20_000, 'every frame delivered or counted as dropped');
    const st = s.stats();
    assert.equal(st.PacketsReceived + st.PacketsDropped, sent);
    assert.ok(st.PacketsDropped > 0, 'the slow sink made the ring drop frames');
    assert.equal(st.PacketsReceived, slow.count);
  });

  it('can be stopped from inside its sink', async () => {
    const sink = new RecordingSink();
    const s = source({}, sink);
    const inner = sink.packet.bind(sink);
    sink.packet = (...args) => {
      inner(...args);
      void s.stop();
    };
    await s.start();
    await ping(3);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(sink.count, 1);
  });

  it('refuses a filter libpcap rejects and an interface that does not exist', async () => {
    await assert.rejects(source({ bpfFilter: 'icmp and port' }, new RecordingSink()).start(), (err) => isAppError(err, FlowErrors.BPF_INVALID));
    await assert.rejects(source({ interface: net.name('zz') }, new RecordingSink()).start(), (err) => isAppError(err, FlowErrors.CAPTURE_INTERFACE_NOT_FOUND));
  });
});
