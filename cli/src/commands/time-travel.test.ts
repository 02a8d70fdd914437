import { strict as assert } from 'node:assert';
import { atQuery } from './time-travel.js';

const usage = (err: unknown) => (err as { code?: string }).code === 'CLI_USAGE';

describe('client query --at', () => {
  it('inserts At() after the leading G, quoting relative times and keeping epoch numbers bare', () => {
    assert.equal(atQuery("G.V().Has('Name','eth0').Values('MTU')", { at: '-1m' }), "G.At('-1m').V().Has('Name','eth0').Values('MTU')");
    assert.equal(atQuery('g.V().Count()', { at: '1717000000', window: '5m' }), "G.At(1717000000, '5m').V().Count()");
    assert.equal(atQuery('G', { at: '-1h' }), "G.At('-1h')");
    assert.equal(atQuery("G.V()", { at: "Mon, 02 Jan 2006 15:04:05 GMT" }), "G.At('Mon, 02 Jan 2006 15:04:05 GMT').V()");
  });

  it('leaves the query alone without --at', () => {
    assert.equal(atQuery('G.V()', {}), 'G.V()');
  });

  it('refuses --window alone, a query with its own At(), one not starting with G, and empty values', () => {
    assert.throws(() => atQuery('G.V()', { window: '5m' }), usage);
    assert.throws(() => atQuery("G.At('-1m').V()", { at: '-2m' }), usage);
    assert.throws(() => atQuery('V()', { at: '-2m' }), usage);
    assert.throws(() => atQuery('G.V()', { at: ' ' }), usage);
  });
});
