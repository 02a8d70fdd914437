import { strict as assert } from 'node:assert';
import { formatAddress, parseAddress } from './address.js';

describe('addresses', () => {
  it('parses host:port, bare ports and IPv6', () => {
    assert.deepEqual(parseAddress('0.0.0.0:8082'), { host: '0.0.0.0', port: 8082 });
    assert.deepEqual(parseAddress('8082'), { host: '127.0.0.1', port: 8082 });
    assert.deepEqual(parseAddress(':8082'), { host: '127.0.0.1', port: 8082 });
    assert.deepEqual(parseAddress('[::1]:80'), { host: '::1', port: 80 });
    assert.equal(formatAddress({ host: '::1', port: 80 }), '[::1]:80');
  });

  it('rejects bad addresses', () => {
    for (const s of ['host', 'h:99999', 'h:-1', '']) {
      assert.throws(() => parseAddress(s), (e: unknown) => (e as { code?: string }).code === 'COMMON_ADDRESS_INVALID', s);
    }
  });
});
