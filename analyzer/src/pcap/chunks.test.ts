// eachChunk: one chunk at a time, the end after the last chunk's work, early stops that leave the stream whole.
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { isAppError } from '@topoflow/common';
import { eachChunk } from './chunks.js';

const tick = () => new Promise((r) => setTimeout(r, 2));

describe('eachChunk', () => {
  it('handles one chunk at a time and resolves only once the last one is handled', async () => {
    const seen: string[] = [];
    let busy = false;
    await eachChunk(Readable.from(['a', 'b', 'c'].map((s) => Buffer.from(s))), async (chunk) => {
      assert.equal(busy, false, 'no chunk while the previous one is handled');
      busy = true;
      await tick();
      seen.push(chunk.toString());
      busy = false;
    });
    assert.deepEqual(seen, ['a', 'b', 'c']);
  });

  it('stops at the chunk that throws, without destroying the stream', async () => {
    const stream = new PassThrough();
    stream.write('one');
    stream.write('two');
    const seen: string[] = [];
    const done = eachChunk(stream, (chunk) => {
      seen.push(chunk.toString());
      if (seen.length === 1) throw new Error('refused');
    });
    await assert.rejects(done, /refused/);
    assert.deepEqual(seen, ['one']);
    assert.equal(stream.destroyed, false);
  });

  it('turns a stream that fails before its end into ANALYZER_BAD_REQUEST, after the chunk in hand', async () => {
    const stream = new PassThrough();
    let handled = 0;
    const done = eachChunk(stream, async () => {
      await tick();
      handled++;
    });
    stream.write('x');
    await new Promise((r) => setImmediate(r));
    stream.destroy(new Error('ECONNRESET'));
    await assert.rejects(done, (err) => isAppError(err, 'ANALYZER_BAD_REQUEST'));
    assert.equal(handled, 1);
  });

  it('resolves for a stream that has already ended', async () => {
    const stream = Readable.from([]);
    await eachChunk(stream, () => undefined);
    let calls = 0;
    await eachChunk(stream, () => void calls++);
    assert.equal(calls, 0);
  });
});
