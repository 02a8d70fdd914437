import { strict as assert } from 'node:assert';
import type { RawPacket } from '../model/flow.js';
import type { FlowRawPacketRecord } from '../query/contract.js';
import { FakeFlowSource, fixtureFlows, flowFixtureGraph, flowTestEngine } from '../testing.js';

const graph = flowFixtureGraph();
const bytes = (n: number, first = 0): string => Buffer.from(Array.from({ length: n }, (_v, i) => (first + i) & 0xff)).toString('base64');
const raw = (UUID: string, Index: number, length: number, LinkType?: number): FlowRawPacketRecord =>
  ({ UUID, Packet: { Timestamp: 1000 + Index, Index, Data: bytes(length), ...(LinkType === undefined ? {} : { LinkType }) } });
const LIVE = [raw('u1', 0, 74), raw('u1', 1, 60), raw('u5', 0, 42), raw('u2', 0, 90, 228), { UUID: 'u2', Packet: { Timestamp: 5, Index: 1 } }];

/** A stand-in for libpcap's compiler understanding 'greater N' (length at least N), recording each compilation. */
function fakeBpf(compiled: [string, number][]) {
  return (expr: string, linkType: number): ((data: Uint8Array) => boolean) => {
    compiled.push([expr, linkType]);
    const m = /^greater (\d+)$/.exec(expr);
    if (m === null) throw new Error(`syntax error in '${expr}'`);
    const min = Number(m[1]);
    return (data) => data.length >= min;
  };
}

function setup(withCompiler = true) {
  const compiled: [string, number][] = [];
  const source = new FakeFlowSource({ live: fixtureFlows(), liveRawPackets: LIVE });
  const engine = flowTestEngine({ source, ...(withCompiler ? { compileBpf: fakeBpf(compiled) } : {}) }, graph);
  const indexes = async (q: string): Promise<unknown> => {
    const json = (await engine.execute(q, graph)).toJSON() as Record<string, RawPacket[]>[];
    return json.map((o) => Object.fromEntries(Object.entries(o).map(([k, ps]) => [k, ps.map((p) => p.Index)])));
  };
  return { source, engine, compiled, indexes };
}

describe('RawPackets() and BPF()', () => {
  it('gives the raw packets the source keeps with live flows, by flow', async () => {
    const { source, indexes, engine } = setup();
    assert.deepEqual(await indexes("G.Flows().Has('Application', Within('TCP', 'ARP')).RawPackets()"), [{ u1: [0, 1], u5: [0] }]);
    assert.deepEqual(source.calls.at(-1), { method: 'liveRawPackets', uuids: ['u1', 'u5'] });
    const r = await engine.execute("G.Flows().Has('UUID', 'u5').RawPackets()", graph);
    assert.equal(r.kind, 'rawpackets');
    assert.deepEqual(r.toJSON(), [{ u5: [{ Timestamp: 1000, Index: 0, Data: bytes(42) }] }]);
  });

  it('is empty live when the source keeps no raw packets', async () => {
    const engine = flowTestEngine({ source: new FakeFlowSource({ live: fixtureFlows() }) }, graph);
    assert.deepEqual((await engine.execute('G.Flows().RawPackets()', graph)).toJSON(), []);
  });

  it('keeps the packets a BPF filter accepts, compiling it once per link type', async () => {
    const { indexes, compiled } = setup();
    assert.deepEqual(await indexes("G.Flows().RawPackets().BPF('greater 61')"), [{ u1: [0], u2: [0], u5: [] }]);
    assert.deepEqual(compiled, [['greater 61', 1], ['greater 61', 1], ['greater 61', 228]]);
  });

  it('fails while planning without a BPF compiler or with a bad expression', () => {
    assert.throws(() => setup(false).engine.parse("G.Flows().RawPackets().BPF('greater 1')"), { code: 'FLOW_BPF_UNAVAILABLE', statusCode: 400 });
    const { engine } = setup();
    assert.throws(() => engine.parse("G.Flows().RawPackets().BPF('port')"), { code: 'FLOW_BPF_INVALID', details: { expr: 'port', linkType: 1, position: 27 } });
    assert.throws(() => engine.parse('G.Flows().RawPackets().BPF(1)'), { code: 'GREMLIN_INVALID_PARAMS' });
    assert.throws(() => engine.parse('G.Flows().RawPackets().BPF()'), { code: 'GREMLIN_INVALID_PARAMS' });
    assert.throws(() => engine.parse("G.Flows().BPF('greater 1')"), { code: 'GREMLIN_INVALID_STEP' });
    assert.throws(() => engine.parse('G.Flows().RawPackets(1)'), { code: 'GREMLIN_INVALID_PARAMS' });
  });

  it('fails with FLOW_BPF_INVALID when the filter does not compile for a packet link type', async () => {
    const source = new FakeFlowSource({ live: fixtureFlows(), liveRawPackets: LIVE });
    const compileBpf = (expr: string, linkType: number) => {
      if (linkType !== 1) throw new Error('no link layer');
      return () => true;
    };
    const engine = flowTestEngine({ source, compileBpf }, graph);
    await assert.rejects(engine.execute("G.Flows().RawPackets().BPF('ether host 1')", graph), { code: 'FLOW_BPF_INVALID' });
  });
});
