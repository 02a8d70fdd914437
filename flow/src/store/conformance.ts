// The behaviour every flow store backend must show, run with describeFlowStoreConformance(name, harness):
// exact answers for hand-made flow histories (ranges, nodes, paging, metrics, packets), retention and restarts.
import { strict as assert } from 'node:assert';
import type { Flow, FlowMetric, RawPacket } from '../model/flow.js';
import type { FlowStore } from './contract.js';

/** Makes stores for one test: a fresh location, the same location again, and cleanup. */
export interface FlowStoreHarness {
  /** An opened store over a fresh, empty location. */
  create(): Promise<FlowStore>;
  /** An opened store over the location of the last create() (the previous store was closed). */
  reopen(): Promise<FlowStore>;
  /** Removes what the harness made. */
  cleanup(): Promise<void>;
}

/** A flow report for tests: the given window, an Ethernet/IPv4 layer pair and optional extras. */
export function testFlow(uuid: string, start: number, last: number, extra: Partial<Flow> = {}): Flow {
  return {
    UUID: uuid, LayersPath: 'Ethernet/IPv4/UDP', Application: 'UDP', ParentUUID: '', Start: start, Last: last,
    Link: { Protocol: 'ETHERNET', A: '02:00:00:00:00:01', B: '02:00:00:00:00:02', ID: 0 },
    Network: { Protocol: 'IPV4', A: '10.0.0.1', B: '10.0.0.2', ID: 0 },
    Metric: metric(start, last, 1), NodeTID: 'tid-1', CaptureID: 'cap-1', RawPacketsCaptured: 0,
    TrackingID: `t-${uuid}`, L3TrackingID: `l3-${uuid}`, ...extra,
  };
}

/** A metric over [start, last] with `n` packets each way. */
export function metric(start: number, last: number, n: number): FlowMetric {
  return { ABPackets: n, ABBytes: 100 * n, BAPackets: n, BABytes: 60 * n, Start: start, Last: last };
}

const range = (from: number, to: number) => ({ from, to });
const uuidsOf = (flows: Flow[]) => flows.map((f) => f.UUID);
const codeOf = (code: string) => (err: unknown) => (err as { code?: string }).code === code;
const packet = (index: number, ts: number, data: string, linkType?: number): RawPacket =>
  ({ Index: index, Timestamp: ts, Data: Buffer.from(data).toString('base64'), ...(linkType === undefined ? {} : { LinkType: linkType }) });

/** Registers the conformance suite for one backend. */
export function describeFlowStoreConformance(name: string, makeHarness: () => FlowStoreHarness): void {
  describe(`flow store conformance: ${name}`, function () {
    this.timeout(30_000);
    let harness: FlowStoreHarness;
    let store: FlowStore;
    beforeEach(async () => {
      harness = makeHarness();
      store = await harness.create();
    });
    afterEach(async () => {
      await store.close();
      await harness.cleanup();
    });
    const all = (q: { nodeTIDs?: string[] } = {}) => store.flows({ from: 0, to: Number.MAX_SAFE_INTEGER, limit: 1_000_000, ...q });
    /** Four flows: A [10,20] on n1, B [15,30] on n2, C [40,50] on n1, D [5,100] on n3. */
    const fourFlows = () => store.append([
      testFlow('A', 10, 20, { NodeTID: 'n1' }), testFlow('B', 15, 30, { NodeTID: 'n2' }),
      testFlow('C', 40, 50, { NodeTID: 'n1' }), testFlow('D', 5, 100, { NodeTID: 'n3' }),
    ]);

    it('answers nothing and counts zero on a new store', async () => {
      assert.deepEqual(await all(), []);
      assert.deepEqual(await store.metrics(['A'], range(0, 100)), []);
      assert.deepEqual(await store.rawPackets(['A'], undefined), []);
      const s = await store.stats();
      assert.deepEqual([s.flows, s.metrics, s.packets], [0, 0, 0]);
    });

    it('keeps the newest revision of each flow whole, and ignores an older revision that arrives later', async () => {
      const v2 = testFlow('A', 10, 30, { FinishType: 2, ANodeTID: 'ta', BNodeTID: '*', DNS: dns() });
      await store.append([testFlow('A', 10, 20), v2, testFlow('A', 10, 25)]);
      assert.deepEqual(await all(), [v2]);
      await store.append([testFlow('A', 10, 22)]);
      assert.deepEqual(await all(), [v2]);
      const v3 = testFlow('A', 10, 40);
      await store.append([v3]);
      assert.deepEqual(await all(), [v3]);
      assert.equal((await store.stats()).flows, 1);
    });

    it('selects the flows active in a range: Start ≤ to and Last ≥ from, by Last then UUID', async () => {
      await fourFlows();
      const q = async (from: number, to: number) => uuidsOf(await store.flows({ from, to, limit: 100 }));
      assert.deepEqual(await q(0, 1_000), ['A', 'B', 'C', 'D']);
      assert.deepEqual(await q(21, 39), ['B', 'D']);
      assert.deepEqual(await q(0, 9), ['D']);
      assert.deepEqual(await q(20, 20), ['A', 'B', 'D']);
      assert.deepEqual(await q(50, 50), ['C', 'D']);
      assert.deepEqual(await q(31, 39), ['D']);
      assert.deepEqual(await q(0, 4), []);
      assert.deepEqual(await q(101, 200), []);
    });

    it('restricts a range to capture nodes; an empty list selects nothing', async () => {
      await fourFlows();
      const q = async (nodeTIDs: string[], from = 0, to = 1_000) => uuidsOf(await store.flows({ from, to, nodeTIDs, limit: 100 }));
      assert.deepEqual(await q(['n1']), ['A', 'C']);
      assert.deepEqual(await q(['n1', 'n3'], 25, 45), ['C', 'D']);
      assert.deepEqual(await q(['n2'], 31, 40), []);
      assert.deepEqual(await q(['nope']), []);
      assert.deepEqual(await q([]), []);
    });

    it('pages through flows with equal Last by the cursor, each exactly once', async () => {
      const flows = Array.from({ length: 25 }, (_, i) => testFlow(`f${String(i).padStart(2, '0')}`, 0, 100 + (i % 3)));
      await store.append(flows);
      const seen: string[] = [];
      let after: { last: number; uuid: string } | undefined;
      for (let page = 0; page < 10; page++) {
        const got = await store.flows({ from: 50, to: 200, limit: 4, ...(after ? { after } : {}) });
        if (got.length === 0) break;
        assert.ok(got.length <= 4);
        seen.push(...uuidsOf(got));
        const lastOne = got[got.length - 1] as Flow;
        after = { last: lastOne.Last, uuid: lastOne.UUID };
      }
      const want = [...flows].sort((a, b) => a.Last - b.Last || (a.UUID < b.UUID ? -1 : 1)).map((f) => f.UUID);
      assert.deepEqual(seen, want);
    });

    it('keeps one metric record per report, answers those inside the range by Last, and stores a resent report once', async () => {
      const report = (last: number, m: FlowMetric) => testFlow('A', 0, last, { LastUpdateMetric: m });
      await store.append([report(60, metric(0, 60, 1)), report(120, metric(60, 120, 2)), testFlow('B', 0, 70, { LastUpdateMetric: metric(10, 70, 5) })]);
      await store.append([report(180, { ...metric(120, 180, 3), RTT: 1500 }), report(120, metric(60, 120, 2))]);
      await store.append([testFlow('C', 0, 10)]);
      const q = async (uuids: string[], from: number, to: number) =>
        (await store.metrics(uuids, range(from, to))).map((r) => `${r.UUID}:${r.Metric.Start}-${r.Metric.Last}:${r.Metric.ABPackets}`);
      assert.deepEqual(await q(['A'], 0, 1_000), ['A:0-60:1', 'A:60-120:2', 'A:120-180:3']);
      assert.deepEqual(await q(['A', 'B'], 0, 120), ['A:0-60:1', 'B:10-70:5', 'A:60-120:2']);
      assert.deepEqual(await q(['A', 'B'], 10, 119), ['B:10-70:5']);
      assert.deepEqual(await q(['A'], 61, 1_000), ['A:120-180:3']);
      assert.deepEqual(await q(['C', 'Z'], 0, 1_000), []);
      const full = await store.metrics(['A'], range(120, 180));
      assert.deepEqual(full, [{ UUID: 'A', Metric: { ...metric(120, 180, 3), RTT: 1500 } }]);
      assert.equal((await store.stats()).metrics, 4);
    });

    it('keeps raw packets apart from the flow and answers them by Index, within a time range when given', async () => {
      await store.append([testFlow('A', 0, 10, { RawPacketsCaptured: 2, LastRawPackets: [packet(1, 5, 'second', 228), packet(0, 1, 'first')] })]);
      await store.append([testFlow('B', 0, 20, { LastRawPackets: [packet(0, 12, 'b0', 1)] }),
        testFlow('A', 0, 30, { RawPacketsCaptured: 3, LastRawPackets: [packet(2, 25, 'third'), packet(1, 5, 'second', 228)] })]);
      const [stored] = await store.flows({ from: 0, to: 100, nodeTIDs: ['tid-1'], limit: 1 });
      assert.equal(stored?.LastRawPackets, undefined);
      const text = (uuids: string[], r?: { from: number; to: number }) => store.rawPackets(uuids, r).then((ps) =>
        ps.map((p) => `${p.UUID}#${p.Packet.Index}@${p.Packet.Timestamp}:${Buffer.from(p.Packet.Data ?? '', 'base64').toString()}`));
      assert.deepEqual(await text(['A']), ['A#0@1:first', 'A#1@5:second', 'A#2@25:third']);
      assert.deepEqual(await text(['A', 'B']), ['A#0@1:first', 'B#0@12:b0', 'A#1@5:second', 'A#2@25:third']);
      assert.deepEqual(await text(['A', 'B'], range(5, 12)), ['B#0@12:b0', 'A#1@5:second']);
      const [p0, p1] = await store.rawPackets(['A'], range(0, 5));
      assert.deepEqual(p0, { UUID: 'A', Packet: packet(0, 1, 'first') });
      assert.deepEqual(p1, { UUID: 'A', Packet: packet(1, 5, 'second', 228) });
      assert.equal((await store.stats()).packets, 4);
    });

    it('prunes flows last seen before the horizon with their records, and older records of the flows that stay', async () => {
      await store.append([
        testFlow('old', 0, 100, { LastUpdateMetric: metric(0, 100, 1), LastRawPackets: [packet(0, 50, 'x')] }),
        testFlow('old', 0, 150, { LastUpdateMetric: metric(100, 160, 1) }),
        testFlow('long', 0, 500, { LastUpdateMetric: metric(0, 100, 1), LastRawPackets: [packet(0, 90, 'y'), packet(1, 400, 'z')] }),
        testFlow('long', 0, 500, { LastUpdateMetric: metric(100, 500, 1) }),
        testFlow('new', 300, 400, { LastUpdateMetric: metric(300, 400, 1) }),
      ]);
      const before = await store.stats();
      assert.deepEqual([before.flows, before.metrics, before.packets], [3, 5, 3]);
      const r = await store.prune(200);
      assert.deepEqual(r, { flows: 1, metrics: 3, packets: 2 });
      assert.deepEqual(uuidsOf(await all()), ['new', 'long']);
      assert.deepEqual((await store.metrics(['old', 'long', 'new'], range(0, 1_000))).map((m) => `${m.UUID}:${m.Metric.Start}`), ['new:300', 'long:100']);
      assert.deepEqual((await store.rawPackets(['old', 'long'])).map((p) => `${p.UUID}#${p.Packet.Index}`), ['long#1']);
      assert.deepEqual(await store.prune(200), { flows: 0, metrics: 0, packets: 0 });
      const s = await store.stats();
      assert.deepEqual([s.flows, s.metrics, s.packets], [2, 2, 1]);
    });

    it('prunes more flows than one retention step deletes', async () => {
      await store.append(Array.from({ length: 12_000 }, (_, i) => testFlow(`f${i}`, 0, i < 11_000 ? 10 : 1_000, { LastUpdateMetric: metric(0, 10, 1) })));
      const r = await store.prune(500);
      assert.equal(r.flows, 11_000);
      assert.equal(r.metrics, 12_000);
      assert.equal((await store.stats()).flows, 1_000);
    });

    it('keeps everything appended across a restart on the same location', async () => {
      await fourFlows();
      await store.append([testFlow('A', 10, 20, { NodeTID: 'n1', LastUpdateMetric: metric(10, 20, 1), LastRawPackets: [packet(0, 10, 'p')] })]);
      await store.close();
      store = await harness.reopen();
      assert.deepEqual(uuidsOf(await all()), ['A', 'B', 'C', 'D']);
      assert.equal((await store.metrics(['A'], range(0, 100))).length, 1);
      assert.equal((await store.rawPackets(['A'])).length, 1);
      await store.append([testFlow('E', 0, 200)]);
      assert.deepEqual(uuidsOf(await all({ nodeTIDs: ['tid-1'] })), ['E']);
    });

    it('stores a large batch in one append', async () => {
      const flows = Array.from({ length: 20_000 }, (_, i) => testFlow(`f${i}`, i, i + 10, { LastUpdateMetric: metric(i, i + 10, 1) }));
      await store.append(flows);
      const s = await store.stats();
      assert.deepEqual([s.flows, s.metrics], [20_000, 20_000]);
      assert.ok(s.bytes > 0);
      assert.deepEqual(uuidsOf(await store.flows({ from: 19_995, to: 19_996, limit: 100 })), ['f19985', 'f19986', 'f19987', 'f19988', 'f19989', 'f19990', 'f19991', 'f19992', 'f19993', 'f19994', 'f19995', 'f19996']);
    });

    it('fails with FLOW_STORE_CLOSED once closed', async () => {
      await store.close();
      await assert.rejects(store.append([testFlow('A', 0, 1)]), codeOf('FLOW_STORE_CLOSED'));
      await assert.rejects(all(), codeOf('FLOW_STORE_CLOSED'));
      store = await harness.reopen();
    });
  });
}

function dns(): Flow['DNS'] {
  return {
    ID: 7, QR: true, op_code: 0, AA: false, TC: false, RD: true, RA: true, z: 0, response_code: 0, q_d_count: 1, a_n_count: 1,
    n_s_count: 0, a_r_count: 0, questions: [{ name: 'example.org', type: 'A', class: 'IN' }],
    answers: [{ name: 'example.org', type: 'A', class: 'IN', TTL: 60, data_length: 4, IP: '192.0.2.1' }],
  };
}
