import { strict as assert } from 'node:assert';
import { closeSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { isAppError } from '@topoflow/common';
import { NetnsErrors } from './errors.js';
import { THREAD_NETNS_PATH, openNetlinkSocket, prepareNamespaces, withNetns } from './native.js';
import { TestNamespaces } from './test-namespaces.js';
import { linkNames } from './test-netlink.js';

const threadIno = (): bigint => statSync(THREAD_NETNS_PATH, { bigint: true }).ino;
const devNames = (): string[] =>
  readFileSync('/proc/thread-self/net/dev', 'utf8').split('\n').slice(2).map((l) => l.split(':')[0]?.trim() ?? '').filter(Boolean);
const openFds = (): number => readdirSync('/proc/self/fd').length;

describe('native namespace helper', () => {
  const t = new TestNamespaces();
  let ns: { name: string; path: string };
  let home: bigint;

  before(async () => {
    await prepareNamespaces();
    home = threadIno();
    ns = t.add();
    execFileSync('ip', ['-n', ns.name, 'link', 'add', 'tfv0', 'type', 'veth', 'peer', 'name', 'tfv1']);
  });
  after(() => t.cleanup());
  afterEach(() => assert.equal(threadIno(), home, 'the main thread is back home after every test'));

  it('runs the callback inside the namespace and returns to the original one', () => {
    const target = statSync(ns.path, { bigint: true }).ino;
    const inside = withNetns(ns.path, () => ({ ino: threadIno(), devs: devNames() }));
    assert.equal(inside.ino, target);
    assert.deepEqual(inside.devs.sort(), ['lo', 'tfv0', 'tfv1']);
    assert.equal(threadIno(), home);
    assert.ok(!devNames().includes('tfv0'));
  });

  it('returns to the original namespace when the callback throws, rethrowing its error', () => {
    const boom = new Error('boom');
    const fds = openFds();
    assert.throws(() => withNetns(ns.path, () => {
      assert.notEqual(threadIno(), home);
      throw boom;
    }), (err) => err === boom);
    assert.equal(threadIno(), home);
    assert.equal(openFds(), fds, 'both namespace fds are closed');
  });

  it('rejects an async callback after switching back', () => {
    assert.throws(() => withNetns(ns.path, async () => 1), (err) => isAppError(err, NetnsErrors.ASYNC_CALLBACK));
  });

  it('fails with ENTER_FAILED on a missing or non-namespace file and stays home', () => {
    const dir = t.tempDir();
    const plain = join(dir, 'plain');
    writeFileSync(plain, '');
    const fds = openFds();
    let ran = false;
    for (const p of [join(dir, 'missing'), plain]) {
      assert.throws(() => withNetns(p, () => (ran = true)), (err) => isAppError(err, NetnsErrors.ENTER_FAILED));
    }
    assert.equal(ran, false);
    assert.equal(openFds(), fds);
  });

  it('opens a netlink socket that stays in the namespace after switching back', () => {
    const fd = openNetlinkSocket(ns.path);
    try {
      assert.deepEqual(linkNames(fd).sort(), ['lo', 'tfv0', 'tfv1']);
    } finally {
      closeSync(fd);
    }
    const root = openNetlinkSocket('/proc/self/ns/net');
    try {
      assert.ok(!linkNames(root).includes('tfv0'));
    } finally {
      closeSync(root);
    }
  });

  it('leaves the libuv thread pool in the original namespace', async () => {
    const before = await readlink('/proc/thread-self/ns/net');
    const inside = withNetns(ns.path, () => `net:[${threadIno()}]`);
    assert.notEqual(inside, before);
    assert.equal(await readlink('/proc/thread-self/ns/net'), `net:[${home}]`, 'a pool thread answers from home');
  });
});
