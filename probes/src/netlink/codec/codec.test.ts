import { strict as assert } from 'node:assert';
import { Prng } from '@topoflow/common/testing';
import { AF, formatIp, parseAddress } from './address.js';
import { STATS64_FIELDS, parseLink } from './link.js';
import { NLMSG, NLM_F, RTM, dumpRequest, getNsidRequest, parseAttributes, parseNsid, splitMessages } from './message.js';
import { parseNeighbor } from './neighbor.js';
import { parseRoute } from './route.js';
import { addrMsg, linkMsg, neighMsg, nest, routeMsg, str, u32 } from './test-builders.js';

const mac = Buffer.from([0x02, 0xab, 0, 0, 0, 0x1f]);
const stats = Buffer.alloc(24 * 8);
stats.writeBigUInt64LE(5n, 0); // RxPackets
stats.writeBigUInt64LE(1500n, 16); // RxBytes

const vethLink = (): Buffer => linkMsg({ index: 7, flags: 0x1 | 0x2 | 0x1000 }, [
  [3, str('veth0')], [4, u32(1400)], [1, mac], [16, Buffer.from([6])], [10, u32(3)], [5, u32(9)],
  [18, nest([[1, str('veth')]])], [37, u32(2)], [23, stats],
]);

const one = (buf: Buffer) => {
  const { messages, malformed } = splitMessages(buf);
  assert.equal(malformed, 0);
  assert.equal(messages.length, 1);
  return messages[0] as NonNullable<(typeof messages)[0]>;
};

describe('netlink codec', () => {
  it('splits a datagram into messages and flags a truncated tail', () => {
    const two = Buffer.concat([vethLink(), linkMsg({ index: 1 }, [[3, str('lo')]])]);
    assert.equal(splitMessages(two).messages.length, 2);
    const cut = splitMessages(two.subarray(0, two.length - 3));
    assert.deepEqual([cut.messages.length, cut.malformed], [1, 1]);
    const bad = Buffer.from(two);
    bad.writeUInt32LE(8, 0); // length shorter than a header
    assert.deepEqual([splitMessages(bad).messages.length, splitMessages(bad).malformed], [0, 1]);
  });

  it('parses a veth link with its kind, peer, nsid, master, state and counters', () => {
    const l = parseLink(one(vethLink()));
    assert.ok(l);
    assert.deepEqual(
      { name: l.name, index: l.index, mtu: l.mtu, operstate: l.operstate, master: l.master, link: l.link, kind: l.kind, nsid: l.linkNetnsId },
      { name: 'veth0', index: 7, mtu: 1400, operstate: 6, master: 3, link: 9, kind: 'veth', nsid: 2 },
    );
    assert.deepEqual(l.mac, mac);
    assert.equal(l.stats?.RxPackets, 5);
    assert.equal(l.stats?.RxBytes, 1500);
    assert.equal(Object.keys(l.stats ?? {}).length, STATS64_FIELDS.length);
  });

  it('reads the VLAN id from IFLA_INFO_DATA', () => {
    const l = parseLink(one(linkMsg({ index: 4 }, [[3, str('eth0.10')], [18, nest([[1, str('vlan')], [2, nest([[1, Buffer.from([10, 0])]])]])]])));
    assert.equal(l?.infoId, 10);
  });

  it('rejects truncated link payloads and overrunning attributes', () => {
    const m = one(vethLink());
    assert.equal(parseLink({ ...m, payload: m.payload.subarray(0, 10) }), undefined);
    const bad = Buffer.from(m.payload);
    bad.writeUInt16LE(500, 16); // first attribute claims 500 bytes
    assert.equal(parseLink({ ...m, payload: bad }), undefined);
    assert.equal(parseAttributes(Buffer.from([8, 0, 1, 0, 1])), undefined);
  });

  it('formats IPv4 and IPv6 addresses as Skydive does', () => {
    assert.equal(formatIp(Buffer.from([198, 18, 0, 1])), '198.18.0.1');
    assert.equal(formatIp(Buffer.from('fe800000000000000000000000000001', 'hex')), 'fe80::1');
    assert.equal(formatIp(Buffer.from('20010db8000000010000000000000000', 'hex')), '2001:db8:0:1::');
    assert.equal(formatIp(Buffer.alloc(16)), '::');
    assert.equal(formatIp(Buffer.from('20010db8000100020003000400050006', 'hex')), '2001:db8:1:2:3:4:5:6');
    assert.equal(formatIp(Buffer.alloc(3)), undefined);
  });

  it('parses addresses, preferring IFA_LOCAL over IFA_ADDRESS', () => {
    const a = parseAddress(one(addrMsg({ index: 7, family: AF.INET, prefixLen: 24 }, [[1, Buffer.from([10, 0, 0, 2])], [2, Buffer.from([10, 0, 0, 1])]])));
    assert.deepEqual(a, { family: AF.INET, index: 7, prefixLen: 24, cidr: '10.0.0.1/24' });
    const v6 = parseAddress(one(addrMsg({ index: 7, family: AF.INET6, prefixLen: 64 }, [[1, Buffer.from('fd000000000000000000000000000002', 'hex')]])));
    assert.equal(v6?.cidr, 'fd00::2/64');
    assert.equal(parseAddress(one(addrMsg({ index: 7, family: AF.BRIDGE, prefixLen: 0 }, []))), undefined);
  });

  it('parses routes, default routes and multipath next hops', () => {
    const r = parseRoute(one(routeMsg({ family: AF.INET, dstLen: 0 }, [[15, u32(254)], [4, u32(2)], [5, Buffer.from([192, 0, 2, 1])], [6, u32(100)]])));
    assert.deepEqual(r, { family: AF.INET, table: 254, protocol: 4, routeType: 1, tos: 0, priority: 100, prefix: '0.0.0.0/0',
      nextHops: [{ ifIndex: 2, gateway: '192.0.2.1' }] });
    const nh = (ifIndex: number, gw: number[]): Buffer => {
      const sub = nest([[5, Buffer.from(gw)]]);
      const h = Buffer.alloc(8);
      h.writeUInt16LE(8 + sub.length, 0);
      h.writeInt32LE(ifIndex, 4);
      return Buffer.concat([h, sub]);
    };
    const mp = parseRoute(one(routeMsg({ family: AF.INET, dstLen: 16 }, [[1, Buffer.from([198, 18, 0, 0])], [9, Buffer.concat([nh(3, [10, 0, 0, 1]), nh(4, [10, 0, 1, 1])])]])));
    assert.equal(mp?.prefix, '198.18.0.0/16');
    assert.deepEqual(mp?.nextHops, [{ ifIndex: 3, gateway: '10.0.0.1' }, { ifIndex: 4, gateway: '10.0.1.1' }]);
  });

  it('parses neighbours and bridge FDB entries', () => {
    const n = parseNeighbor(one(neighMsg({ family: AF.INET, index: 3, state: 0x02, flags: 0x80 }, [[1, Buffer.from([10, 0, 0, 9])], [2, mac]])));
    assert.deepEqual(n, { family: AF.INET, index: 3, state: 2, flags: 0x80, ip: '10.0.0.9', mac: '02:ab:00:00:00:1f' });
    const f = parseNeighbor(one(neighMsg({ family: AF.BRIDGE, index: 5, state: 0x80 }, [[2, mac], [5, Buffer.from([20, 0])]])));
    assert.equal(f?.vlan, 20);
  });

  it('builds dump and nsid requests the kernel accepts', () => {
    const d = dumpRequest(RTM.GETADDR, 42);
    assert.equal(d.length, 24);
    assert.deepEqual([d.readUInt32LE(0), d.readUInt16LE(4), d.readUInt16LE(6), d.readUInt32LE(8)], [24, RTM.GETADDR, NLM_F.REQUEST | NLM_F.DUMP, 42]);
    const q = getNsidRequest(7, 33);
    assert.equal(q.length, 28);
    assert.equal(q.readUInt32LE(24), 33);
    const answer = one(Buffer.concat([Buffer.from(q)]));
    assert.equal(parseNsid({ ...answer, payload: Buffer.concat([Buffer.alloc(4), nest([[1, u32(5)]])]) }), 5);
    assert.equal(NLMSG.DONE, 3);
  });

  it('never throws on mutated or truncated input (seeded fuzz)', () => {
    const rng = new Prng(0x6e6c);
    const samples = [
      vethLink(), addrMsg({ index: 2, family: AF.INET6, prefixLen: 64 }, [[1, Buffer.alloc(16, 1)]]),
      routeMsg({ family: AF.INET, dstLen: 24 }, [[1, Buffer.from([1, 2, 3, 0])], [4, u32(2)], [9, Buffer.alloc(20, 3)]]),
      neighMsg({ family: AF.INET6, index: 2, state: 4 }, [[1, Buffer.alloc(16)], [2, mac]]),
    ];
    const parsers = [parseLink, parseAddress, parseRoute, parseNeighbor, parseNsid];
    let parsed = 0;
    for (let i = 0; i < 3000; i++) {
      const buf = Buffer.from(rng.pick(samples));
      const edits = 1 + rng.int(6);
      for (let e = 0; e < edits; e++) buf[rng.int(buf.length)] = rng.int(256);
      const cut = rng.int(4) === 0 ? buf.subarray(0, rng.int(buf.length)) : buf;
      for (const m of splitMessages(cut).messages) for (const p of parsers) if (p(m) !== undefined) parsed++;
    }
    assert.ok(parsed > 0, 'some mutated messages still parse');
  });
});
