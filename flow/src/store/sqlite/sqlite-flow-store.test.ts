// The SQLite flow store against the conformance suite, plus what only a file store shows: WAL, the file's
// place, unreadable files and schema versions.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeFlowStoreConformance, testFlow } from '../conformance.js';
import { SqliteFlowStore } from './sqlite-flow-store.js';

const codeOf = (code: string) => (err: unknown) => (err as { code?: string }).code === code;

describe('sqlite flow store', () => {
  describeFlowStoreConformance('sqlite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topoflow-flowstore-'));
    const open = async () => {
      const store = new SqliteFlowStore({ path: join(dir, 'data', 'flows.sqlite'), pruneChunk: 1000 });
      await store.open();
      return store;
    };
    return { create: open, reopen: open, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  });

  describe('file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'topoflow-flowstore-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('writes a WAL-mode file, creating its directory', async () => {
      const path = join(dir, 'a', 'b', 'flows.sqlite');
      const store = new SqliteFlowStore({ path });
      await store.open();
      await store.append([testFlow('A', 0, 1)]);
      assert.ok(existsSync(`${path}-wal`));
      await store.close();
      const db = new Database(path, { readonly: true });
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.prepare('SELECT count(*) FROM flows').pluck().get(), 1);
      db.close();
    });

    it('fails to open a file that is not a database with FLOW_STORE_UNAVAILABLE', async () => {
      const path = join(dir, 'flows.sqlite');
      writeFileSync(path, 'this is not an SQLite database, only some text that is long enough to be read as a header');
      await assert.rejects(new SqliteFlowStore({ path }).open(), codeOf('FLOW_STORE_UNAVAILABLE'));
    });

    it('refuses a file written by another schema version', async () => {
      const path = join(dir, 'flows.sqlite');
      const store = new SqliteFlowStore({ path });
      await store.open();
      await store.close();
      const db = new Database(path);
      db.prepare("UPDATE flow_meta SET value = '99' WHERE key = 'schema'").run();
      db.close();
      await assert.rejects(new SqliteFlowStore({ path }).open(), codeOf('FLOW_STORE_SCHEMA_UNSUPPORTED'));
    });

    it('refuses an in-memory path and a zero prune chunk', () => {
      assert.throws(() => new SqliteFlowStore({ path: ':memory:' }), codeOf('FLOW_STORE_CONFIG_INVALID'));
      assert.throws(() => new SqliteFlowStore({ path: join(dir, 'x'), pruneChunk: 0 }), codeOf('FLOW_STORE_CONFIG_INVALID'));
    });
  });
});
