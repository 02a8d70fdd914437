import { strict as assert } from 'node:assert';
import { genId, linkId, randomId, uuidV5 } from './ids.js';

describe('ids', () => {
  it('computes RFC 4122 v5 UUIDs (checked against Python uuid5)', () => {
    assert.equal(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
    assert.equal(genId('host-1', '12345'), '1ad89b11-7624-50bc-a51e-5a9eec4d9a26');
    assert.equal(linkId('a', 'bc', 'ownership'), '9b747794-27b9-58bf-9ce0-2ecc7b089ab4');
  });

  it('makes distinct random v4 IDs', () => {
    const a = randomId();
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(a, randomId());
  });
});
