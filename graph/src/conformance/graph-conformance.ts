// The behaviour every live graph implementation must show; run it with describeGraphConformance(name, factory).
import { strict as assert } from 'node:assert';
import { ManualClock } from '@topoflow/common/testing';
import type { GraphEvent } from '../events.js';
import type { Graph } from '../graph.js';
import type { MemoryGraphConfig } from '../memory/settings.js';
import type { Edge, Node } from '../model.js';
import { describeReplication } from './replication-conformance.js';

/** Makes a fresh, empty graph for one test. */
export type GraphFactory = (config: Partial<MemoryGraphConfig>, clock: ManualClock) => Graph;

/** Records events of a graph. */
export function recordEvents(g: Graph): GraphEvent[] {
  const events: GraphEvent[] = [];
  g.onAny((e) => events.push(e));
  return events;
}

const codeOf = (code: string) => (err: unknown) => (err as { code?: string }).code === code;

/** Registers the conformance suite for one implementation. */
export function describeGraphConformance(name: string, factory: GraphFactory): void {
  describe(`graph conformance: ${name}`, () => {
    let clock: ManualClock;
    let g: Graph;
    beforeEach(() => {
      clock = new ManualClock(1_000);
      g = factory({ host: 'h1', origin: 'agent.h1' }, clock);
    });

    const node = (id: string, md: Record<string, unknown> = {}): Node => g.addNode({ ID: id, Metadata: { Name: id, Type: 'device', ...md } });
    const edge = (id: string, p: string, c: string, rel = 'ownership'): Edge =>
      g.addEdge({ ID: id, Parent: p, Child: c, Metadata: { RelationType: rel } });

    describe('creating', () => {
      it('fills host, origin, times and revision 1, and emits nodeAdded', () => {
        const events = recordEvents(g);
        const n = node('n1');
        assert.deepEqual(n, { ID: 'n1', Metadata: { Name: 'n1', Type: 'device' }, Host: 'h1', Origin: 'agent.h1', CreatedAt: 1000, UpdatedAt: 1000, DeletedAt: null, Revision: 1 });
        assert.deepEqual(events, [{ type: 'nodeAdded', node: n }]);
        assert.equal(g.getNode('n1'), n);
        assert.equal(g.nodeCount, 1);
      });

      it('refuses a duplicate ID with GRAPH_CONFLICT', () => {
        node('n1');
        assert.throws(() => node('n1'), codeOf('GRAPH_CONFLICT'));
      });

      it('refuses an edge whose endpoint is unknown', () => {
        node('a');
        assert.throws(() => edge('e', 'a', 'zz'), codeOf('GRAPH_ENDPOINT_NOT_FOUND'));
        assert.equal(g.edgeCount, 0);
      });

      it('links edges into both endpoints', () => {
        node('a'); node('b'); node('c');
        const e1 = edge('e1', 'a', 'b');
        const e2 = edge('e2', 'c', 'a', 'layer2');
        assert.deepEqual(g.outEdges('a'), [e1]);
        assert.deepEqual(g.inEdges('a'), [e2]);
        assert.deepEqual(g.inEdges('b'), [e1]);
        assert.deepEqual(g.outEdges('zz'), []);
      });
    });

    describe('updating', () => {
      it('sets a dotted key as a new revision with one op', () => {
        const before = node('n1');
        const events = recordEvents(g);
        clock.advance(5);
        const after = g.updateNode('n1', { set: { 'Ovs.Metric.RxBytes': 10 } });
        assert.ok(after);
        assert.equal(after.Revision, 2);
        assert.equal(after.UpdatedAt, 1005);
        assert.deepEqual(after.Metadata, { Name: 'n1', Type: 'device', Ovs: { Metric: { RxBytes: 10 } } });
        assert.deepEqual(before.Metadata, { Name: 'n1', Type: 'device' }, 'old revision unchanged');
        assert.deepEqual(events, [{ type: 'nodeUpdated', node: after, ops: [{ Type: 1, Key: 'Ovs.Metric.RxBytes', Value: 10 }] }]);
      });

      it('makes no revision and no event when nothing changes', () => {
        node('n1', { MTU: 1500, Tags: ['a'] });
        const events = recordEvents(g);
        assert.equal(g.updateNode('n1', { set: { MTU: 1500, Tags: ['a'] } }), undefined);
        assert.equal(g.updateNode('n1', { delete: ['Absent.Key'] }), undefined);
        assert.equal(g.updateNode('n1', { replace: { Name: 'n1', Type: 'device', MTU: 1500, Tags: ['a'] } }), undefined);
        assert.equal(g.getNode('n1')?.Revision, 1);
        assert.deepEqual(events, []);
      });

      it('deletes a nested key and the parents it leaves empty', () => {
        node('n1', { Ovs: { Metric: { RxBytes: 1 } } });
        const after = g.updateNode('n1', { delete: ['Ovs.Metric.RxBytes'] });
        assert.deepEqual(after?.Metadata, { Name: 'n1', Type: 'device' });
      });

      it('replaces all metadata with the ops that describe the difference', () => {
        node('n1', { MTU: 1500, State: 'UP' });
        const events = recordEvents(g);
        g.updateNode('n1', { replace: { Name: 'n1', Type: 'device', MTU: 9000 } });
        const ev = events[0];
        assert.ok(ev && ev.type === 'nodeUpdated');
        assert.deepEqual(ev.ops, [{ Type: 2, Key: 'State' }, { Type: 1, Key: 'MTU', Value: 9000 }]);
      });

      it('updates edges the same way', () => {
        node('a'); node('b'); edge('e', 'a', 'b');
        const e = g.updateEdge('e', { set: { Type: 'patch' } });
        assert.equal(e?.Revision, 2);
        assert.equal(g.getEdge('e')?.Metadata.Type, 'patch');
      });

      it('reports unknown IDs', () => {
        assert.throws(() => g.updateNode('x', { set: { a: 1 } }), codeOf('GRAPH_NODE_NOT_FOUND'));
        assert.throws(() => g.updateEdge('x', { set: { a: 1 } }), codeOf('GRAPH_EDGE_NOT_FOUND'));
      });
    });

    describe('deleting', () => {
      it('deletes the edges of a node before the node, stamping DeletedAt', () => {
        node('a'); node('b'); node('c');
        edge('e1', 'a', 'b'); edge('e2', 'c', 'a');
        const events = recordEvents(g);
        clock.advance(10);
        const n = g.deleteNode('a');
        assert.equal(n.DeletedAt, 1010);
        assert.deepEqual(events.map((e) => e.type), ['edgeDeleted', 'edgeDeleted', 'nodeDeleted']);
        assert.ok(events.every((e) => (e.type === 'nodeDeleted' ? e.node : (e as { edge: Edge }).edge).DeletedAt === 1010));
        assert.equal(g.edgeCount, 0);
        assert.deepEqual(g.outEdges('c'), []);
        assert.equal(g.getNode('a'), undefined);
      });

      it('deletes everything of an origin, including its edges between foreign nodes', () => {
        g.addNode({ ID: 'x1', Origin: 'o1' });
        g.addNode({ ID: 'x2', Origin: 'o1' });
        g.addNode({ ID: 'y', Origin: 'o2' });
        g.addNode({ ID: 'z', Origin: 'o2' });
        g.addEdge({ ID: 'e1', Parent: 'x1', Child: 'y', Origin: 'o2' });
        g.addEdge({ ID: 'e2', Parent: 'y', Child: 'z', Origin: 'o1' });
        g.addEdge({ ID: 'e3', Parent: 'y', Child: 'z', Origin: 'o2' });
        const r = g.deleteOrigin('o1');
        assert.deepEqual(r, { nodes: 2, edges: 2 });
        assert.deepEqual([...g.nodes()].map((n) => n.ID).sort(), ['y', 'z']);
        assert.deepEqual([...g.edges()].map((e) => e.ID), ['e3']);
      });
    });

    describe('indexes', () => {
      it('finds nodes by indexed value, following updates and deletes', () => {
        node('a', { MAC: 'm1', IPV4: ['10.0.0.1/24', '10.0.0.2/24'], MTU: 1500 });
        node('b', { MAC: 'm2' });
        assert.deepEqual(g.lookupNodes('MAC', 'm1')?.map((n) => n.ID), ['a']);
        assert.deepEqual(g.lookupNodes('IPV4', '10.0.0.2/24')?.map((n) => n.ID), ['a']);
        g.updateNode('a', { set: { MAC: 'm3' } });
        assert.deepEqual(g.lookupNodes('MAC', 'm1'), []);
        assert.deepEqual(g.lookupNodes('MAC', 'm3')?.map((n) => n.ID), ['a']);
        assert.deepEqual(g.lookupNodes('Type', 'device')?.map((n) => n.ID).sort(), ['a', 'b']);
        g.deleteNode('b');
        assert.deepEqual(g.lookupNodes('Type', 'device')?.map((n) => n.ID), ['a']);
        assert.equal(g.lookupNodes('MTU', 1500), undefined, 'MTU is not indexed by default');
      });

      it('matches numbers as integers and keeps strings distinct from numbers', () => {
        g = factory({ nodeIndexes: ['Speed'] }, clock);
        g.addNode({ ID: 'a', Metadata: { Speed: 1000 } });
        g.addNode({ ID: 'b', Metadata: { Speed: '1000' } });
        assert.deepEqual(g.lookupNodes('Speed', 1000.9)?.map((n) => n.ID), ['a']);
        assert.deepEqual(g.lookupNodes('Speed', '1000')?.map((n) => n.ID), ['b']);
      });

      it('keeps nested and prefixed index keys right whatever key form an update uses', () => {
        g = factory({ nodeIndexes: ['Captures.ID', 'Name'] }, clock);
        g.addNode({ ID: 'a', Metadata: { Name: 'x', Captures: [{ ID: 'c1' }] } });
        g.updateNode('a', { set: { Captures: [{ ID: 'c2' }] } });
        g.updateNode('a', { set: { 'Metadata.Name': 'y', Other: 1 } });
        assert.deepEqual(g.lookupNodes('Captures.ID', 'c1'), []);
        assert.deepEqual(g.lookupNodes('Captures.ID', 'c2')?.map((n) => n.ID), ['a']);
        assert.deepEqual(g.lookupNodes('Name', 'x'), []);
        assert.deepEqual(g.lookupNodes('Name', 'y')?.map((n) => n.ID), ['a']);
        g.apply({ type: 'nodeUpdated', node: { ...(g.getNode('a') as Node), Revision: 9, Metadata: { Name: 'z' } }, ops: [] });
        assert.deepEqual(g.lookupNodes('Name', 'z')?.map((n) => n.ID), ['a'], 'non-contiguous revision: diffed');
        assert.deepEqual(g.lookupNodes('Captures.ID', 'c2'), []);
      });

      it('indexes dotted keys and pseudo-fields', () => {
        g = factory({ nodeIndexes: ['Captures.ID', '@Host'], edgeIndexes: ['RelationType'] }, clock);
        g.addNode({ ID: 'a', Host: 'hA', Metadata: { Captures: [{ ID: 'c1' }, { ID: 'c2' }] } });
        g.addNode({ ID: 'b', Host: 'hB' });
        g.addEdge({ ID: 'e', Parent: 'a', Child: 'b', Metadata: { RelationType: 'layer2' } });
        assert.deepEqual(g.lookupNodes('Captures.ID', 'c2')?.map((n) => n.ID), ['a']);
        assert.deepEqual(g.lookupNodes('@Host', 'hB')?.map((n) => n.ID), ['b']);
        assert.deepEqual(g.lookupEdges('RelationType', 'layer2')?.map((e) => e.ID), ['e']);
      });
    });

    describe('events', () => {
      it('delivers events raised by a listener after the current one, in order', () => {
        node('a');
        const seen: string[] = [];
        g.onAny((e) => {
          seen.push(`${e.type}:${e.type.startsWith('node') ? (e as { node: Node }).node.ID : (e as { edge: Edge }).edge.ID}`);
          if (e.type === 'nodeAdded' && e.node.ID === 'b') g.addEdge({ ID: 'ab', Parent: 'a', Child: 'b' });
        });
        g.onAny((e) => seen.push(`second:${e.type}`));
        node('b');
        assert.deepEqual(seen, ['nodeAdded:b', 'second:nodeAdded', 'edgeAdded:ab', 'second:edgeAdded']);
      });

      it('keeps delivering when a listener throws', () => {
        const got: string[] = [];
        g.onAny(() => {
          throw new Error('boom');
        });
        g.onAny((e) => got.push(e.type));
        node('a');
        assert.deepEqual(got, ['nodeAdded']);
      });

      it('stops delivering after unsubscribe and filters by type', () => {
        const adds: string[] = [];
        const off = g.on('nodeAdded', (e) => adds.push(e.node.ID));
        node('a');
        g.updateNode('a', { set: { x: 1 } });
        off();
        node('b');
        assert.deepEqual(adds, ['a']);
      });

      it('counts every mutation in the graph revision', () => {
        const r0 = g.revision;
        node('a'); node('b'); edge('e', 'a', 'b');
        g.updateNode('a', { set: { x: 1 } });
        g.updateNode('a', { set: { x: 1 } });
        g.deleteNode('a');
        assert.equal(g.revision - r0, 6);
      });
    });

    describeReplication(() => ({ g, clock }), factory);
  });
}
