// Replication part of the conformance suite: apply() is idempotent and replaying events reproduces a graph.
import { strict as assert } from 'node:assert';
import { type ManualClock, Prng } from '@topoflow/common/testing';
import type { GraphEvent } from '../events.js';
import type { Graph } from '../graph.js';
import type { GraphFactory } from './graph-conformance.js';

function sorted(g: Graph): unknown {
  const j = g.toJSON();
  return { Nodes: [...j.Nodes].sort((a, b) => a.ID.localeCompare(b.ID)), Edges: [...j.Edges].sort((a, b) => a.ID.localeCompare(b.ID)) };
}

/** Random mutations on `g`, recorded as events. */
function mutate(g: Graph, clock: ManualClock, steps: number, seed: number): GraphEvent[] {
  const prng = new Prng(seed);
  const rnd = (): number => prng.next();
  const events: GraphEvent[] = [];
  g.onAny((e) => events.push(e));
  const ids = () => [...g.nodes()].map((n) => n.ID);
  for (let i = 0; i < steps; i++) {
    clock.advance(1);
    const all = ids();
    const pick = () => all[Math.floor(rnd() * all.length)] as string;
    const r = rnd();
    if (r < 0.3 || all.length < 3) g.addNode({ ID: `n${i}`, Metadata: { Name: `n${i}`, Type: 'device', MTU: 1500 } });
    else if (r < 0.5) {
      const p = pick();
      const c = pick();
      if (!g.getEdge(`e${p}-${c}`)) g.addEdge({ ID: `e${p}-${c}`, Parent: p, Child: c, Metadata: { RelationType: 'layer2' } });
    } else if (r < 0.8) g.updateNode(pick(), { set: { MTU: Math.floor(rnd() * 3) * 1500, 'Stats.Rx': i } });
    else if (r < 0.9) g.updateNode(pick(), { delete: ['Stats'] });
    else g.deleteNode(pick());
  }
  return events;
}

/** Registers the replication tests inside the conformance suite. */
export function describeReplication(current: () => { g: Graph; clock: ManualClock }, factory: GraphFactory): void {
  describe('replication', () => {
    it('reproduces a graph from its event stream, and applying it twice changes nothing', () => {
      const { g, clock } = current();
      const events = mutate(g, clock, 600, 42);
      const copy = factory({}, clock);
      for (const e of events) {
        assert.equal(copy.apply(e), 'applied');
        assert.equal(copy.apply(e), 'ignored', `second apply of ${e.type}`);
      }
      assert.deepEqual(sorted(copy), sorted(g));
      for (const e of events) copy.apply(e);
      assert.deepEqual(sorted(copy), sorted(g), 'replaying the whole stream again ends in the same state');
    });

    it('ignores stale revisions and applies newer full updates', () => {
      const { g } = current();
      const n1 = g.addNode({ ID: 'a', Metadata: { MTU: 1 } });
      const n2 = g.updateNode('a', { set: { MTU: 2 } });
      assert.ok(n2);
      const copy = factory({}, current().clock);
      copy.apply({ type: 'nodeAdded', node: n2 });
      assert.equal(copy.apply({ type: 'nodeUpdated', node: n1, ops: [] }), 'ignored');
      assert.equal(copy.getNode('a')?.Metadata.MTU, 2);
      const n5 = { ...n2, Revision: 5, Metadata: { MTU: 5 } };
      assert.equal(copy.apply({ type: 'nodeAdded', node: n5 }), 'applied');
      assert.equal(copy.getNode('a')?.Revision, 5);
    });

    it('applies partial updates on top of the current revision', () => {
      const { g } = current();
      g.addNode({ ID: 'a', Metadata: { Name: 'a', State: 'UP', Speed: 10 } });
      const events: GraphEvent[] = [];
      g.onAny((e) => events.push(e));
      const ops = [{ Type: 1 as const, Key: 'State', Value: 'DOWN' }, { Type: 2 as const, Key: 'Speed' }];
      assert.equal(g.apply({ type: 'nodePartiallyUpdated', ID: 'a', UpdatedAt: 99, Revision: 2, Ops: ops }), 'applied');
      assert.deepEqual(g.getNode('a')?.Metadata, { Name: 'a', State: 'DOWN' });
      assert.equal(g.getNode('a')?.UpdatedAt, 99);
      assert.deepEqual(events.map((e) => e.type), ['nodeUpdated']);
      assert.equal(g.apply({ type: 'nodePartiallyUpdated', ID: 'a', UpdatedAt: 99, Revision: 2, Ops: ops }), 'ignored');
      assert.equal(g.apply({ type: 'nodePartiallyUpdated', ID: 'zz', UpdatedAt: 99, Revision: 2, Ops: ops }), 'ignored');
    });

    it('ignores edges whose endpoints are unknown and deletions of unknown elements', () => {
      const { g } = current();
      const e = { ID: 'e', Parent: 'p', Child: 'c', Metadata: {}, Host: '', Origin: '', CreatedAt: 1, UpdatedAt: 1, DeletedAt: null, Revision: 1 };
      assert.equal(g.apply({ type: 'edgeAdded', edge: e }), 'ignored');
      assert.equal(g.apply({ type: 'edgeDeleted', edge: e }), 'ignored');
      assert.equal(g.apply({ type: 'nodeDeleted', node: e }), 'ignored');
    });
  });
}
