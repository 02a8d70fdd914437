import { strict as assert } from 'node:assert';
import { AppError } from '@topoflow/common';
import { itErrors, itResults, type QueryCases } from '@topoflow/gremlin/testing';
import { FakeFlowSource, fixtureFlows, flowFixtureGraph, brief, flowTestEngine } from '../testing.js';

const graph = flowFixtureGraph();

function setup() {
  const source = new FakeFlowSource({ live: fixtureFlows() });
  const engine = flowTestEngine({ source }, graph);
  const run = async (q: string): Promise<unknown> => brief((await engine.execute(q, graph)).toJSON());
  return { source, engine, run };
}

const sources: QueryCases = [
  ['G.Flows().Count()', 5],
  ['G.Flows()', ['u1', 'u2', 'u3', 'u4', 'u5']],
  ["G.Flows('Network', '10.0.0.1')", ['u1', 'u2', 'u3', 'u4']],
  ["G.Flows('Application', 'DNS', 'NodeTID', 'tid-veth1')", ['u3']],
  ["G.V().Has('Name', 'veth0').Flows()", ['u2']],
  ["G.V().Has('Type', 'veth').Flows()", ['u2', 'u3']],
  ['G.V().Flows().Count()', 4],
  ["G.V().Has('Type', 'tuntap').Flows()", []],
  ["G.V().Has('Name', 'host1').Flows()", []],
  ["G.V().Has('Name', 'br0').Flows()", []],
  ["G.V('veth0').ShortestPathTo(Metadata('Name', 'veth1')).Flows()", ['u2', 'u3']],
];

const predicates: QueryCases = [
  ["G.Flows().Has('Network.A', '10.0.0.1')", ['u1', 'u4']],
  ["G.Flows().Has('IPV4.B', '10.0.0.1')", ['u2', 'u3']],
  ["G.Flows().Has('Transport', 53)", ['u2', 'u3']],
  ["G.Flows().Has('TCP.B', 80)", ['u1']],
  ["G.Flows().Has('Link', 'ff:ff:ff:ff:ff:ff')", ['u5']],
  ["G.Flows().Has('ETHERNET.A', 'aa:00:00:00:00:01')", ['u1', 'u4']],
  ["G.Flows().Has('Transport.Protocol', 'UDP')", ['u2', 'u3']],
  ["G.Flows().Has('ICMP.Type', 'ECHO')", ['u4']],
  ["G.Flows().Has('Metric.ABBytes', Gt(150))", ['u1', 'u4']],
  ["G.Flows().Has('Metric.RTT', 500)", ['u2']],
  ["G.Flows().Has('Metric.RTT', 0)", ['u1', 'u3', 'u4', 'u5']],
  ["G.Flows().Has('Network.A', Ipv4Range('10.0.0.0/30'))", ['u1', 'u2', 'u3', 'u4']],
  ["G.Flows().Has('Network.B', Ipv4Range('8.0.0.0/8'))", ['u4']],
  ["G.Flows().Has('Application', Regex('D.*'))", ['u2', 'u3']],
  ["G.Flows().Has('Application', Within('ARP', 'TCP'))", ['u1', 'u5']],
  ["G.Flows().Has('Application', Without('ARP', 'TCP'))", ['u2', 'u3', 'u4']],
  ["G.Flows().Has('NodeTID', Ne('tid-eth0'))", ['u2', 'u3', 'u5']],
  ["G.Flows().Has('Network.A', Ne('10.0.0.1'))", ['u2', 'u3']],
  ["G.Flows().Has('Network.A', Nee('10.0.0.1'))", ['u2', 'u3', 'u5']],
  ["G.Flows().Has('Start', Inside(1000, 2100))", ['u2']],
  ["G.Flows().Has('Start', Between(1000, 2100))", ['u1', 'u2']],
  ["G.Flows().Has('Last', Lt(3100))", ['u2']],
  ["G.Flows().Has('Last', Lte(3100))", ['u2', 'u3']],
  ["G.Flows().Has('Last', Gte(5000))", ['u1', 'u4']],
  ["G.Flows().Has('Network', Nee('10.0.0.1'))", ['u1', 'u2', 'u3', 'u4', 'u5']],
  ["G.Flows().Has('Application', 'DNS', 'NodeTID', 'tid-veth0')", ['u2']],
  ["G.Flows().HasEither('Application', 'ARP', 'Transport.B', 80)", ['u1', 'u5']],
  ["G.Flows().HasKey('Transport')", ['u1', 'u2', 'u3']],
  ["G.Flows().HasKey('ICMP.ID')", ['u4']],
  ["G.Flows().HasKey('CaptureID')", []],
  ["G.Flows().HasNot('Network')", ['u5']],
  ["G.Flows().HasNot('LastUpdateMetric')", ['u2', 'u3', 'u5']],
  ["G.Flows().Has('Foo', 1)", []],
];

const lists: QueryCases = [
  ['G.Flows().Dedup()', ['u1', 'u2', 'u4', 'u5']],
  ["G.Flows().Dedup('NodeTID')", ['u1', 'u2', 'u3', 'u5']],
  ["G.Flows().Dedup('Application', 'NodeTID')", ['u1', 'u2', 'u3', 'u4', 'u5']],
  ["G.Flows().Dedup('Network.A')", ['u1', 'u2', 'u5']],
  ['G.Flows().Sort()', ['u2', 'u3', 'u5', 'u1', 'u4']],
  ['G.Flows().Sort(DESC)', ['u4', 'u1', 'u5', 'u3', 'u2']],
  ["G.Flows().Sort(DESC, 'Metric.ABBytes')", ['u1', 'u4', 'u2', 'u3', 'u5']],
  ["G.Flows().Sort(ASC, 'Network.A')", ['u1', 'u4', 'u2', 'u3', 'u5']],
  ['G.Flows().Sort().Limit(2)', ['u2', 'u3']],
  ['G.Flows().Sort().Range(1, 3)', ['u3', 'u5']],
  ['G.Flows().Range(4, 10)', ['u5']],
  ['G.Flows().Limit(0)', []],
  ['G.Flows().Dedup().Sort(DESC)', ['u4', 'u1', 'u5', 'u2']],
  ['G.Flows().Sort(DESC).Dedup()', ['u4', 'u1', 'u5', 'u3']],
  ["G.Flows().Limit(3).Has('Application', 'DNS')", ['u2', 'u3']],
  ["G.Flows().Has('Application', 'DNS').Limit(1)", ['u2']],
  ['G.Flows().Dedup().Count()', 4],
];

describe('Flows() and flow lists', () => {
  const { engine, run } = setup();
  describe('sources', () => itResults(run, sources));
  describe('Has and every predicate', () => itResults(run, predicates));
  describe('Dedup, Sort, Range, Limit', () => itResults(run, lists));

  it('gives the same answers with and without step fusion', async () => {
    for (const [q] of [...predicates, ...lists]) {
      const fused = (await engine.execute(q as string, graph)).toJSON();
      const unfused = (await engine.execute(engine.plan(q as string, { fuse: false }), graph)).toJSON();
      assert.deepEqual(fused, unfused, q as string);
    }
  });
});

describe('Flows() searches', () => {
  it('folds leading filters and a window into one FlowSearch', async () => {
    const { source, engine } = setup();
    const q = "G.Flows('Network', '10.0.0.1').Has('Application', 'DNS').Limit(1)";
    assert.equal(engine.parse(q).plan.steps.length, 1);
    assert.deepEqual(brief((await engine.execute(q, graph)).toJSON()), ['u2']);
    const call = source.calls[0];
    assert.equal(call?.method, 'live');
    assert.equal(source.calls.length, 1);
    const search = (call as { search: { filter?: (f: unknown) => boolean; limit?: number; nodeTIDs?: unknown } }).search;
    assert.equal(search.limit, 1);
    assert.equal(search.nodeTIDs, undefined);
    assert.deepEqual(fixtureFlows().filter((f) => search.filter?.(f)).map((f) => f.UUID), ['u2', 'u3']);
  });

  it('asks no limit when a dedup or sort comes before the window', async () => {
    const { source, engine } = setup();
    await engine.execute("G.Flows().Has('Application', 'DNS').Dedup().Limit(1)", graph);
    await engine.execute('G.Flows().Sort().Limit(1)', graph);
    for (const call of source.calls) assert.equal((call as { search: { limit?: number } }).search.limit, undefined);
  });

  it('restricts the search to the TIDs of capture-capable nodes, each once', async () => {
    const { source, engine } = setup();
    await engine.execute("G.V().HasEither('Type', 'veth', 'Type', 'tuntap').Flows()", graph);
    await engine.execute('G.V().Flows()', graph);
    const tids = source.calls.map((c) => (c as { search: { nodeTIDs?: readonly string[] } }).search.nodeTIDs?.slice().sort());
    assert.deepEqual(tids, [['tid-veth0', 'tid-veth1'], ['tid-br0', 'tid-eth0', 'tid-veth0', 'tid-veth1']]);
  });

  it('does not ask the source when no input node can be captured', async () => {
    const { source, engine } = setup();
    assert.deepEqual((await engine.execute("G.V().Has('Type', 'netns').Flows().Count()", graph)).toJSON(), 0);
    assert.equal(source.calls.length, 0);
  });

  it('applies the filter, TIDs and window itself when the source returns more', async () => {
    const loose = { hasHistory: false, live: () => fixtureFlows(), history: async () => [], metrics: async () => [], rawPackets: async () => [] };
    const engine = flowTestEngine({ source: loose }, graph);
    const run = async (q: string): Promise<unknown> => brief((await engine.execute(q, graph)).toJSON());
    assert.deepEqual(await run("G.Flows().Has('Application', 'DNS').Limit(1)"), ['u2']);
    assert.deepEqual(await run("G.V().Has('Name', 'veth1').Flows()"), ['u3']);
  });

  it('turns a failing source into FLOW_SOURCE_FAILED (502) and lets its AppErrors through', async () => {
    const failing = (err: Error) => ({
      hasHistory: false, live: () => { throw err; }, history: async () => [], metrics: async () => [], rawPackets: async () => [],
    });
    const broken = flowTestEngine({ source: failing(new Error('down')) }, graph);
    await assert.rejects(broken.execute('G.Flows()', graph), { code: 'FLOW_SOURCE_FAILED', statusCode: 502 });
    const own = flowTestEngine({ source: failing(new AppError('ANALYZER_X', 'x', { statusCode: 503 })) }, graph);
    await assert.rejects(own.execute('G.Flows()', graph), { code: 'ANALYZER_X', statusCode: 503 });
  });

  it('serializes a flow list as an array of the flows', async () => {
    const { engine } = setup();
    const r = await engine.execute("G.Flows().Has('UUID', 'u2')", graph);
    assert.equal(r.kind, 'flows');
    assert.deepEqual(JSON.parse(JSON.stringify(r.toJSON())), [fixtureFlows()[1]]);
  });
});

const errors: QueryCases = [
  ["G.Flows('Network')", 'GREMLIN_INVALID_PARAMS'],
  ["G.Flows('a', 1, 'b')", 'GREMLIN_INVALID_PARAMS'],
  ["G.Flows(1, 'a')", 'GREMLIN_INVALID_PARAMS'],
  ["G.Flows().Has('Network.A')", 'GREMLIN_INVALID_PARAMS'],
  ['G.Flows().Has()', 'GREMLIN_INVALID_PARAMS'],
  ["G.Flows().Has('Start', Lt('x'))", 'GREMLIN_INVALID_PARAMS'],
  ["G.Flows().Has('Application', Regex('^T'))", 'GREMLIN_INVALID_PARAMS'],
  ["G.Flows().HasKey('Nope')", 'GREMLIN_INVALID_PARAMS'],
  ["G.Flows().HasNot('Network', 'x')", 'GREMLIN_INVALID_PARAMS'],
  ["G.Flows().Sort('Metric')", 'GREMLIN_INVALID_PARAMS'],
  ["G.Flows().Sort(DESC, 'Last', 'Start')", 'GREMLIN_INVALID_PARAMS'],
  ["G.Flows().Sort('Nope')", 'GREMLIN_INVALID_PARAMS'],
  ['G.Flows().Dedup(1)', 'GREMLIN_INVALID_PARAMS'],
  ["G.Flows().Limit('a')", 'GREMLIN_INVALID_PARAMS'],
  ['G.Flows().Range(3, 1)', 'GREMLIN_INVALID_PARAMS'],
  ['G.Flows().Range(1)', 'GREMLIN_INVALID_PARAMS'],
  ['G.Flows().Descendants()', 'GREMLIN_INVALID_STEP'],
  ["G.E().Flows()", 'GREMLIN_INVALID_STEP'],
  ['G.Flows().Flows()', 'GREMLIN_INVALID_STEP'],
  ["G.Flows(", 'GREMLIN_PARSE_ERROR'],
  ["G.Flows().Has('a' 1", 'GREMLIN_PARSE_ERROR'],
];

describe('Flows() parameter errors', () => {
  const { engine } = setup();
  itErrors(engine, graph, errors);

  it('reports where the bad parameter is', () => {
    assert.throws(() => engine.parse("G.Flows().Sort('Nope')"), { code: 'GREMLIN_INVALID_PARAMS', details: { position: 15 } });
  });
});
