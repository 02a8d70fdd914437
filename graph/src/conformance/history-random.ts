// The randomized part of the history conformance suite: a random event stream is appended in random batches,
// then every point read must equal the graph as it was, and every window must hold exactly the revisions a
// brute-force replay of the reference visibility rule finds.
import { strict as assert } from 'node:assert';
import { Prng } from '@topoflow/common/testing';
import type { GraphEvent } from '../events.js';
import type { HistoryStore } from '../history/store.js';
import type { Edge, Node } from '../model.js';
import { RecordedGraph } from './history-conformance.js';

interface Interval {
  key: string;
  updatedAt: number;
  archivedAt: number | null;
}

const comparable = (e: Node | Edge, t: number) => {
  assert.ok(e.DeletedAt === null || e.DeletedAt >= t, `${e.ID} deleted at ${e.DeletedAt} shown at ${t}`);
  return { ...e, DeletedAt: null };
};
const byId = (a: Node, b: Node) => (a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0);

/** Validity intervals of every revision in an event log (what the reference's archive would hold). */
function intervals(events: readonly GraphEvent[]): Interval[] {
  const out: Interval[] = [];
  const open = new Map<string, Interval>();
  for (const ev of events) {
    const el = 'node' in ev ? ev.node : ev.edge;
    const id = `${ev.type.startsWith('node') ? 'n' : 'e'}:${el.ID}`;
    const prev = open.get(id);
    if (ev.type.endsWith('Deleted')) {
      if (prev) prev.archivedAt = el.DeletedAt;
      open.delete(id);
      continue;
    }
    if (prev) prev.archivedAt = el.UpdatedAt;
    const iv = { key: `${el.ID}@${el.Revision}@${el.UpdatedAt}`, updatedAt: el.UpdatedAt, archivedAt: null };
    out.push(iv);
    open.set(id, iv);
  }
  return out;
}

/** Registers the random-stream test against the store of the enclosing suite. */
export function describeHistoryRandom(getStore: () => HistoryStore): void {
  it('answers every instant and window of a random event stream like a replay', async () => {
    const rnd = new Prng(20261121);
    const g = new RecordedGraph();
    const snapshots = new Map<number, { nodes: Node[]; edges: Edge[] }>();
    const ids = Array.from({ length: 25 }, (_, i) => `n${i}`);
    let t = 10_000;
    for (let step = 0; step < 400; step++) {
      g.at(t);
      for (let k = 1 + rnd.int(3); k > 0; k--) {
        const id = ids[rnd.int(ids.length)] as string;
        const other = ids[rnd.int(ids.length)] as string;
        const node = g.graph.getNode(id);
        const r = rnd.int(10);
        if (node === undefined) g.graph.addNode({ ID: id, Metadata: { Name: id, Type: 'device', MTU: 1500 } });
        else if (r < 5) g.graph.updateNode(id, { set: { MTU: 1000 + rnd.int(9000), [`K${rnd.int(4)}`]: rnd.int(3) } });
        else if (r < 6) g.graph.deleteNode(id);
        else if (r < 8 && g.graph.getNode(other) && other !== id && !g.graph.getEdge(`${id}-${other}`)) {
          g.graph.addEdge({ ID: `${id}-${other}`, Parent: id, Child: other, Metadata: { RelationType: 'layer2' } });
        } else {
          const edge = [...g.graph.outEdges(id)][0];
          if (edge && r === 8) g.graph.updateEdge(edge.ID, { set: { W: rnd.int(100) } });
          else if (edge) g.graph.deleteEdge(edge.ID);
        }
      }
      if (step % 20 === 7) {
        const j = g.graph.toJSON();
        snapshots.set(t + 5, { nodes: [...j.Nodes].sort(byId), edges: [...j.Edges].sort(byId) });
      }
      t += 10;
    }
    const events = g.take();
    const store = getStore();
    for (let i = 0; i < events.length;) {
      const n = 1 + rnd.int(60);
      await store.append(events.slice(i, i + n));
      i += n;
    }
    for (const [at, expected] of snapshots) {
      const s = await store.read({ start: at, end: at, point: true });
      assert.deepEqual(s.nodes.map((n) => comparable(n, at)).sort(byId), expected.nodes, `nodes at ${at}`);
      assert.deepEqual(s.edges.map((e) => comparable(e, at)).sort(byId), expected.edges, `edges at ${at}`);
    }
    const all = intervals(events);
    for (let w = 0; w < 25; w++) {
      const start = 10_000 + rnd.int(4_000);
      const end = start + rnd.int(300);
      const want = all.filter((iv) => iv.updatedAt <= end && (iv.archivedAt === null || iv.archivedAt >= start)).map((iv) => iv.key).sort();
      const s = await store.read({ start, end, point: false });
      const got = [...s.nodes, ...s.edges].map((e) => `${e.ID}@${e.Revision}@${e.UpdatedAt}`).sort();
      assert.deepEqual(got, want, `window [${start}, ${end}]`);
      const times = s.nodes.map((n) => n.UpdatedAt);
      assert.deepEqual(times, [...times].sort((a, b) => a - b), 'a window lists revisions by UpdatedAt');
    }
  });
}
