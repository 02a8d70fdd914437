// Updates posted to the writer thread as ops: when they are, how they are rebuilt, and when a batch must come whole.
import { strict as assert } from 'node:assert';
import v8 from 'node:v8';
import { RecordedGraph } from '../../conformance/history-conformance.js';
import type { GraphEvent } from '../../events.js';
import { WireDecoder, WireEncoder, type WireEvent, WireResyncNeeded } from './event-wire.js';

/** What crosses the thread boundary: a structured clone. */
const post = (w: WireEvent[]): WireEvent[] => v8.deserialize(v8.serialize(w)) as WireEvent[];
const strip = (evs: readonly GraphEvent[]) => evs.map((e) => ({ ...e }));

describe('history writer wire', () => {
  it('posts an update as ops when its previous revision was posted, and rebuilds the same events', () => {
    const g = new RecordedGraph();
    g.at(1_000).graph.addNode({ ID: 'a', Metadata: { Name: 'a', Features: { tso: true }, V: 0 } });
    g.graph.addNode({ ID: 'b', Metadata: { Name: 'b' } });
    g.graph.addEdge({ ID: 'ab', Parent: 'a', Child: 'b', Metadata: {} });
    g.at(2_000).graph.updateNode('a', { set: { V: 1 } });
    g.graph.updateEdge('ab', { set: { W: 1 } });
    g.at(3_000).graph.updateNode('a', { set: { 'Features.gso': false }, delete: ['V'] });
    g.graph.deleteNode('b');
    const events = g.take();
    const enc = new WireEncoder();
    const dec = new WireDecoder();
    const wire = enc.encode(events);
    assert.deepEqual(wire.map((w) => Array.isArray(w)), [false, false, false, true, true, true, false, false]);
    assert.deepEqual(strip(dec.decode(post(wire))), strip(events));
    assert.equal(dec.size, 1, 'the deleted node and its edge are forgotten');
  });

  it('posts the update whole when a revision was skipped or the element came back', () => {
    const g = new RecordedGraph();
    g.at(1_000).graph.addNode({ ID: 'a', Metadata: { V: 0 } });
    const enc = new WireEncoder();
    enc.encode(g.take());
    g.at(2_000).graph.updateNode('a', { set: { V: 1 } });
    g.take();
    g.at(3_000).graph.updateNode('a', { set: { V: 2 } });
    assert.equal(Array.isArray(enc.encode(g.take())[0]), false, 'revision 2 was never posted');
    g.at(4_000).graph.updateNode('a', { set: { V: 3 } });
    assert.equal(Array.isArray(enc.encode(g.take())[0]), true);
    enc.reset();
    g.at(5_000).graph.updateNode('a', { set: { V: 4 } });
    assert.equal(Array.isArray(enc.encode(g.take())[0]), false, 'nothing is assumed after a reset');
  });

  it('asks for the whole batch when it does not hold the revision an update follows', () => {
    const g = new RecordedGraph();
    g.at(1_000).graph.addNode({ ID: 'a', Metadata: { V: 0 } });
    g.graph.addNode({ ID: 'b', Metadata: { V: 0 } });
    const enc = new WireEncoder();
    const dec = new WireDecoder();
    dec.decode(post(enc.encode(g.take())));
    dec.reset();
    g.at(2_000).graph.updateNode('a', { set: { V: 1 } });
    assert.throws(() => dec.decode(post(enc.encode(g.take()))), WireResyncNeeded);
    assert.equal(dec.size, 0);
  });
});
