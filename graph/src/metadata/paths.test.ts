import { strict as assert } from 'node:assert';
import { deletePath, getPath, listKeys, setPath } from './paths.js';
import { elementKeys, getField } from './fields.js';
import type { Edge } from '../model.js';

describe('metadata paths', () => {
  const md = {
    Name: 'eth0',
    Ovs: { Metric: { RxBytes: 5 } },
    Captures: [{ ID: 'c1', State: 'active' }, 'junk', { ID: 'c2' }],
    ExtID: { 'attached-mac': 'aa' },
  };

  it('reads plain, nested and Metadata-prefixed keys', () => {
    assert.equal(getPath(md, 'Name'), 'eth0');
    assert.equal(getPath(md, 'Ovs.Metric.RxBytes'), 5);
    assert.equal(getPath(md, 'Metadata.Ovs.Metric.RxBytes'), 5);
    assert.equal(getPath(md, 'ExtID.attached-mac'), 'aa');
    assert.equal(getPath(md, 'Name.Sub'), undefined);
    assert.equal(getPath(md, 'Nope.x'), undefined);
  });

  it('fans out through arrays of objects, skipping non-objects', () => {
    assert.deepEqual(getPath(md, 'Captures.ID'), ['c1', 'c2']);
    assert.deepEqual(getPath(md, 'Captures.State'), ['active']);
    assert.equal(getPath(md, 'Captures.Missing'), undefined);
  });

  it('writes copy-on-write, creating parents, refusing scalar intermediates', () => {
    const out = setPath(md, 'Ovs.Metric.TxBytes', 7);
    assert.deepEqual(out?.Ovs, { Metric: { RxBytes: 5, TxBytes: 7 } });
    assert.deepEqual(md.Ovs, { Metric: { RxBytes: 5 } });
    assert.deepEqual(setPath({}, 'a.b.c', 1), { a: { b: { c: 1 } } });
    assert.equal(setPath(md, 'Name.Sub', 1), undefined);
  });

  it('deletes leaves and the parents left empty', () => {
    assert.deepEqual(deletePath({ a: { b: { c: 1 } }, d: 2 }, 'a.b.c'), { d: 2 });
    assert.deepEqual(deletePath({ a: { b: 1, c: 2 } }, 'a.b'), { a: { c: 2 } });
    assert.equal(deletePath({ a: 1 }, 'b'), undefined);
    assert.equal(deletePath({ a: 1 }, 'a.b'), undefined);
  });

  it('lists keys with intermediates in first-seen order', () => {
    assert.deepEqual(listKeys({ Name: 'x', Ovs: { Metric: { Rx: 1 } } }), ['Name', 'Ovs', 'Ovs.Metric', 'Ovs.Metric.Rx']);
  });

  it('resolves pseudo-fields and edge endpoints', () => {
    const e: Edge = { ID: 'e', Metadata: { RelationType: 'layer2' }, Host: 'h', Origin: 'o', CreatedAt: 1, UpdatedAt: 2, DeletedAt: null, Revision: 3, Parent: 'p', Child: 'c' };
    assert.equal(getField(e, '@ID'), 'e');
    assert.equal(getField(e, '@Revision'), 3);
    assert.equal(getField(e, '@DeletedAt'), undefined);
    assert.equal(getField(e, 'Parent'), 'p');
    assert.equal(getField(e, 'Child'), 'c');
    assert.equal(getField(e, '@Nope'), undefined);
    assert.deepEqual(elementKeys(e), ['@ID', '@Host', '@Origin', '@CreatedAt', '@UpdatedAt', '@DeletedAt', '@Revision', 'RelationType']);
  });
});
