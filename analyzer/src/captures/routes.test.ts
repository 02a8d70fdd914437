// The capture API on an analyzer backed by a real etcd: create, list, get, delete, every validation error,
// duplicates, Count from the graph, etcd going away and coming back, captures turned off, the start-up capture.
import assert from 'node:assert/strict';
import type { Analyzer } from '../analyzer.js';
import type { AnalyzerServiceConfig } from '../config.js';
import { type TestEtcd, startTestAnalyzer, startTestEtcd, withTestEtcd } from '../testing.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const Q = "G.V().Has('Type', 'veth')";

function withEtcd(etcd: TestEtcd, extra: (c: AnalyzerServiceConfig) => void = () => undefined) {
  return withTestEtcd(etcd, (c) => {
    c.etcd.requestTimeout = '1s';
    extra(c);
  });
}

async function call(analyzer: Analyzer, method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: unknown) {
  const res = await analyzer.http!.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, type: String(res.headers['content-type']), text: res.body, body: res.body === '' ? undefined : res.json() as Record<string, unknown> };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('capture API', function () {
  this.timeout(30_000);
  let etcd: TestEtcd;
  let analyzer: Analyzer;

  before(async () => {
    etcd = await startTestEtcd();
    analyzer = (await startTestAnalyzer(withEtcd(etcd))).analyzer;
  });

  after(async () => {
    await analyzer?.stop();
    await etcd?.destroy();
  });

  afterEach(async () => {
    await analyzer.etcd.client?.delete().prefix('/capture/').exec();
  });

  it('creates a capture with a v4 UUID, answers 201 with Skydive\'s JSON and stores it at /capture/<UUID>', async () => {
    const r = await call(analyzer, 'POST', '/api/capture', { GremlinQuery: Q, BPFFilter: 'tcp port 80', Name: 'web', Type: 'afpacket', RawPacketLimit: 5 });
    assert.equal(r.status, 201);
    const id = r.body?.UUID as string;
    assert.match(id, UUID_V4);
    assert.deepEqual(r.body, {
      UUID: id, GremlinQuery: Q, BPFFilter: 'tcp port 80', Name: 'web', Type: 'afpacket', Count: 0, SamplingRate: 0, PollingInterval: 0,
      RawPacketLimit: 5, ExtraTCPMetric: false, IPDefrag: false, ReassembleTCP: false, LayerKeyMode: 'L2',
    });
    const stored = JSON.parse(await analyzer.etcd.client!.get(`/capture/${id}`).string() ?? 'null') as Record<string, unknown>;
    assert.equal(stored.UUID, id);
    assert.equal(stored.GremlinQuery, Q);
    assert.equal('Count' in stored, false);
  });

  it('keeps every field of a capture', async () => {
    const full = {
      GremlinQuery: Q, BPFFilter: 'udp', Name: 'n', Description: 'd', Type: 'sflow', Port: 6343, SamplingRate: 100, PollingInterval: 10,
      RawPacketLimit: 10, HeaderSize: 128, ExtraTCPMetric: true, IPDefrag: true, ReassembleTCP: true, LayerKeyMode: 'L3', ExtraLayers: 255,
      Target: '127.0.0.1:2055', TargetType: 'netflowv5',
    };
    const r = await call(analyzer, 'POST', '/api/capture', full);
    assert.equal(r.status, 201, r.text);
    const got = await call(analyzer, 'GET', `/api/capture/${r.body?.UUID as string}`);
    assert.deepEqual(got.body, { UUID: r.body?.UUID, Count: 0, ...full });
  });

  it('lists captures keyed by UUID, gets one, and deletes it with an empty 200', async () => {
    const a = (await call(analyzer, 'POST', '/api/capture', { GremlinQuery: Q })).body?.UUID as string;
    const b = (await call(analyzer, 'POST', '/api/capture', { GremlinQuery: "G.V().Has('Name', 'eth0')" })).body?.UUID as string;
    const list = await call(analyzer, 'GET', '/api/capture');
    assert.equal(list.status, 200);
    assert.deepEqual(Object.keys(list.body ?? {}).sort(), [a, b].sort());
    assert.equal((list.body?.[a] as { GremlinQuery: string }).GremlinQuery, Q);
    assert.equal((await call(analyzer, 'GET', `/api/capture/${b}`)).body?.UUID, b);
    const del = await call(analyzer, 'DELETE', `/api/capture/${a}`);
    assert.equal(del.status, 200);
    assert.equal(del.text, '');
    assert.match(del.type, /^text\/plain/);
    assert.equal(await analyzer.etcd.client!.get(`/capture/${a}`).string(), null);
    assert.deepEqual(Object.keys((await call(analyzer, 'GET', '/api/capture')).body ?? {}), [b]);
  });

  it('answers 404 for an unknown capture and 400 to an update', async () => {
    for (const method of ['GET', 'DELETE'] as const) {
      const r = await call(analyzer, method, '/api/capture/nope');
      assert.equal(r.status, 404);
      assert.equal(r.body?.code, 'ANALYZER_CAPTURE_NOT_FOUND');
    }
    const id = (await call(analyzer, 'POST', '/api/capture', { GremlinQuery: Q })).body?.UUID as string;
    const r = await call(analyzer, 'PATCH', `/api/capture/${id}`, [{ op: 'add', path: '/Name', value: 'x' }]);
    assert.equal(r.status, 400);
    assert.equal(r.body?.code, 'ANALYZER_CAPTURE_NOT_UPDATABLE');
  });

  const INVALID: [string, unknown, string, string?][] = [
    ['a Gremlin expression that does not parse', { GremlinQuery: "G.V().Has('Name'" }, 'GREMLIN_PARSE_ERROR'],
    ['no Gremlin expression', { Name: 'x' }, 'ANALYZER_CAPTURE_INVALID', '/GremlinQuery'],
    ['an empty Gremlin expression', { GremlinQuery: ' ' }, 'ANALYZER_CAPTURE_INVALID', '/GremlinQuery'],
    ['an unknown type', { GremlinQuery: Q, Type: 'tcpdump' }, 'ANALYZER_CAPTURE_INVALID', '/Type'],
    ['a negative sampling rate', { GremlinQuery: Q, SamplingRate: -1 }, 'ANALYZER_CAPTURE_INVALID', '/SamplingRate'],
    ['a negative polling interval', { GremlinQuery: Q, PollingInterval: -5 }, 'ANALYZER_CAPTURE_INVALID', '/PollingInterval'],
    ['a header size below 14', { GremlinQuery: Q, HeaderSize: 13 }, 'ANALYZER_CAPTURE_INVALID', '/HeaderSize'],
    ['a header size above 4096', { GremlinQuery: Q, HeaderSize: 4097 }, 'ANALYZER_CAPTURE_INVALID', '/HeaderSize'],
    ['more than 10 raw packets', { GremlinQuery: Q, RawPacketLimit: 11 }, 'ANALYZER_CAPTURE_INVALID', '/RawPacketLimit'],
    ['an unknown layer key mode', { GremlinQuery: Q, LayerKeyMode: 'L4' }, 'ANALYZER_CAPTURE_INVALID', '/LayerKeyMode'],
    ['an unknown target type', { GremlinQuery: Q, TargetType: 'ipfix' }, 'ANALYZER_CAPTURE_INVALID', '/TargetType'],
    ['a port out of range', { GremlinQuery: Q, Port: 70000 }, 'ANALYZER_CAPTURE_INVALID', '/Port'],
    ['a string where a number goes', { GremlinQuery: Q, SamplingRate: '10' }, 'ANALYZER_CAPTURE_INVALID', '/SamplingRate'],
    ['a number where a flag goes', { GremlinQuery: Q, IPDefrag: 1 }, 'ANALYZER_CAPTURE_INVALID', '/IPDefrag'],
    ['a misspelt field', { GremlinQuery: Q, BPFilter: 'tcp' }, 'ANALYZER_CAPTURE_INVALID', '/BPFilter'],
    ['a BPF filter on a type without BPF', { GremlinQuery: Q, Type: 'ebpf', BPFFilter: 'tcp' }, 'ANALYZER_CAPTURE_INVALID', '/BPFFilter'],
    ['raw packets on a type without them', { GremlinQuery: Q, Type: 'ebpf', RawPacketLimit: 1 }, 'ANALYZER_CAPTURE_INVALID', '/RawPacketLimit'],
    ['a body that is not an object', [Q], 'ANALYZER_CAPTURE_INVALID'],
    ['a BPF filter that does not compile', { GremlinQuery: Q, BPFFilter: 'tcp port nope' }, 'ANALYZER_CAPTURE_INVALID', '/BPFFilter'],
    ...['GremlinQuery', 'Name', 'Description', 'Target', 'BPFFilter'].map((field): [string, unknown, string, string] =>
      [`a ${field} longer than 4 KiB`, { GremlinQuery: Q, [field]: field === 'GremlinQuery' ? `${Q}${' '.repeat(4096)}` : 'x'.repeat(4097) },
        'ANALYZER_CAPTURE_INVALID', `/${field}`]),
  ];
  for (const [what, body, code, path] of INVALID) {
    it(`refuses ${what} with 400 ${code}`, async () => {
      const r = await call(analyzer, 'POST', '/api/capture', body);
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body?.code, code);
      const details = r.body?.details as { violations?: { path: string }[]; position?: number } | undefined;
      if (path !== undefined) assert.ok(details?.violations?.some((v) => v.path === path), r.text);
      if (code === 'GREMLIN_PARSE_ERROR') assert.equal(typeof details?.position, 'number');
      assert.deepEqual((await call(analyzer, 'GET', '/api/capture')).body, {});
    });
  }

  it('answers a BPF filter that does not compile with libpcap\'s message and the filter\'s details', async () => {
    const r = await call(analyzer, 'POST', '/api/capture', { GremlinQuery: Q, BPFFilter: 'tcp port nope' });
    assert.equal(r.status, 400);
    assert.equal(r.body?.code, 'ANALYZER_CAPTURE_INVALID');
    const details = r.body?.details as { expression?: string; linkType?: number; pcapError?: string; violations?: { message: string }[] };
    assert.equal(details.expression, 'tcp port nope');
    assert.equal(details.linkType, 1);
    assert.ok(typeof details.pcapError === 'string' && details.pcapError !== '', r.text);
    assert.ok(details.violations?.some((v) => v.message.includes(details.pcapError as string)), r.text);
    assert.match(String(r.body?.message), /BPFFilter/);
  });

  it('refuses a duplicate capture with 409 unless the type allows several per node with different filters', async () => {
    assert.equal((await call(analyzer, 'POST', '/api/capture', { GremlinQuery: Q, Type: 'pcapsocket', BPFFilter: 'tcp' })).status, 201);
    const dup = await call(analyzer, 'POST', '/api/capture', { GremlinQuery: Q, Type: 'pcapsocket', BPFFilter: 'udp' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body?.code, 'ANALYZER_CAPTURE_DUPLICATE');
    assert.equal((await call(analyzer, 'POST', '/api/capture', { GremlinQuery: Q, Type: 'afpacket', BPFFilter: 'tcp' })).status, 201);
    assert.equal((await call(analyzer, 'POST', '/api/capture', { GremlinQuery: Q, Type: 'afpacket', BPFFilter: 'udp' })).status, 201);
    assert.equal((await call(analyzer, 'POST', '/api/capture', { GremlinQuery: Q, Type: 'afpacket', BPFFilter: 'udp' })).status, 409);
    assert.equal((await call(analyzer, 'POST', '/api/capture', { GremlinQuery: Q })).status, 201);
    assert.equal((await call(analyzer, 'POST', '/api/capture', { GremlinQuery: Q })).status, 409);
  });

  it('skips and counts values under /capture/ that are not captures', async () => {
    const id = (await call(analyzer, 'POST', '/api/capture', { GremlinQuery: Q })).body?.UUID as string;
    await analyzer.etcd.client!.put('/capture/garbage').value('{not json').exec();
    await analyzer.etcd.client!.put('/capture/other').value(JSON.stringify({ UUID: 'mismatch', GremlinQuery: Q })).exec();
    const list = await call(analyzer, 'GET', '/api/capture');
    assert.equal(list.status, 200);
    assert.deepEqual(Object.keys(list.body ?? {}), [id]);
    assert.equal((await call(analyzer, 'GET', '/api/capture/garbage')).status, 404);
    const bad = await analyzer.reporter.registry.getSingleMetric('topoflow_analyzer_captures_invalid_stored_total')?.get();
    assert.ok((bad?.values[0]?.value ?? 0) >= 3);
  });

  it('counts the nodes where a capture is active', async () => {
    const id = (await call(analyzer, 'POST', '/api/capture', { GremlinQuery: Q })).body?.UUID as string;
    const g = analyzer.graph;
    g.addNode({ ID: 'n1', Metadata: { Name: 'v1', Type: 'veth', Captures: [{ ID: id, State: 'active' }] } });
    g.addNode({ ID: 'n2', Metadata: { Name: 'v2', Type: 'veth', Captures: [{ ID: id, State: 'error', Error: 'down' }, { ID: 'other', State: 'active' }] } });
    g.addNode({ ID: 'n3', Metadata: { Name: 'v3', Type: 'veth', Captures: [{ ID: id, State: 'active' }] } });
    try {
      assert.equal((await call(analyzer, 'GET', `/api/capture/${id}`)).body?.Count, 2);
      assert.equal(((await call(analyzer, 'GET', '/api/capture')).body?.[id] as { Count: number }).Count, 2);
    } finally {
      for (const n of ['n1', 'n2', 'n3']) g.deleteNode(n);
    }
  });
});

describe('capture API without etcd', function () {
  this.timeout(30_000);

  it('answers 503 ANALYZER_CAPTURES_DISABLED when etcd is turned off', async () => {
    const { analyzer } = await startTestAnalyzer();
    try {
      for (const [method, url] of [['GET', '/api/capture'], ['POST', '/api/capture'], ['GET', '/api/capture/x'], ['DELETE', '/api/capture/x']] as const) {
        const r = await call(analyzer, method, url, method === 'POST' ? { GremlinQuery: Q } : undefined);
        assert.equal(r.status, 503);
        assert.equal(r.body?.code, 'ANALYZER_CAPTURES_DISABLED');
      }
    } finally {
      await analyzer.stop();
    }
  });

  it('answers 503 ANALYZER_ETCD_UNAVAILABLE while etcd is down, and works again once it is back', async () => {
    const etcd = await startTestEtcd();
    const { analyzer } = await startTestAnalyzer(withEtcd(etcd));
    try {
      const id = (await call(analyzer, 'POST', '/api/capture', { GremlinQuery: Q })).body?.UUID as string;
      await etcd.stop();
      for (const [method, url] of [['GET', '/api/capture'], ['POST', '/api/capture'], ['GET', `/api/capture/${id}`], ['DELETE', `/api/capture/${id}`]] as const) {
        const r = await call(analyzer, method, url, method === 'POST' ? { GremlinQuery: "G.V().Has('Name', 'x')" } : undefined);
        assert.equal(r.status, 503, `${method} ${url}: ${r.text}`);
        assert.equal(r.body?.code, 'ANALYZER_ETCD_UNAVAILABLE');
      }
      await etcd.restart();
      await until('the API to answer again', async () => (await call(analyzer, 'GET', `/api/capture/${id}`)).status === 200);
      assert.equal((await call(analyzer, 'POST', '/api/capture', { GremlinQuery: "G.V().Has('Name', 'x')" })).status, 201);
    } finally {
      await analyzer.stop();
      await etcd.destroy();
    }
  });

  it('creates the start-up capture once, even across restarts', async () => {
    const etcd = await startTestEtcd();
    const startup = withEtcd(etcd, (c) => {
      c.analyzer.startup.captureGremlin = Q;
      c.analyzer.startup.captureBPF = 'icmp';
      c.analyzer.startup.captureType = 'pcap';
    });
    try {
      for (let round = 0; round < 2; round++) {
        const { analyzer } = await startTestAnalyzer(startup);
        try {
          const list = Object.values((await call(analyzer, 'GET', '/api/capture')).body ?? {}) as Record<string, unknown>[];
          assert.equal(list.length, 1);
          assert.deepEqual([list[0]?.GremlinQuery, list[0]?.BPFFilter, list[0]?.Type], [Q, 'icmp', 'pcap']);
        } finally {
          await analyzer.stop();
        }
      }
    } finally {
      await etcd.destroy();
    }
  });

  it('refuses an invalid start-up capture before starting', async () => {
    await assert.rejects(startTestAnalyzer((c) => {
      c.analyzer.startup.captureGremlin = "G.V(";
    }), (err: unknown) => (err as { code?: string }).code === 'ANALYZER_CONFIG_INVALID');
  });
});
