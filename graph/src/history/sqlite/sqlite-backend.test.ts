// The SQLite backend against the history conformance suite, plus what only a file store can show.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeHistoryConformance } from '../../conformance/history-conformance.js';
import { RowHistoryStore } from '../row-store.js';
import { SqliteBackend } from './sqlite-backend.js';

const open = async (path: string) => {
  const store = new RowHistoryStore(new SqliteBackend({ path, cacheKiB: 8192, pruneChunk: 64 }));
  await store.open();
  return store;
};

describeHistoryConformance('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'topoflow-history-'));
  const path = join(dir, 'history.db');
  return { create: () => open(path), reopen: () => open(path), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

describe('sqlite history backend', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'topoflow-history-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a file that is not a database', async () => {
    const path = join(dir, 'history.db');
    writeFileSync(path, 'this is not a database file, just text that is long enough to have a header '.repeat(20));
    await assert.rejects(open(path));
  });

  it('creates the directory of a new store', async () => {
    const store = await open(join(dir, 'a', 'b', 'history.db'));
    assert.equal((await store.stats()).elements, 0);
    await store.close();
  });

  it('refuses an in-memory path', () => {
    assert.throws(() => new SqliteBackend({ path: ':memory:', cacheKiB: 1, pruneChunk: 1 }));
  });
});
