// The per-element and re-run bookkeeping of a filtered subscriber, driven by a real memory graph.
import assert from 'node:assert/strict';
import { type GraphEvent, MemoryGraph } from '@topoflow/graph';
import { EventMessages } from './messages.js';
import { type PendingUpdate, SubGraph, recordPending } from './sub-graph.js';

const decode = (texts: string[]): string[] => texts.map((t) => {
  const m = JSON.parse(t) as { Type: string; Obj: { ID: string } };
  return `${m.Type}:${m.Obj.ID}`;
});

describe('SubGraph', () => {
  const filter = {
    node: (n: { Metadata: Record<string, unknown> }) => n.Metadata.In === true,
    edge: (e: { Metadata: Record<string, unknown> }) => e.Metadata.Hidden !== true,
  };

  function setup(): { graph: MemoryGraph; sub: SubGraph; sent: string[] } {
    const graph = new MemoryGraph();
    const sub = new SubGraph();
    const sent: string[] = [];
    graph.onAny((ev: GraphEvent) => sub.applyEvent(new EventMessages(ev), filter, graph, 'full', (t) => sent.push(t)));
    return { graph, sub, sent };
  }

  it('adds a self-loop once and removes it once', () => {
    const { graph, sub, sent } = setup();
    graph.addNode({ ID: 'a', Metadata: { In: false } });
    graph.addEdge({ ID: 'loop', Parent: 'a', Child: 'a', Metadata: {} });
    graph.updateNode('a', { set: { In: true } });
    graph.updateNode('a', { set: { In: false } });
    assert.deepEqual(decode(sent), ['NodeAdded:a', 'EdgeAdded:loop', 'EdgeDeleted:loop', 'NodeDeleted:a']);
    assert.equal(sub.nodes.size + sub.edges.size, 0);
  });

  it('moves an edge in and out of the view when its own metadata changes', () => {
    const { graph, sent } = setup();
    graph.addNode({ ID: 'a', Metadata: { In: true } });
    graph.addNode({ ID: 'b', Metadata: { In: true } });
    graph.addEdge({ ID: 'e', Parent: 'a', Child: 'b', Metadata: { Hidden: true } });
    graph.updateEdge('e', { delete: ['Hidden'] });
    graph.updateEdge('e', { set: { Speed: 1 } });
    graph.updateEdge('e', { set: { Hidden: true } });
    graph.deleteEdge('e');
    assert.deepEqual(decode(sent), ['NodeAdded:a', 'NodeAdded:b', 'EdgeAdded:e', 'EdgeUpdated:e', 'EdgeDeleted:e']);
  });

  it('merges pending updates per element and forgets deleted ones', () => {
    const graph = new MemoryGraph();
    const pending = new Map<string, PendingUpdate>();
    graph.onAny((ev) => recordPending(pending, new EventMessages(ev)));
    graph.addNode({ ID: 'a', Metadata: {} });
    graph.addNode({ ID: 'b', Metadata: {} });
    graph.updateNode('a', { set: { X: 1 } });
    graph.updateNode('b', { set: { X: 1 } });
    graph.updateNode('a', { set: { Y: 2 } });
    graph.deleteNode('b');
    assert.deepEqual([...pending.keys()], ['n:a']);
    assert.deepEqual(pending.get('n:a')?.ops.map((o) => o.Key), ['X', 'Y']);
    assert.equal(pending.get('n:a')?.element.Revision, 3);
  });
});
