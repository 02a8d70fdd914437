import { strict as assert } from 'node:assert';
import { parseInstant } from './time.js';

const NOW = 1_700_000_000_000;

describe('instants', () => {
  it('reads small numbers as epoch seconds and large ones as milliseconds', () => {
    assert.equal(parseInstant(1_700_000_000, NOW), 1_700_000_000_000);
    assert.equal(parseInstant(2_147_483_648, NOW), 2_147_483_648);
    assert.equal(parseInstant('1700000000', NOW), 1_700_000_000_000);
  });

  it('reads durations relative to now', () => {
    assert.equal(parseInstant('-5m', NOW), NOW - 300_000);
    assert.equal(parseInstant('-0s', NOW), NOW);
  });

  it('reads RFC 1123 and ISO dates', () => {
    assert.equal(parseInstant('Mon, 02 Jan 2006 15:04:05 GMT', NOW), Date.UTC(2006, 0, 2, 15, 4, 5));
    assert.equal(parseInstant('2024-06-01T10:00:00Z', NOW), Date.UTC(2024, 5, 1, 10));
  });

  it('rejects everything else with COMMON_TIME_INVALID', () => {
    for (const v of ['now', 'yesterday', '', '-5x', -3, Number.NaN]) {
      assert.throws(() => parseInstant(v, NOW), (e: unknown) => (e as { code?: string }).code === 'COMMON_TIME_INVALID', String(v));
    }
  });
});
