import { strict as assert } from 'node:assert';
import { createSocket, type Socket } from 'node:dgram';
import { isAppError, silentReporter } from '@topoflow/common';
import type { PacketSink, SflowCounterSample } from '@topoflow/flow';
import { counterSample, datagram, flowSample, genericCountersRecord, rawHeaderRecord, sampleFrames } from '@topoflow/flow/testing';
import { AgentErrors } from '../../errors.js';
import { defaultSflowSourceConfig, SflowSource } from './sflow.js';

class Frames implements PacketSink {
  readonly got: { caplen: number; wire: number; linkType: number }[] = [];
  packet(_d: Uint8Array, _o: number, caplen: number, wire: number, _ts: number, linkType: number): void {
    this.got.push({ caplen, wire, linkType });
  }
}

const reporter = silentReporter().child('capture');

/** A base port for this run: a random spot in a high range, so parallel runs rarely meet. */
function basePort(): number {
  return 40000 + Math.floor(Math.random() * 20000);
}

async function occupy(port: number): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, '127.0.0.1', () => resolve());
  });
  return s;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
}

describe('SflowSource', () => {
  const sources: SflowSource[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sources.splice(0)) await s.stop();
    for (const s of sockets.splice(0)) s.close();
  });

  function source(config: Partial<ReturnType<typeof defaultSflowSourceConfig>>, sink: PacketSink = new Frames(), onCounters?: (s: SflowCounterSample[]) => void) {
    const s = new SflowSource({ ...defaultSflowSourceConfig(), ...config }, { sink, reporter, onCounters });
    sources.push(s);
    return s;
  }

  it('takes the first free port of its range', async () => {
    const base = basePort();
    sockets.push(await occupy(base));
    const s = source({ port: 0, portMin: base, portMax: base + 5 });
    await s.start();
    assert.ok(s.port > base && s.port <= base + 5, `port ${s.port}`);
    assert.equal(s.target, `127.0.0.1:${s.port}`);
    assert.equal(s.description, `udp 127.0.0.1:${s.port}`);
  });

  it('fails with AGENT_CAPTURE_PORT_UNAVAILABLE when the range is full or the port taken', async () => {
    const base = basePort();
    sockets.push(await occupy(base), await occupy(base + 1));
    await assert.rejects(source({ port: 0, portMin: base, portMax: base + 1 }).start(), (err) => isAppError(err, AgentErrors.CAPTURE_PORT_UNAVAILABLE));
    await assert.rejects(source({ port: base }).start(), (err) => isAppError(err, AgentErrors.CAPTURE_PORT_UNAVAILABLE));
  });

  it('fails with AGENT_CAPTURE_SOCKET_FAILED on an address the host does not own', async () => {
    await assert.rejects(source({ address: '198.51.100.77', port: basePort() }).start(), (err) => isAppError(err, AgentErrors.CAPTURE_SOCKET_FAILED));
  });

  it('refuses an empty port range', () => {
    assert.throws(() => source({ port: 0, portMin: 10, portMax: 9 }), (err) => isAppError(err, AgentErrors.CAPTURE_CONFIG_INVALID));
  });

  it('feeds sampled frames to the sink, reports counters per datagram and counts malformed datagrams', async () => {
    const frames = new Frames();
    const counters: SflowCounterSample[][] = [];
    const s = source({ port: 0, portMin: basePort(), portMax: 65535 }, frames, (c) => counters.push(c));
    await s.start();
    const icmp = sampleFrames().icmp as Buffer;
    const good = datagram([flowSample([rawHeaderRecord(icmp, { frameLength: 1000 })]), counterSample([genericCountersRecord({ IfIndex: 4 })])]);
    const sender = createSocket('udp4');
    sockets.push(sender);
    for (const d of [good, good.subarray(0, 30), good]) sender.send(d, s.port, '127.0.0.1');
    await until(() => frames.got.length === 2 && s.stats().PacketsDropped === 1, 'two frames and one malformed datagram');
    assert.deepEqual(frames.got[0], { caplen: icmp.length, wire: 996, linkType: 1 });
    assert.deepEqual(s.stats(), { PacketsReceived: 2, PacketsDropped: 1, PacketsIfDropped: 0 });
    assert.equal(counters.length, 2);
    assert.equal(counters[0]?.[0]?.interface?.IfIndex, 4);
    await s.stop();
    await s.stop();
  });
});
