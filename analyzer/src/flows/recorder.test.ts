// The flow recorder against a scripted store: group commits while a write is in flight, batch size, retries of
// a failing store without loss, a bounded buffer whose overflow is counted, and durable().
import assert from 'node:assert/strict';
import { silentReporter } from '@topoflow/common';
import type { Flow } from '@topoflow/flow';
import type { FlowStore } from '@topoflow/flow/store';
import { sampleFlow } from '../testing.js';
import { FlowRecorder } from './recorder.js';

/** A store whose appends wait until released, and fail while `failing` is set. */
class ScriptedStore {
  readonly backend = 'scripted';
  readonly appends: string[][] = [];
  failing = false;
  hold = false;
  #release: (() => void)[] = [];

  append(flows: readonly Flow[]): Promise<void> {
    if (this.failing) return Promise.reject(new Error('disk on fire'));
    const done = () => void this.appends.push(flows.map((f) => f.UUID));
    if (!this.hold) {
      done();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#release.push(() => {
      done();
      resolve();
    }));
  }

  release(): void {
    this.hold = false;
    for (const r of this.#release.splice(0)) r();
  }
}

const flows = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => sampleFlow(`${prefix}${i}`, 0, 1));
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300 && !(await check()); i++) await wait(10);
  assert.ok(await check(), 'condition not met in time');
}

describe('flow recorder', () => {
  let reporter: ReturnType<typeof silentReporter>;
  let store: ScriptedStore;
  let recorder: FlowRecorder;
  const metric = async (name: string) => (await reporter.registry.getSingleMetric(`topoflow_analyzer_flows_${name}`)?.get())?.values ?? [];
  beforeEach(() => {
    reporter = silentReporter('analyzer');
    store = new ScriptedStore();
    recorder = new FlowRecorder({ bufferSize: 10, batchSize: 4, retryMs: 20, errorLogIntervalMs: 0 }, reporter.child('flows'));
    recorder.setStore(store as unknown as FlowStore);
  });
  afterEach(() => recorder.stop());

  it('groups the reports that arrive during a write into the next transaction, up to the batch size', async () => {
    store.hold = true;
    recorder.record(flows('a', 1));
    await wait(5);
    recorder.record(flows('b', 2));
    recorder.record(flows('c', 3));
    store.release();
    await until(() => recorder.pending === 0);
    assert.deepEqual(store.appends, [['a0'], ['b0', 'b1', 'c0', 'c1'], ['c2']]);
    assert.equal(await recorder.durable(100), true);
  });

  it('retries a failing store with the same reports and loses none', async () => {
    store.failing = true;
    recorder.record(flows('a', 3));
    await until(async () => ((await metric('store_write_errors_total'))[0]?.value ?? 0) >= 2);
    assert.equal(await recorder.durable(10), false);
    assert.match(recorder.lastError ?? '', /disk on fire/);
    store.failing = false;
    await until(() => recorder.pending === 0);
    assert.deepEqual(store.appends, [['a0', 'a1', 'a2']]);
    assert.equal(recorder.lastError, undefined);
    assert.equal((await metric('store_writes_total'))[0]?.value, 3);
  });

  it('drops and counts what does not fit in the buffer', async () => {
    recorder.setStore(undefined);
    assert.equal(recorder.record(flows('a', 7)), 0);
    assert.equal(recorder.record(flows('b', 5)), 2);
    assert.equal(recorder.record(flows('c', 1)), 1);
    assert.equal(recorder.pending, 10);
    const dropped = await metric('dropped_total');
    assert.deepEqual(dropped.map((v) => [v.labels.reason, v.value]), [['buffer_full', 3]]);
    recorder.setStore(store as unknown as FlowStore);
    await until(() => recorder.pending === 0);
    assert.deepEqual(store.appends.flat(), ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'b0', 'b1', 'b2']);
  });

  it('writes what waits when stopped, then accepts nothing and counts what arrives as dropped', async () => {
    recorder.setStore(undefined);
    recorder.record(flows('a', 2));
    recorder.setStore(store as unknown as FlowStore);
    await recorder.stop();
    assert.deepEqual(store.appends.flat(), ['a0', 'a1']);
    assert.equal(recorder.record(flows('b', 3)), 3);
    assert.equal(recorder.pending, 0);
    const dropped = await metric('dropped_total');
    assert.deepEqual(dropped.map((v) => [v.labels.reason, v.value]), [['stopped', 3]]);
  });
});
