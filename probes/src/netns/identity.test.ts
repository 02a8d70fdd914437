import { strict as assert } from 'node:assert';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { namespaceKey } from '../topology/ids.js';
import { SELF_NETNS_PATH, identityOf, namespaceFileState, nsfsDevice, retryDelay, rootNamespaceKeys } from './identity.js';
import { TestNamespaces } from './test-namespaces.js';

describe('namespace identity', () => {
  const t = new TestNamespaces();
  after(() => t.cleanup());

  it('backs off exponentially up to the cap', () => {
    assert.deepEqual([1, 2, 3, 4, 8, 20].map((a) => retryDelay(a, 10, 100)), [10, 20, 40, 80, 100, 100]);
  });

  it('keys a namespace by the dev and inode of its nsfs file', () => {
    const s = statSync(SELF_NETNS_PATH, { bigint: true });
    assert.deepEqual(identityOf(SELF_NETNS_PATH), { key: namespaceKey(s.dev, s.ino), dev: s.dev, ino: s.ino });
    assert.ok(rootNamespaceKeys().has(namespaceKey(s.dev, s.ino)));
  });

  it('tells a missing file, a file waiting for its bind mount and a mounted namespace apart', () => {
    const dir = t.tempDir();
    const dev = nsfsDevice();
    assert.deepEqual(namespaceFileState(join(dir, 'none'), dev), { kind: 'missing' });
    writeFileSync(join(dir, 'plain'), '');
    assert.deepEqual(namespaceFileState(join(dir, 'plain'), dev), { kind: 'unmounted' });
    const ns = t.add();
    t.bind(ns.path, join(dir, 'ns'));
    const state = namespaceFileState(join(dir, 'ns'), dev);
    assert.equal(state.kind, 'namespace');
    assert.equal(state.kind === 'namespace' && state.key, identityOf(ns.path).key);
  });
});
