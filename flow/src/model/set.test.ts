import { strict as assert } from 'node:assert';
import { fixtureFlows, flow, metric } from '../testing/flow-fixture.js';
import type { Flow } from './flow.js';
import { dedupFlows, groupFlows, mergeFlows, sortFlows } from './set.js';

const f = (TrackingID: string, NodeTID: string, extra: Partial<Flow> = {}): Flow => flow(`${TrackingID}/${NodeTID}`, TrackingID, { NodeTID, ...extra });
const ids = (flows: readonly Flow[]): string[] => flows.map((x) => x.UUID);

describe('flow sets: dedup (reference set_test)', () => {
  it('dedups on TrackingID by default, keeping the first flow', () => {
    assert.deepEqual(ids(dedupFlows([f('aaa', '1'), f('bbb', '1'), f('aaa', '2')])), ['aaa/1', 'bbb/1']);
  });

  it('dedups on a given key', () => {
    assert.deepEqual(ids(dedupFlows([f('aaa', '111'), f('bbb', '111'), f('aaa', '222')], ['NodeTID'])), ['aaa/111', 'aaa/222']);
  });

  it('keeps flows having none of the keys', () => {
    const flows = [f('a', '1'), f('b', '2'), f('c', '3', { Network: { Protocol: 'IPV4', A: 'x', ID: 0 } })];
    assert.deepEqual(ids(dedupFlows(flows, ['Network.A'])), ['a/1', 'b/2', 'c/3']);
  });

  it('dedups on a tuple of keys', () => {
    const flows = [f('a', '1'), f('a', '1', { UUID: 'dup' }), f('a', '2')];
    assert.deepEqual(ids(dedupFlows(flows, ['TrackingID', 'NodeTID'])), ['a/1', 'a/2']);
  });
});

describe('flow sets: sort', () => {
  it('sorts on Last ascending by default', () => {
    assert.deepEqual(ids(sortFlows(fixtureFlows())), ['u2', 'u3', 'u5', 'u1', 'u4']);
  });

  it('sorts descending, numerically, stable on ties', () => {
    assert.deepEqual(ids(sortFlows(fixtureFlows(), { key: 'Metric.ABBytes', order: 'DESC' })), ['u1', 'u4', 'u2', 'u3', 'u5']);
  });

  it('sorts strings by code unit with flows lacking the key last in both orders', () => {
    assert.deepEqual(ids(sortFlows(fixtureFlows(), { key: 'Network.A' })), ['u1', 'u4', 'u2', 'u3', 'u5']);
    assert.deepEqual(ids(sortFlows(fixtureFlows(), { key: 'Network.A', order: 'DESC' })), ['u2', 'u3', 'u1', 'u4', 'u5']);
  });

  it('sorts by Network.A ascending then descending (reference TestGetFlowsWithFilters)', () => {
    const flows = [13, 2, 101, 7].map((x) => f(`t${x}`, 'probe-1', { Network: { Protocol: 'IPV4', A: `176.16.13.${x}`, ID: 0 } }));
    assert.deepEqual(sortFlows(flows, { key: 'Network.A' }).map((x) => x.Network?.A),
      ['176.16.13.101', '176.16.13.13', '176.16.13.2', '176.16.13.7']);
    assert.deepEqual(sortFlows(flows, { key: 'Network.A', order: 'DESC' }).map((x) => x.Network?.A),
      ['176.16.13.7', '176.16.13.2', '176.16.13.13', '176.16.13.101']);
    assert.equal(dedupFlows(flows, ['NodeTID']).length, 1);
  });

  it('leaves its input untouched', () => {
    const flows = fixtureFlows();
    sortFlows(flows, { order: 'DESC' });
    assert.deepEqual(ids(flows), ['u1', 'u2', 'u3', 'u4', 'u5']);
  });
});

describe('flow sets: group', () => {
  it('groups on TrackingID by default, in first-seen order', () => {
    const groups = groupFlows(fixtureFlows());
    assert.deepEqual([...groups].map(([k, v]) => [k, ids(v)]), [['t1', ['u1']], ['t2', ['u2', 'u3']], ['t4', ['u4']], ['t5', ['u5']]]);
  });

  it('groups on a given key and leaves out flows lacking it', () => {
    const groups = groupFlows(fixtureFlows(), 'Transport.B');
    assert.deepEqual([...groups].map(([k, v]) => [k, ids(v)]), [['80', ['u1']], ['53', ['u2', 'u3']]]);
  });
});

describe('flow sets: merge (reference set_test)', () => {
  const withMetric = (t: string, n: string, s: number, l: number): Flow => f(t, n, { Metric: metric([0, 0], [0, 0], s, l) });

  it('merges deduplicated sets without repeating a dedup key (TestMergeDedup)', () => {
    const a = dedupFlows([withMetric('aaa', '111', 0, 1), withMetric('bbb', '111', 2, 3), withMetric('aaa', '222', 0, 1)], ['NodeTID']);
    const b = dedupFlows([
      withMetric('aaa', '111', 0, 1), withMetric('bbb', '111', 4, 6), withMetric('aaa', '222', 7, 8), withMetric('ccc', '333', 0, 1),
    ], ['NodeTID']);
    const merged = mergeFlows(a, b, { dedup: true, dedupBy: 'NodeTID' });
    assert.deepEqual(ids(merged), ['aaa/111', 'aaa/222', 'ccc/333']);
    assert.deepEqual(merged.map((x) => x.Metric?.Start), [0, 0, 0]);
  });

  it('merge-sorts descending unless the order is ascending (the reference quirk), deduplicating as it goes', () => {
    const s = (t: string, n: string, start: number): Flow => f(t, n, { Start: start });
    const a = dedupFlows([s('aaa', '111', 6), s('bbb', '111', 7), s('aaa', '222', 10)], ['NodeTID']);
    const b = dedupFlows([s('aaa', '111', 5), s('bbb', '111', 8), s('aaa', '222', 9), s('ccc', '333', 12)], ['NodeTID']);
    const merged = mergeFlows(a, b, { sort: true, sortBy: 'Start', dedup: true, dedupBy: 'NodeTID' });
    assert.deepEqual(merged.map((x) => `${x.TrackingID}/${x.NodeTID}/${x.Start}`), ['aaa/111/6', 'aaa/222/10', 'ccc/333/12']);
  });

  it('merge-sorts two ascending sets in ascending order when asked', () => {
    const a = sortFlows([f('a', '1', { Last: 1 }), f('b', '1', { Last: 4 })]);
    const b = sortFlows([f('c', '1', { Last: 2 }), f('d', '1', { Last: 3 })]);
    assert.deepEqual(ids(mergeFlows(a, b, { sort: true, sortOrder: 'ASC' })), ['a/1', 'c/1', 'd/1', 'b/1']);
    assert.deepEqual(ids(mergeFlows(a, b, { sort: true, sortOrder: 'DESC' })), ['c/1', 'd/1', 'a/1', 'b/1']);
  });

  it('concatenates when neither sorting nor deduplicating', () => {
    assert.deepEqual(ids(mergeFlows([f('a', '1')], [f('a', '1')])), ['a/1', 'a/1']);
  });
});
