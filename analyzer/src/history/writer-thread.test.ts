// The analyzer's history when its SQLite writer thread dies: the death is counted, the analyzer keeps running,
// and recording goes on once the next write has started a new thread.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentReporter } from '@topoflow/common';
import { ManualClock } from '@topoflow/common/testing';
import { MemoryGraph } from '@topoflow/graph';
import { SqliteHistoryStore, type WriterClient } from '@topoflow/graph/history';
import { defaultAnalyzerHistoryConfig, resolveHistoryConfig } from './config.js';
import { AnalyzerHistory } from './history.js';

const checks = {
  duration: (_p: string, v: string) => (v.endsWith('ms') ? Number(v.slice(0, -2)) : v.endsWith('s') ? Number(v.slice(0, -1)) * 1000 : 1000),
  size: () => 8 * 1024 * 1024,
  count: (_p: string, v: number) => v,
  problem: (m: string) => {
    throw new Error(m);
  },
};

describe('analyzer history writer thread', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'topoflow-writer-thread-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('counts a writer thread that dies and records again after restarting it', async () => {
    const config = resolveHistoryConfig({ ...defaultAnalyzerHistoryConfig(), retryInterval: '20ms', retention: { maxAge: '0s', maxSize: '0', interval: '10m' } }, dir, checks);
    const reporter = silentReporter('analyzer');
    const clock = new ManualClock(1_000);
    const graph = new MemoryGraph({ host: 'h', origin: 'api' }, { clock });
    const writers: WriterClient[] = [];
    const history = new AnalyzerHistory(config, {
      graph, clock, reporter: reporter.child('history'),
      createStore: (c, hooks) => new SqliteHistoryStore({ path: c.sqlite.path, cacheKiB: c.sqlite.cacheKiB, pruneChunk: 100 }, {}, {
        onWriterStart: (w) => writers.push(w), ...(hooks.onWriterExit ? { onWriterExit: hooks.onWriterExit } : {}),
      }),
    });
    await history.start();
    try {
      graph.addNode({ ID: 'a', Metadata: { Name: 'a', V: 0 } });
      await history.durable();
      // The thread ends between two writes: the next write starts another.
      await writers[0]?.worker.terminate();
      clock.set(2_000);
      graph.updateNode('a', { set: { V: 1 } });
      await history.durable();
      assert.equal(writers.length, 2, 'a second writer thread was started');
      const exits = await reporter.registry.getSingleMetric('topoflow_analyzer_history_writer_exits_total')?.get();
      assert.equal(exits?.values[0]?.value, 1);
      const view = await history.view({ start: 0, end: 5_000, point: false });
      assert.deepEqual([...view.nodes()].map((n) => n.Metadata['V']), [0, 1]);
    } finally {
      await history.stop();
    }
  });

  it('closes the store when stopped while the graph is being restored from it', async () => {
    const config = resolveHistoryConfig({ ...defaultAnalyzerHistoryConfig(), restore: true, retention: { maxAge: '0s', maxSize: '0', interval: '10m' } }, dir, checks);
    const clock = new ManualClock(1_000);
    const graph = new MemoryGraph({ host: 'h', origin: 'api' }, { clock });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let restoring = false;
    let closed = false;
    const history = new AnalyzerHistory(config, {
      graph, clock, reporter: silentReporter('analyzer').child('history'),
      createStore: (c) => {
        const inner = new SqliteHistoryStore({ path: c.sqlite.path, cacheKiB: c.sqlite.cacheKiB, pruneChunk: 100 }, {}, {});
        return new Proxy(inner, {
          get(target, key) {
            if (key === 'live') return async () => { restoring = true; await gate; return target.live(); };
            if (key === 'close') return async () => { closed = true; return target.close(); };
            const v = Reflect.get(target, key, target) as unknown;
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
          },
        });
      },
    });
    const starting = history.start();
    while (!restoring) await new Promise((r) => setTimeout(r, 5));
    const stopping = history.stop();
    release();
    await starting;
    await stopping;
    assert.equal(closed, true, 'the store opened for the restore is closed');
  });
});

