// The behaviour every history backend must show (reference §2.7), run with describeHistoryConformance(name,
// harness): exact answers for hand-made histories, then a random event stream checked against replays.
import { strict as assert } from 'node:assert';
import { ManualClock } from '@topoflow/common/testing';
import type { GraphEvent } from '../events.js';
import type { HistorySnapshot, HistoryStore } from '../history/store.js';
import { MemoryGraph } from '../memory/memory-graph.js';
import type { Edge, Node } from '../model.js';
import { describeHistoryRandom } from './history-random.js';

/** Makes stores for one test: a fresh location, the same location again, and cleanup. */
export interface HistoryHarness {
  /** An opened store over a fresh, empty location. */
  create(): Promise<HistoryStore>;
  /** An opened store over the location of the last create() (the previous store was closed). */
  reopen(): Promise<HistoryStore>;
  /** Removes what the harness made. */
  cleanup(): Promise<void>;
}

/** A graph whose events are recorded, driven by a manual clock. */
export class RecordedGraph {
  readonly clock = new ManualClock(1_000);
  readonly graph = new MemoryGraph({ host: 'h1', origin: 'agent.h1' }, { clock: this.clock });
  events: GraphEvent[] = [];

  constructor() {
    this.graph.onAny((e) => this.events.push(e));
  }

  /** Sets the clock to `t` (epoch ms) before the next change. */
  at(t: number): this {
    this.clock.set(t);
    return this;
  }

  /** The events recorded since the last take(). */
  take(): GraphEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }
}

/** `ID@Revision` of each element, sorted, for compact comparisons. */
export function revisionsOf(s: HistorySnapshot): { nodes: string[]; edges: string[] } {
  const key = (e: Node) => `${e.ID}@${e.Revision}`;
  return { nodes: s.nodes.map(key).sort(), edges: s.edges.map(key).sort() };
}

const point = (t: number) => ({ start: t, end: t, point: true });
const range = (start: number, end: number) => ({ start, end, point: false });
const codeOf = (code: string) => (err: unknown) => (err as { code?: string }).code === code;

/** Registers the conformance suite for one backend. */
export function describeHistoryConformance(name: string, makeHarness: () => HistoryHarness): void {
  describe(`history conformance: ${name}`, function () {
    this.timeout(30_000);
    let harness: HistoryHarness;
    let store: HistoryStore;
    let g: RecordedGraph;
    beforeEach(async () => {
      harness = makeHarness();
      store = await harness.create();
      g = new RecordedGraph();
    });
    afterEach(async () => {
      await store.close();
      await harness.cleanup();
    });
    const flush = () => store.append(g.take());

    it('answers an empty graph and zero counts on a new store', async () => {
      assert.deepEqual(await store.read(point(5_000)), { nodes: [], edges: [] });
      const s = await store.stats();
      assert.equal(s.nodeRevisions + s.edgeRevisions, 0);
    });

    it('follows the reference example: created 1000, updated 2000, deleted 3000', async () => {
      g.at(1000).graph.addNode({ ID: 'N', Metadata: { Name: 'n', MTU: 1 } });
      g.at(2000).graph.updateNode('N', { set: { MTU: 2 } });
      g.at(3000).graph.deleteNode('N');
      await flush();
      const md = async (t: number) => (await store.read(point(t))).nodes.map((n) => [n.Revision, n.Metadata.MTU, n.DeletedAt]);
      assert.deepEqual(await md(999), []);
      assert.deepEqual(await md(1000), [[1, 1, null]]);
      assert.deepEqual(await md(1500), [[1, 1, null]]);
      assert.deepEqual(await md(2500), [[2, 2, 3000]]);
      assert.deepEqual(await md(3000), [[2, 2, 3000]], 'an element deleted exactly at t is visible');
      assert.deepEqual(await md(3500), []);
      const window = await store.read(range(500, 2500));
      assert.deepEqual(window.nodes.map((n) => n.Revision), [1, 2], 'every revision of the window, by UpdatedAt');
      assert.deepEqual((await store.read(range(2000, 2000))).nodes.map((n) => n.Revision), [1, 2], 'both revisions at an exact boundary');
      assert.deepEqual((await store.read(range(3001, 9000))).nodes, []);
    });

    it('shows the old MTU of an interface that changed three times', async () => {
      g.at(10_000).graph.addNode({ ID: 'eth0', Metadata: { Name: 'eth0', Type: 'device', MTU: 1500 } });
      await flush();
      for (const [t, mtu] of [[20_000, 9000], [30_000, 1400], [40_000, 1280]] as const) {
        g.at(t).graph.updateNode('eth0', { set: { MTU: mtu } });
        await flush();
      }
      const mtuAt = async (t: number) => (await store.read(point(t))).nodes[0]?.Metadata.MTU;
      assert.equal(await mtuAt(15_000), 1500);
      assert.equal(await mtuAt(25_000), 9000);
      assert.equal(await mtuAt(35_000), 1400);
      assert.equal(await mtuAt(99_000), 1280);
      const all = await store.read(range(0, 99_000));
      assert.deepEqual(all.nodes.map((n) => n.Metadata.MTU), [1500, 9000, 1400, 1280]);
      assert.deepEqual(all.nodes.map((n) => n.UpdatedAt), [10_000, 20_000, 30_000, 40_000]);
      assert.deepEqual((await store.read(range(25_000, 35_000))).nodes.map((n) => n.Metadata.MTU), [9000, 1400]);
    });

    it('shows a namespace only while it existed, with its ownership edge', async () => {
      g.at(1_000).graph.addNode({ ID: 'host', Metadata: { Name: 'h', Type: 'host' } });
      g.at(2_000).graph.addNode({ ID: 'ns', Metadata: { Name: 'ns1', Type: 'netns' } });
      g.graph.addEdge({ ID: 'own', Parent: 'host', Child: 'ns', Metadata: { RelationType: 'ownership' } });
      await flush();
      g.at(5_000).graph.deleteNode('ns');
      await flush();
      assert.deepEqual(revisionsOf(await store.read(point(1_500))), { nodes: ['host@1'], edges: [] });
      const during = await store.read(point(3_000));
      assert.deepEqual(revisionsOf(during), { nodes: ['host@1', 'ns@1'], edges: ['own@1'] });
      assert.deepEqual(during.edges.map((e) => [e.Parent, e.Child, e.Metadata.RelationType]), [['host', 'ns', 'ownership']]);
      assert.deepEqual(revisionsOf(await store.read(point(6_000))), { nodes: ['host@1'], edges: [] });
      assert.deepEqual(revisionsOf(await store.read(range(0, 9_000))), { nodes: ['host@1', 'ns@1'], edges: ['own@1'] });
    });

    it('keeps an edge at revision 1 while its node changes', async () => {
      g.at(1_000).graph.addNode({ ID: 'a', Metadata: { Name: 'a' } });
      g.graph.addNode({ ID: 'b', Metadata: { Name: 'b' } });
      g.graph.addEdge({ ID: 'ab', Parent: 'a', Child: 'b', Metadata: { RelationType: 'layer2' } });
      for (let i = 1; i <= 5; i++) g.at(1_000 + i * 1_000).graph.updateNode('a', { set: { State: `s${i}` } });
      await flush();
      for (let i = 1; i <= 5; i++) {
        const s = await store.read(point(1_500 + i * 1_000));
        assert.deepEqual(revisionsOf(s), { nodes: [`a@${i + 1}`, 'b@1'], edges: ['ab@1'] });
        assert.equal(s.nodes.find((n) => n.ID === 'a')?.Metadata.State, `s${i}`);
      }
      assert.equal((await store.read(range(0, 99_000))).nodes.filter((n) => n.ID === 'a').length, 6);
    });

    it('keeps the Host, Origin, times and nested metadata of each revision', async () => {
      const md = { Name: 'x', Nested: { List: [1, 'two', { three: true }], Empty: {} }, Num: 1.5, Flag: false };
      g.at(1_000).graph.addNode({ ID: 'x', Host: 'hx', Origin: 'publisher.p1', Metadata: md });
      g.at(2_000).graph.updateNode('x', { delete: ['Flag'] });
      await flush();
      const [r1] = (await store.read(point(1_000))).nodes;
      assert.deepEqual(r1, { ID: 'x', Metadata: md, Host: 'hx', Origin: 'publisher.p1', CreatedAt: 1000, UpdatedAt: 1000, DeletedAt: null, Revision: 1 });
      const [r2] = (await store.read(point(2_000))).nodes;
      assert.deepEqual(r2?.Metadata, { Name: 'x', Nested: md.Nested, Num: 1.5 });
      assert.equal(r2?.CreatedAt, 1000);
    });

    it('rebuilds every revision of a long series of updates', async () => {
      g.at(1_000).graph.addNode({ ID: 'if', Metadata: { Name: 'if', Features: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, i % 2 === 0])) } });
      for (let i = 1; i <= 100; i++) {
        g.at(1_000 + i * 10).graph.updateNode('if', i % 17 === 0 ? { delete: ['Extra'] } : { set: { LastUpdateMetric: { RxBytes: i * 100, Start: i, Last: i + 1 }, ...(i % 5 === 0 ? { Extra: i } : {}) } });
      }
      const expected = new Map<number, unknown>();
      for (const ev of g.events) if (ev.type === 'nodeAdded' || ev.type === 'nodeUpdated') expected.set(ev.node.UpdatedAt, ev.node.Metadata);
      for (let i = 0; i < g.events.length; i += 7) await store.append(g.events.slice(i, i + 7));
      g.take();
      const series = await store.read(range(0, 99_999));
      assert.equal(series.nodes.length, expected.size);
      for (const n of series.nodes) assert.deepEqual(n.Metadata, expected.get(n.UpdatedAt), `revision at ${n.UpdatedAt}`);
    });

    it('does not show a deleted element between its incarnations', async () => {
      g.at(1_000).graph.addNode({ ID: 'r', Metadata: { Name: 'r', Gen: 1 } });
      g.at(2_000).graph.deleteNode('r');
      g.at(4_000).graph.addNode({ ID: 'r', Metadata: { Name: 'r', Gen: 2 } });
      await flush();
      const gen = async (t: number) => (await store.read(point(t))).nodes.map((n) => n.Metadata.Gen);
      assert.deepEqual(await gen(1_500), [1]);
      assert.deepEqual(await gen(3_000), []);
      assert.deepEqual(await gen(5_000), [2]);
      assert.deepEqual((await store.read(range(1_500, 5_000))).nodes.map((n) => n.Metadata.Gen), [1, 2]);
    });

    it('stores nothing for a repeated revision and reopens a closed one that comes back', async () => {
      g.at(1_000).graph.addNode({ ID: 'p', Metadata: { Name: 'p' } });
      const [added] = g.take();
      await store.append([added as GraphEvent]);
      await store.append([added as GraphEvent]);
      assert.equal((await store.stats()).nodeRevisions, 1);
      const node = (added as { node: Node }).node;
      await store.append([{ type: 'nodeDeleted', node: { ...node, DeletedAt: 3_000 } }]);
      assert.deepEqual((await store.read(point(4_000))).nodes, []);
      await store.append([added as GraphEvent]);
      assert.equal((await store.stats()).nodeRevisions, 1);
      assert.deepEqual((await store.read(point(4_000))).nodes.map((n) => [n.ID, n.DeletedAt]), [['p', null]]);
      assert.deepEqual((await store.live()).nodes.map((n) => n.ID), ['p']);
    });

    it('lists live elements only, at their newest revision', async () => {
      g.at(1_000).graph.addNode({ ID: 'a', Metadata: { Name: 'a' } });
      g.graph.addNode({ ID: 'b', Metadata: { Name: 'b' } });
      g.graph.addEdge({ ID: 'ab', Parent: 'a', Child: 'b', Metadata: {} });
      g.at(2_000).graph.updateNode('a', { set: { X: 1 } });
      g.at(3_000).graph.deleteNode('b');
      await flush();
      assert.deepEqual(revisionsOf(await store.live()), { nodes: ['a@2'], edges: [] });
    });

    it('refuses a read over more revisions than allowed', async () => {
      g.at(1_000).graph.addNode({ ID: 'a', Metadata: { Name: 'a' } });
      for (let i = 1; i <= 20; i++) g.at(1_000 + i).graph.updateNode('a', { set: { I: i } });
      await flush();
      await assert.rejects(store.read(range(0, 5_000), { maxRevisions: 10 }), codeOf('GRAPH_HISTORY_WINDOW_TOO_LARGE'));
      assert.equal((await store.read(range(0, 5_000), { maxRevisions: 21 })).nodes.length, 21);
      assert.equal((await store.read(point(5_000), { maxRevisions: 1 })).nodes.length, 1);
    });

    it('keeps everything after a close and reopen, and goes on appending', async () => {
      g.at(1_000).graph.addNode({ ID: 'a', Metadata: { Name: 'a', V: 1 } });
      await flush();
      await store.close();
      store = await harness.reopen();
      g.at(2_000).graph.updateNode('a', { set: { V: 2 } });
      await flush();
      assert.deepEqual((await store.read(range(0, 5_000))).nodes.map((n) => n.Metadata.V), [1, 2]);
      assert.equal((await store.stats()).nodeRevisions, 2);
    });

    it('prunes what no instant after the horizon can see, keeping later answers exact', async () => {
      g.at(1_000).graph.addNode({ ID: 'keep', Metadata: { Name: 'keep' } });
      g.graph.addNode({ ID: 'gone', Metadata: { Name: 'gone' } });
      for (let i = 1; i <= 60; i++) g.at(1_000 + i * 100).graph.updateNode('keep', { set: { I: i } });
      g.at(3_000).graph.deleteNode('gone');
      await flush();
      const probes = [7_000, 7_050, 8_000, 9_999];
      const before = await Promise.all(probes.map((t) => store.read(point(t))));
      const windowBefore = await store.read(range(7_000, 20_000));
      const countBefore = (await store.stats()).nodeRevisions;
      const result = await store.prune({ before: 7_000 });
      assert.ok(result.revisions > 0);
      assert.equal((await store.stats()).nodeRevisions, countBefore - result.revisions);
      for (const [i, t] of probes.entries()) assert.deepEqual(await store.read(point(t)), before[i], `At(${t})`);
      assert.deepEqual(await store.read(range(7_000, 20_000)), windowBefore);
      assert.equal((await store.stats()).elements, 1, 'an element deleted before the horizon is forgotten');
      assert.deepEqual(await store.prune({ before: 7_000 }).then((r) => r.revisions), 0);
    });

    for (const [how, together] of [['in one append', true], ['in separate appends', false]] as const) {
      it(`does not show a pruned incarnation between its deletion and a re-add (${how})`, async () => {
        // Metadata big enough for the updates to be stored as deltas, over several keyframes.
        const big = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'.repeat(20)]));
        g.at(1_000).graph.addNode({ ID: 'x', Metadata: { Name: 'x', ...big } });
        g.graph.addNode({ ID: 'other', Metadata: { Name: 'other' } });
        for (let i = 1; i <= 80; i++) g.at(1_000 + i * 10).graph.updateNode('x', { set: { I: i } });
        g.at(3_000).graph.deleteNode('x');
        if (!together) await store.append(g.take());
        g.at(9_000).graph.addNode({ ID: 'x', Metadata: { Name: 'x', Gen: 2 } });
        await store.append(g.take());
        const result = await store.prune({ before: 7_000 });
        assert.ok(result.revisions >= 80, `pruned ${result.revisions} revisions`);
        assert.deepEqual((await store.read(point(8_000))).nodes.map((n) => n.ID), ['other']);
        assert.deepEqual((await store.read(range(7_000, 8_500))).nodes.map((n) => n.ID), ['other']);
        const later = (await store.read(point(9_000))).nodes.map((n) => [n.ID, n.Metadata.Gen ?? null]);
        assert.deepEqual(later.sort(), [['other', null], ['x', 2]]);
        assert.equal((await store.prune({ before: 7_000 })).revisions, 0);
      });
    }

    it('prunes the oldest history to fit a size', async () => {
      g.at(1_000).graph.addNode({ ID: 'a', Metadata: { Name: 'a', Blob: 'x'.repeat(2_000) } });
      for (let i = 1; i <= 300; i++) g.at(1_000 + i * 10).graph.updateNode('a', { set: { Blob: `${i}`.repeat(2_000 / `${i}`.length) } });
      await flush();
      const full = await store.stats();
      const result = await store.prune({ maxBytes: Math.floor(full.bytes / 2) });
      assert.ok(result.revisions > 0 && result.horizon > 1_000);
      const after = await store.stats();
      assert.ok(after.nodeRevisions < full.nodeRevisions);
      assert.deepEqual((await store.read(point(99_999))).nodes.map((n) => n.Revision), [301]);
    });

    it('appends in order whatever the batch sizes, concurrently', async () => {
      g.at(1_000).graph.addNode({ ID: 'a', Metadata: { Name: 'a', V: 0 } });
      for (let i = 1; i <= 50; i++) g.at(1_000 + i).graph.updateNode('a', { set: { V: i } });
      const events = g.take();
      await Promise.all([store.append(events.slice(0, 10)), store.append(events.slice(10, 11)), store.append(events.slice(11))]);
      assert.deepEqual((await store.read(range(0, 5_000))).nodes.map((n) => n.Metadata.V), Array.from({ length: 51 }, (_, i) => i));
    });

    it('stores edges with their endpoints and deletes them with their node', async () => {
      g.at(1_000).graph.addNode({ ID: 'a', Metadata: {} });
      g.graph.addNode({ ID: 'b', Metadata: {} });
      g.graph.addEdge({ ID: 'e', Parent: 'a', Child: 'b', Metadata: { RelationType: 'layer2' } });
      g.at(2_000).graph.updateEdge('e', { set: { Weight: 3 } });
      g.at(3_000).graph.deleteNode('b');
      await flush();
      const e2 = (await store.read(point(2_500))).edges;
      assert.deepEqual(e2.map((e: Edge) => [e.ID, e.Parent, e.Child, e.Revision, e.Metadata.Weight]), [['e', 'a', 'b', 2, 3]]);
      assert.deepEqual((await store.read(point(3_500))).edges, []);
      assert.equal((await store.stats()).edgeRevisions, 2);
    });

    describeHistoryRandom(() => store);
  });
}
