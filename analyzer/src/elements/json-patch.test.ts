// RFC 6902 behaviour of the JSON Patch used by PATCH /api/node and /api/edge.
import assert from 'node:assert/strict';
import { isAppError } from '@topoflow/common';
import { applyJsonPatch, parsePointer } from './json-patch.js';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    assert.ok(isAppError(err));
    return err.code;
  }
  throw new Error('expected an error');
};

describe('applyJsonPatch', () => {
  const doc = { ID: 'n1', Metadata: { Name: 'eth0', Tags: ['a', 'b'], 'a/b': 1, 'm~n': 2 } };

  it('adds, replaces and removes object members', () => {
    const out = applyJsonPatch(doc, [
      { op: 'add', path: '/Metadata/Color', value: 'red' },
      { op: 'replace', path: '/Metadata/Name', value: 'eth1' },
      { op: 'remove', path: '/Metadata/Tags' },
    ]);
    assert.deepEqual(out, { ID: 'n1', Metadata: { Name: 'eth1', Color: 'red', 'a/b': 1, 'm~n': 2 } });
  });

  it('leaves the input document untouched', () => {
    applyJsonPatch(doc, [{ op: 'add', path: '/Metadata/Tags/-', value: 'c' }]);
    assert.deepEqual(doc.Metadata.Tags, ['a', 'b']);
  });

  it('inserts into arrays by index and appends with "-"', () => {
    const out = applyJsonPatch(doc, [
      { op: 'add', path: '/Metadata/Tags/0', value: 'z' },
      { op: 'add', path: '/Metadata/Tags/-', value: 'end' },
      { op: 'remove', path: '/Metadata/Tags/1' },
    ]) as typeof doc;
    assert.deepEqual(out.Metadata.Tags, ['z', 'b', 'end']);
  });

  it('moves and copies values', () => {
    const out = applyJsonPatch(doc, [
      { op: 'copy', from: '/Metadata/Name', path: '/Metadata/Alias' },
      { op: 'move', from: '/Metadata/Name', path: '/Metadata/Old' },
    ]) as { Metadata: Record<string, unknown> };
    assert.equal(out.Metadata.Alias, 'eth0');
    assert.equal(out.Metadata.Old, 'eth0');
    assert.equal(out.Metadata.Name, undefined);
  });

  it('unescapes ~1 and ~0 in pointers', () => {
    assert.deepEqual(parsePointer('/a~1b/m~0n'), ['a/b', 'm~n']);
    const out = applyJsonPatch(doc, [{ op: 'remove', path: '/Metadata/a~1b' }, { op: 'remove', path: '/Metadata/m~0n' }]) as typeof doc;
    assert.deepEqual(Object.keys(out.Metadata), ['Name', 'Tags']);
  });

  it('passes a matching test and fails a different one with ANALYZER_PATCH_TEST_FAILED', () => {
    assert.doesNotThrow(() => applyJsonPatch(doc, [{ op: 'test', path: '/Metadata/Tags', value: ['a', 'b'] }]));
    assert.equal(code(() => applyJsonPatch(doc, [{ op: 'test', path: '/Metadata/Name', value: 'x' }])), 'ANALYZER_PATCH_TEST_FAILED');
    assert.equal(code(() => applyJsonPatch(doc, [{ op: 'test', path: '/Metadata/Missing', value: 1 }])), 'ANALYZER_PATCH_TEST_FAILED');
  });

  it('rejects missing targets, bad pointers and bad indexes with ANALYZER_INVALID_PATCH', () => {
    for (const patch of [
      [{ op: 'remove' as const, path: '/Metadata/Missing' }],
      [{ op: 'replace' as const, path: '/Metadata/Missing', value: 1 }],
      [{ op: 'add' as const, path: 'Metadata/X', value: 1 }],
      [{ op: 'add' as const, path: '/Nope/X', value: 1 }],
      [{ op: 'add' as const, path: '/Metadata/Tags/9', value: 1 }],
      [{ op: 'add' as const, path: '/Metadata/Name/X', value: 1 }],
      [{ op: 'move' as const, from: '/Metadata', path: '/Metadata/Inner' }],
      [{ op: 'copy' as const, path: '/Metadata/X' }],
      [{ op: 'add' as const, path: '/Metadata/X' }],
      [{ op: 'remove' as const, path: '' }],
    ]) {
      assert.equal(code(() => applyJsonPatch(doc, patch)), 'ANALYZER_INVALID_PATCH', JSON.stringify(patch));
    }
  });

  it('does not let "__proto__" change an object prototype', () => {
    const out = applyJsonPatch({ Metadata: {} }, [{ op: 'add', path: '/Metadata/__proto__', value: { polluted: true } }]) as {
      Metadata: Record<string, unknown>;
    };
    assert.equal(Object.getPrototypeOf(out.Metadata), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
