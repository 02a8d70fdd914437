import { strict as assert } from 'node:assert';
import { isAppError } from '@topoflow/common';
import { OvsdbErrors } from './errors.js';
import { type JsonStreamItem, JsonStreamSplitter } from './json-stream.js';

const VALUES: unknown[] = [
  { id: 1, method: 'echo', params: [] },
  { s: 'braces { } [ ] and "quotes" and \\ backslash \\" end', n: null },
  [1, [2, { x: '}' }], 'é€😀'],
  { result: ['Open_vSwitch'], error: null, id: 'a"b' },
  { emoji: '😀😀 ünïcödé', nested: { a: { b: { c: [] } } } },
];

function errorCode(it: JsonStreamItem | undefined): string | undefined {
  return it !== undefined && !it.ok && isAppError(it.error) ? it.error.code : undefined;
}

function values(items: JsonStreamItem[]): unknown[] {
  return items.map((it) => {
    if (!it.ok) throw it.error;
    return it.value;
  });
}

describe('ovsdb JSON stream splitter', () => {
  const bytes = Buffer.from(VALUES.map((v, i) => JSON.stringify(v) + (i % 2 === 0 ? '' : ' \n')).join(''), 'utf8');

  it('parses concatenated values given in one chunk', () => {
    assert.deepEqual(values(new JsonStreamSplitter(1 << 20).push(bytes)), VALUES);
  });

  it('gives the same values when the stream is split at every byte position', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const s = new JsonStreamSplitter(1 << 20);
      const got = [...values(s.push(bytes.subarray(0, cut))), ...values(s.push(bytes.subarray(cut)))];
      assert.deepEqual(got, VALUES, `cut at ${cut}`);
      assert.equal(s.buffered, 0);
    }
  });

  it('gives the same values when fed one byte at a time (multi-byte UTF-8 split)', () => {
    const s = new JsonStreamSplitter(1 << 20);
    const got: unknown[] = [];
    for (let i = 0; i < bytes.length; i++) got.push(...values(s.push(bytes.subarray(i, i + 1))));
    assert.deepEqual(got, VALUES);
  });

  it('reports an oversize value as an error, skips it and keeps the following ones', () => {
    const big = JSON.stringify({ pad: 'x'.repeat(200) });
    const small = JSON.stringify({ ok: true });
    for (const chunk of [1, 7, 1000]) {
      const s = new JsonStreamSplitter(100);
      const all = Buffer.from(small + big + small);
      const items: JsonStreamItem[] = [];
      for (let i = 0; i < all.length; i += chunk) items.push(...s.push(all.subarray(i, i + chunk)));
      assert.equal(items.length, 3, `chunk ${chunk}`);
      assert.equal(errorCode(items[1]), OvsdbErrors.MESSAGE_TOO_LARGE);
      assert.deepEqual([items[0], items[2]].map((it) => (it?.ok ? it.value : undefined)), [{ ok: true }, { ok: true }]);
      assert.ok(s.buffered <= 100);
    }
  });

  it('reports invalid JSON and stray bytes without losing synchronisation', () => {
    const s = new JsonStreamSplitter(1000);
    const items = s.push(Buffer.from('{"a":}xx 12{"b":1}'));
    assert.equal(items.length, 3);
    assert.equal(errorCode(items[0]), OvsdbErrors.MALFORMED_MESSAGE);
    assert.equal(errorCode(items[1]), OvsdbErrors.MALFORMED_MESSAGE);
    assert.deepEqual(items[2], { ok: true, value: { b: 1 } });
  });
});
