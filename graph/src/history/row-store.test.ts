// What the row store does beyond the conformance suite (on SQLite): its keyframe cache under eviction, and
// elements whose metadata is rebuilt when first read.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RecordedGraph, revisionsOf } from '../conformance/history-conformance.js';
import { RowHistoryStore } from './row-store.js';
import { SqliteBackend } from './sqlite/sqlite-backend.js';

const point = (t: number) => ({ start: t, end: t, point: true });
const KEYS = { Name: 'eth0', Type: 'veth', Features: { a: true, b: false, c: true, d: false }, RoutingTables: [1, 2, 3, 4, 5, 6] };

describe('row history store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'topoflow-row-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads keyframes that were cached when a read began even when the read evicts them', async () => {
    const store = new RowHistoryStore(new SqliteBackend({ path: join(dir, 'h.db'), cacheKiB: 1024, pruneChunk: 64 }), { keyframeCache: 2 });
    await store.open();
    try {
      const g = new RecordedGraph();
      // X is read first (lowest element id); A and B come after it in every point read.
      g.at(1000);
      for (const id of ['X', 'A', 'B']) g.graph.addNode({ ID: id, Metadata: { ...KEYS, MTU: 1500 } });
      g.at(2000);
      for (const id of ['A', 'B']) g.graph.updateNode(id, { set: { MTU: 9000 } });
      g.at(3000).graph.updateNode('X', { set: { MTU: 9000 } });
      await store.append(g.take());
      // The cache ends up holding the keyframes of A and B; at 3000, X's keyframe is fetched and cached before A
      // and B are decoded, which evicts A's.
      await store.read(point(2000));
      const at3000 = await store.read(point(3000));
      assert.deepEqual(revisionsOf(at3000).nodes, ['A@2', 'B@2', 'X@2']);
      assert.ok(at3000.nodes.every((n) => n.Metadata['MTU'] === 9000 && n.Metadata['Name'] === 'eth0'));
    } finally {
      await store.close();
    }
  });
});

describe('row history store reads', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'topoflow-row-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const stored = async () => {
    const path = join(dir, 'h.db');
    const store = new RowHistoryStore(new SqliteBackend({ path, cacheKiB: 1024, pruneChunk: 64 }));
    await store.open();
    const g = new RecordedGraph();
    g.at(1000).graph.addNode({ ID: 'A', Metadata: { ...KEYS, MTU: 1500 } });
    g.at(2000).graph.updateNode('A', { set: { MTU: 9000 } });
    await store.append(g.take());
    return { store, path };
  };

  it('gives elements whose metadata serialises and copies like plain data', async () => {
    const { store } = await stored();
    try {
      const [r1, r2] = (await store.read({ start: 0, end: 5000, point: false })).nodes;
      assert.deepEqual(JSON.parse(JSON.stringify(r2)), { ID: 'A', Metadata: { ...KEYS, MTU: 9000 }, Host: 'h1', Origin: 'agent.h1', CreatedAt: 1000, UpdatedAt: 2000, DeletedAt: null, Revision: 2 });
      assert.deepEqual({ ...r1 }.Metadata, { ...KEYS, MTU: 1500 });
      assert.equal(r2?.Metadata, r2?.Metadata, 'rebuilt once, then kept');
    } finally {
      await store.close();
    }
  });

  it('fails with GRAPH_HISTORY_CORRUPT when the metadata of a damaged revision is read', async () => {
    const { store, path } = await stored();
    try {
      const db = new Database(path);
      db.prepare('UPDATE revisions SET meta = ? WHERE base IS NOT NULL').run('{not json');
      db.close();
      const [, damaged] = (await store.read({ start: 0, end: 5000, point: false })).nodes;
      assert.equal(damaged?.Revision, 2);
      assert.throws(() => damaged?.Metadata, (err: unknown) => (err as { code?: string }).code === 'GRAPH_HISTORY_CORRUPT');
    } finally {
      await store.close();
    }
  });
});
