import { strict as assert } from 'node:assert';
import { isAppError } from '@topoflow/common';
import { FlowErrors } from '../errors.js';
import { pcapAddon } from '../libpcap/native.js';
import { LinkType } from '../table/contract.js';
import { compileBpf, compileBpfBytes } from './filter.js';
import { sampleFrames } from './test-frames.js';

const frames = sampleFrames();

function matching(expression: string): string[] {
  const f = compileBpf(expression, LinkType.ETHERNET);
  return Object.entries(frames).filter(([, d]) => f.matches(d, 0, d.length, d.length)).map(([name]) => name).sort();
}

/** Expressions covering every kind of instruction libpcap's compiler emits. */
export const EXPRESSIONS = [
  '', 'arp', 'ip', 'ip6', 'tcp', 'udp', 'icmp', 'icmp6', 'tcp port 80', 'udp port 53', 'port 80 or port 53',
  'host 10.0.0.1', 'src host 10.0.0.1 and dst host 10.0.0.2', 'net 10.0.0.0/8', 'ether host 02:00:00:00:00:01',
  'ether broadcast', 'vlan', 'vlan 100', 'icmp or (vlan and icmp)', 'vlan and udp', 'ip6 and tcp',
  'tcp[tcpflags] & tcp-syn != 0', 'ip[8] > 32', 'len > 60', 'less 64', 'greater 80', 'ip[2:2] - 20 > 30',
  'tcp dst portrange 1-1024', 'ip proto 1', 'ip6 proto 58', 'icmp[icmptype] == icmp-echo', 'ip[6:2] & 0x1fff != 0',
  'ip host 10.0.0.1 and not port 22', 'udp[4:2] * 3 / 2 % 7 > 1', 'tcp[12] >> 4 << 2 > 20', 'ip[1] ^ 0xff != 0',
  '(ip[0] & 0xf) * 4 = 28', '-ip[0] != 0', 'ip6 protochain 6', 'ether proto 0x0806', 'ether[0] & 1 = 0',
  'ip[0] | 0x10 = 0x55', 'ip[0] - ip[0] = 0 and len - len = 0', 'tcp and (ip[0] & 0xf) > 5',
];

describe('compileBpf', () => {
  it('matches ICMP with and without a VLAN tag for "icmp or (vlan and icmp)"', () => {
    assert.deepEqual(matching('icmp or (vlan and icmp)'), ['icmp', 'icmpVlan']);
    assert.deepEqual(matching('icmp'), ['icmp']);
  });

  it('selects frames by protocol and port', () => {
    assert.deepEqual(matching('arp'), ['arp']);
    assert.deepEqual(matching('tcp port 80'), ['tcp6', 'tcpAck', 'tcpSyn']);
    assert.deepEqual(matching('udp port 53'), ['udpDns']);
    assert.deepEqual(matching('ip6'), ['icmp6', 'tcp6', 'udp6']);
    assert.deepEqual(matching('ip and not port 22 and tcp'), ['ipOptions', 'tcpAck', 'tcpSyn']);
    assert.deepEqual(matching('vlan 200'), ['udpVlan']);
    assert.deepEqual(matching('ip[6:2] & 0x1fff != 0'), ['fragment']);
  });

  it('accepts every frame with an empty expression', () => {
    assert.equal(matching('').length, Object.keys(frames).length);
  });

  it('reads ports behind IPv4 options', () => {
    assert.deepEqual(matching('tcp dst port 443'), ['ipOptions']);
  });

  it('compares the wire length, not the captured length, for "len"', () => {
    const f = compileBpf('greater 1000', LinkType.ETHERNET);
    const d = frames.tcpSyn as Buffer;
    assert.equal(f.matches(d, 0, d.length, 1500), true);
    assert.equal(f.matches(d, 0, d.length, d.length), false);
  });

  it('rejects a frame whose fields lie past the captured bytes', () => {
    const f = compileBpf('tcp port 80', LinkType.ETHERNET);
    const d = frames.tcpSyn as Buffer;
    assert.equal(f.matches(d, 0, d.length, d.length), true);
    assert.equal(f.matches(d, 0, 34, d.length), false);
  });

  it('runs on a frame in the middle of a larger buffer', () => {
    const f = compileBpf('udp port 53', LinkType.ETHERNET);
    const d = frames.udpDns as Buffer;
    const big = Buffer.concat([Buffer.alloc(37, 0xee), d, Buffer.alloc(11, 0xee)]);
    assert.equal(f.matches(big, 37, d.length, d.length), true);
    assert.equal(f.matches(big, 36, d.length, d.length), false);
  });

  it('returns the snap length it was compiled with for an accepted frame', () => {
    const d = frames.icmp as Buffer;
    assert.equal(compileBpf('icmp', LinkType.ETHERNET, 128).run(d, 0, d.length, d.length), 128);
  });

  it('compiles for raw IP frames', () => {
    const f = compileBpf('icmp', LinkType.RAW);
    const d = (frames.icmp as Buffer).subarray(14);
    assert.equal(f.matches(d, 0, d.length, d.length), true);
  });

  it('fails with FLOW_BPF_INVALID (400) and libpcap\'s message on a bad expression', () => {
    for (const expr of ['tcp port', 'nonsense here', 'ether host 1.2.3.4', 'vlan 5000']) {
      assert.throws(() => compileBpf(expr, LinkType.ETHERNET), (err: unknown) => {
        assert.ok(isAppError(err, FlowErrors.BPF_INVALID), String(err));
        assert.equal(err.statusCode, 400);
        assert.equal(typeof err.details?.pcapError, 'string');
        assert.notEqual(err.details?.pcapError, '');
        return true;
      }, expr);
    }
  });

  it('gives the same verdict as libpcap for every expression and frame, complete or truncated', () => {
    const addon = pcapAddon();
    let compared = 0;
    for (const expr of EXPRESSIONS) {
      const program = compileBpfBytes(expr, LinkType.ETHERNET);
      const filter = compileBpf(expr, LinkType.ETHERNET);
      for (const [name, d] of Object.entries(frames)) {
        for (const caplen of [d.length, 14, 20, 34, 38, 40, 54]) {
          if (caplen > d.length) continue;
          const wire = d.length + (caplen === d.length ? 0 : 100);
          assert.equal(filter.run(d, 0, caplen, wire), addon.bpfOfflineFilter(program, d, caplen, wire), `${expr} on ${name}/${caplen}`);
          compared++;
        }
      }
    }
    assert.ok(compared > 2000, `compared ${compared}`);
  });
});
