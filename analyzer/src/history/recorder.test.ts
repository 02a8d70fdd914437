import { strict as assert } from 'node:assert';
import { silentReporter } from '@topoflow/common';
import type { GraphEvent, Node } from '@topoflow/graph';
import type { HistoryStore } from '@topoflow/graph/history';
import { HistoryRecorder } from './recorder.js';

/** A store that records appends and fails while `failing` is set. */
class FakeStore {
  readonly batches: GraphEvent[][] = [];
  failing = false;
  delayMs = 0;
  readonly backend = 'fake';

  async append(events: readonly GraphEvent[]): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failing) throw new Error('disk full');
    this.batches.push([...events]);
  }

  get stored(): number[] {
    return this.batches.flat().map((e) => ('node' in e ? e.node.Revision : -1));
  }
}

const ev = (rev: number): GraphEvent => ({
  type: 'nodeUpdated', ops: [{ Type: 1, Key: 'R', Value: rev }],
  node: { ID: 'n', Metadata: { R: rev }, Host: 'h', Origin: 'o', CreatedAt: 0, UpdatedAt: rev, DeletedAt: null, Revision: rev } as Node,
});
const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('history recorder', () => {
  let store: FakeStore;
  let rec: HistoryRecorder;
  const make = (config: Partial<{ batchSize: number; queueSize: number; retryMs: number }> = {}) => {
    store = new FakeStore();
    rec = new HistoryRecorder({ batchSize: 100, queueSize: 1000, retryMs: 10, ...config }, { reporter: silentReporter().child('history') });
    rec.setStore(store as unknown as HistoryStore);
  };
  afterEach(() => rec.stop());

  it('stores events in order, in batches no larger than batchSize', async () => {
    make({ batchSize: 7 });
    for (let i = 1; i <= 50; i++) rec.record(ev(i));
    await rec.durable(1000);
    assert.deepEqual(store.stored, Array.from({ length: 50 }, (_, i) => i + 1));
    assert.ok(store.batches.every((b) => b.length <= 7));
  });

  it('groups a burst that arrives during a write into the next batch', async () => {
    make();
    store.delayMs = 30;
    rec.record(ev(1));
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 2; i <= 40; i++) rec.record(ev(i));
    await rec.durable(2000);
    assert.ok(store.batches.length <= 3, `${store.batches.length} batches`);
    assert.deepEqual(store.stored, Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('keeps a failed batch and retries it until the store recovers, in order', async () => {
    make({ batchSize: 5 });
    store.failing = true;
    for (let i = 1; i <= 12; i++) rec.record(ev(i));
    await until(() => rec.lastError !== undefined);
    assert.equal(store.batches.length, 0);
    const acked = rec.durable(3000);
    store.failing = false;
    await acked;
    assert.deepEqual(store.stored, Array.from({ length: 12 }, (_, i) => i + 1));
    assert.equal(rec.lastError, undefined);
  });

  it('rejects a durability wait that outlasts its timeout with GRAPH_HISTORY_WRITE_FAILED', async () => {
    make();
    store.failing = true;
    rec.record(ev(1));
    await assert.rejects(rec.durable(50), (err: unknown) => (err as { code?: string }).code === 'GRAPH_HISTORY_WRITE_FAILED');
  });

  it('drops and counts events beyond the queue size', async () => {
    make({ queueSize: 10 });
    store.failing = true;
    for (let i = 1; i <= 25; i++) rec.record(ev(i));
    assert.equal(rec.pending, 10);
    store.failing = false;
    await rec.durable(3000);
    assert.deepEqual(store.stored, Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it('holds events until a store is set', async () => {
    store = new FakeStore();
    rec = new HistoryRecorder({ batchSize: 100, queueSize: 1000, retryMs: 10 }, { reporter: silentReporter().child('history') });
    rec.record(ev(1));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(rec.pending, 1);
    rec.setStore(store as unknown as HistoryStore);
    await rec.durable(1000);
    assert.deepEqual(store.stored, [1]);
  });

  it('writes what is queued when stopped', async () => {
    make();
    for (let i = 1; i <= 5; i++) rec.record(ev(i));
    await rec.stop();
    assert.deepEqual(store.stored, [1, 2, 3, 4, 5]);
    rec.record(ev(6));
    assert.equal(rec.pending, 0);
  });
});
