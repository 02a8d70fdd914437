import { strict as assert } from 'node:assert';
import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { fixtureGraph, ids, type QueryCases, itResults, itErrors } from '../testing.js';
import { parseIpv4 } from './ipv4.js';
import { anyElement, equalsTest, toInt64 } from './match.js';

const cases: QueryCases = [
  ["G.V().Has('Name', Ne('eth0')).Count()", 9],
  ["G.V().Has('MTU', Ne(1500))", ['lo', 'veth0', 'veth1', 'lo1', 'eth1']],
  ["G.V().Has('MTU', Nee(1500))", ['host', 'ns1', 'ns2', 'lo', 'veth0', 'veth1', 'lo1', 'eth1']],
  ["G.V().Has('Virtual', Ne(TRUE))", ['eth0']],
  ["G.V().Has('Virtual', Ne(FALSE))", ['eth1']],
  ["G.V().Has('Virtual', Nee(TRUE)).Count()", 9],
  ["G.V().Has('IPV4', Ne('10.0.0.1/24'))", ['eth0', 'lo', 'lo1', 'eth1']],
  ["G.V().Has('MTU', Lt(1500))", ['eth1']],
  ["G.V().Has('MTU', Gt(9000))", ['lo', 'lo1']],
  ["G.V().Has('MTU', Lte(1500))", ['eth0', 'br0', 'eth1']],
  ["G.V().Has('MTU', Gte(9000))", ['lo', 'veth0', 'veth1', 'lo1']],
  ["G.V().Has('MTU', Gt(1499.9))", ['eth0', 'lo', 'br0', 'veth0', 'veth1', 'lo1']],
  ["G.V().Has('Speed', Lte(1000))", ['eth0']],
  ["G.V().Has('Name', Lt(5))", []],
  ["G.V().Has('MTU', Inside(1450, 9000))", ['eth0', 'br0']],
  ["G.V().Has('MTU', Between(1450, 9000))", ['eth0', 'br0', 'eth1']],
  ["G.V().Has('MTU', Outside(1500, 9000))", ['lo', 'lo1', 'eth1']],
  ["G.V().Has('MTU', Within(1500, 1450))", ['eth0', 'br0', 'eth1']],
  ["G.V().Has('Name', Within('eth0', 'lo'))", ['eth0', 'lo', 'lo1']],
  ["G.V().Has('Virtual', Within(TRUE))", ['eth1']],
  ["G.V().Has('Name', Within())", []],
  ["G.V().Has('Name', Without('eth0', 'lo'))", ['host', 'ns1', 'ns2', 'br0', 'veth0', 'veth1', 'eth1']],
  ["G.V().Has('MTU', Without(1500))", ['host', 'ns1', 'ns2', 'lo', 'veth0', 'veth1', 'lo1', 'eth1']],
  ["G.V().Has('Name', Regex('eth.*'))", ['eth0', 'eth1']],
  ["G.V().Has('Name', Regex('veth'))", []],
  ["G.V().Has('Name', Regex('[^v]*th[01]'))", ['eth0', 'eth1']],
  ["G.V().Has('Name', Regex('ns1|br0'))", ['ns1', 'br0']],
  ["G.V().Has('MTU', Regex('1500'))", []],
  ["G.V().Has('IPV4', Regex('10\\..*'))", ['veth1', 'eth1']],
  ["G.V().Has('IPV4', Ipv4Range('10.0.0.0/24'))", ['veth1', 'eth1']],
  ["G.V().Has('IPV4', Ipv4Range('10.0.1.0/24'))", ['veth1']],
  ["G.V().Has('IPV4', Ipv4Range('10.0.0.0/8'))", ['veth1', 'eth1']],
  ["G.V().Has('IPV4', Ipv4Range('127.0.0.1'))", ['lo', 'lo1']],
  ["G.V().Has('IPV4', Ipv4Range('0.0.0.0/0')).Count()", 5],
  ["G.V().Has('Name', Ipv4Range('0.0.0.0/0'))", []],
  ["G.V().Has('MTU', Ne(1500), 'Type', Ne('device'))", ['veth0', 'veth1']],
];

const errors: QueryCases = [
  ["G.V().Has('MTU', Lt('a'))", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('MTU', Lt())", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('MTU', Gt(1, 2))", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('MTU', Inside(1))", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('MTU', Between(1, 'b'))", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('MTU', Ne())", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('MTU', Ne(Gt(1)))", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('MTU', Within(Gt(1)))", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('Name', Regex('^eth'))", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('Name', Regex('eth$'))", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('Name', Regex('('))", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('Name', Regex(1))", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('IPV4', Ipv4Range('10.0.0/8'))", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('IPV4', Ipv4Range('300.0.0.0/8'))", 'GREMLIN_INVALID_PARAMS'],
  ["G.V().Has('IPV4', Ipv4Range('10.0.0.0/33'))", 'GREMLIN_INVALID_PARAMS'],
];

describe('predicates and matching (§4.4)', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig());
  const run = async (q: string): Promise<unknown> => ids((await engine.execute(q, graph)).toJSON());

  itResults(run, cases);

  itErrors(engine, graph, errors);

  it('compares numbers as truncated int64 and never across types', () => {
    assert.equal(equalsTest(3.9)(3.1), true);
    assert.equal(equalsTest(3)(4), false);
    assert.equal(equalsTest(1)('1'), false);
    assert.equal(equalsTest('a')('a'), true);
    assert.equal(equalsTest(true)(1), false);
    assert.equal(toInt64(-2.7), -2);
    assert.equal(toInt64('2'), undefined);
  });

  it('matches arrays when any element matches and never matches a missing field', () => {
    const m = anyElement(equalsTest('b'));
    assert.equal(m(['a', 'b']), true);
    assert.equal(m([]), false);
    assert.equal(m(undefined), false);
    assert.equal(m(null), false);
  });

  it('parses IPv4 addresses with an optional prefix length', () => {
    assert.deepEqual(parseIpv4('10.1.2.3/24'), { address: 0x0a010203, prefix: 24 });
    assert.deepEqual(parseIpv4('255.255.255.255'), { address: 0xffffffff, prefix: undefined });
    assert.equal(parseIpv4('1.2.3'), undefined);
    assert.equal(parseIpv4('1.2.3.256'), undefined);
  });
});
