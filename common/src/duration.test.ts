import { strict as assert } from 'node:assert';
import { formatDuration, parseDuration, parseSize } from './duration.js';

const invalid = (err: unknown) => (err as { code?: string }).code === 'COMMON_DURATION_INVALID';

describe('durations', () => {
  it('parses Go durations, signed and compound', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('-1h30m'), -5_400_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('-0s'), -0);
    assert.equal(parseDuration('0'), 0);
    assert.equal(parseDuration('2d'), 172_800_000);
  });

  it('rejects what is not a duration', () => {
    for (const s of ['', 's', '10', '10x', '1h-5m', 'now', '--1m', '5 m']) assert.throws(() => parseDuration(s), invalid, s);
  });

  it('formats compactly', () => {
    assert.equal(formatDuration(5_400_000), '1h30m');
    assert.equal(formatDuration(250), '250ms');
    assert.equal(formatDuration(-61_000), '-1m1s');
  });

  it('parses sizes', () => {
    assert.equal(parseSize('64MiB'), 64 * 1024 * 1024);
    assert.equal(parseSize('10kb'), 10_000);
    assert.equal(parseSize(42), 42);
    assert.throws(() => parseSize('lots'), (e: unknown) => (e as { code?: string }).code === 'COMMON_CONFIG_INVALID');
  });
});
