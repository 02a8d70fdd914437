// XXH64 against vectors computed independently (the reference C library through Python's xxhash binding).
import assert from 'node:assert/strict';
import { Xxh64, hex64, xxh64Hex } from './xxh64.js';

/** The input of length n: byte i is (31 i + 7) mod 256. */
function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 255;
  return b;
}

// [seed high word, seed low word, length, digest]
const VECTORS: Array<[number, number, number, string]> = [
  [0x0, 0x0, 0, 'ef46db3751d8e999'],
  [0x0, 0x0, 1, 'a96c7f0ce858bbb7'],
  [0x0, 0x0, 3, '56e6957632a487f9'],
  [0x0, 0x0, 4, 'c60d15b1e3ff8f04'],
  [0x0, 0x0, 7, 'afbefc3d6c6f9a8e'],
  [0x0, 0x0, 8, '3da5c7aa269683e0'],
  [0x0, 0x0, 9, '4b17a9ba9e215c09'],
  [0x0, 0x0, 15, 'ae2a37eb9357caa7'],
  [0x0, 0x0, 16, 'a19ad429b02bc413'],
  [0x0, 0x0, 31, '4a74f3a1a39ad4a1'],
  [0x0, 0x0, 32, '8d57d6a4671cc43d'],
  [0x0, 0x0, 33, '62c9fd21ed857664'],
  [0x0, 0x0, 63, '5c320a0d2707057f'],
  [0x0, 0x0, 64, '7bbabbc45729d17e'],
  [0x0, 0x0, 100, 'efa0ad2d3e70c151'],
  [0x0, 0x0, 257, '6ff15897658784e0'],
  [0x0, 0x0, 1000, '99594f4828043d35'],
  [0x0, 0x1, 0, 'd5afba1336a3be4b'],
  [0x0, 0x1, 1, '0766883a0a47a96a'],
  [0x0, 0x1, 3, '598afe4fbb09d9f6'],
  [0x0, 0x1, 4, '5e9f99aa13de2d02'],
  [0x0, 0x1, 7, 'bd99f1fa0de7b9a4'],
  [0x0, 0x1, 8, '1b4e043a4021aa18'],
  [0x0, 0x1, 9, '2a77c6e783fb18b1'],
  [0x0, 0x1, 15, 'c88bd84841af8ac9'],
  [0x0, 0x1, 16, '78b588afc3e5e956'],
  [0x0, 0x1, 31, 'd7ac4f4bea4e460a'],
  [0x0, 0x1, 32, '8f666909cfd00cc8'],
  [0x0, 0x1, 33, 'b1575979b72c805a'],
  [0x0, 0x1, 63, '61b9cb220da77a86'],
  [0x0, 0x1, 64, 'ee10eee981202ce9'],
  [0x0, 0x1, 100, 'cd8103aecd2ed5cf'],
  [0x0, 0x1, 257, '8dd5be8d13914c22'],
  [0x0, 0x1, 1000, '31db8080bc8eb541'],
  [0x9e3779b9, 0x7f4a7c15, 0, 'c4349fc93c010000'],
  [0x9e3779b9, 0x7f4a7c15, 1, '585882422a6165e7'],
  [0x9e3779b9, 0x7f4a7c15, 3, '5acb303e78133c22'],
  [0x9e3779b9, 0x7f4a7c15, 4, '7d51d5e2461732b3'],
  [0x9e3779b9, 0x7f4a7c15, 7, '2ce9adec2b2c8104'],
  [0x9e3779b9, 0x7f4a7c15, 8, '758848f033fa76a2'],
  [0x9e3779b9, 0x7f4a7c15, 9, 'd4576cf554b7d929'],
  [0x9e3779b9, 0x7f4a7c15, 15, 'a18d5c90d722cee3'],
  [0x9e3779b9, 0x7f4a7c15, 16, 'e3594f9058b426e7'],
  [0x9e3779b9, 0x7f4a7c15, 31, '8137041f5af88413'],
  [0x9e3779b9, 0x7f4a7c15, 32, '184ebcf3745cd46c'],
  [0x9e3779b9, 0x7f4a7c15, 33, '52fac3c981f3cc2e'],
  [0x9e3779b9, 0x7f4a7c15, 63, '64ef99a2e94cc7bd'],
  [0x9e3779b9, 0x7f4a7c15, 64, 'f7f22435fe1ab128'],
  [0x9e3779b9, 0x7f4a7c15, 100, 'bc7ab33be7528c18'],
  [0x9e3779b9, 0x7f4a7c15, 257, '6d1a60579e75f807'],
  [0x9e3779b9, 0x7f4a7c15, 1000, 'da717f741f399f3f'],
  [0xffffffff, 0xffffffff, 0, '298f4c84b24f5380'],
  [0xffffffff, 0xffffffff, 1, 'd7f46261ba7c5b95'],
  [0xffffffff, 0xffffffff, 3, 'c3f45502afca0370'],
  [0xffffffff, 0xffffffff, 4, 'f52503fe9d55f874'],
  [0xffffffff, 0xffffffff, 7, '80c7fbfebd75b559'],
  [0xffffffff, 0xffffffff, 8, '33aee9656e99f801'],
  [0xffffffff, 0xffffffff, 9, '3fe427b68ca14c9d'],
  [0xffffffff, 0xffffffff, 15, '9bb8c61fe82d1156'],
  [0xffffffff, 0xffffffff, 16, '727897b822aaf2ee'],
  [0xffffffff, 0xffffffff, 31, 'abac8592adc08188'],
  [0xffffffff, 0xffffffff, 32, 'a428e1465b2e4331'],
  [0xffffffff, 0xffffffff, 33, '51441ed0f594f61c'],
  [0xffffffff, 0xffffffff, 63, 'f6470ccc2b8c65ca'],
  [0xffffffff, 0xffffffff, 64, '04573ca9335266c2'],
  [0xffffffff, 0xffffffff, 100, 'bd4fcaabf7cad1a6'],
  [0xffffffff, 0xffffffff, 257, 'c5a7c20ba8ca8432'],
  [0xffffffff, 0xffffffff, 1000, '44b2e23187d61c00'],
];

describe('Xxh64', () => {
  it('matches the reference digests for every length class and seed', () => {
    for (const [sh, sl, n, want] of VECTORS) {
      const got = new Xxh64(sh, sl).update(pattern(n)).digest().hex().padStart(16, '0');
      assert.equal(got, want, `seed ${sh.toString(16)}:${sl.toString(16)} length ${n}`);
    }
  });

  it('hashes strings like their bytes', () => {
    assert.equal(xxh64Hex('abc'), '44bc2cf5ad770999');
    assert.equal(xxh64Hex('The quick brown fox jumps over the lazy dog'), 'b242d361fda71bc');
    assert.equal(xxh64Hex('é'), xxh64Hex(Buffer.from('é', 'utf8')));
  });

  it('gives the same digest whatever the chunking, and digests do not end the stream', () => {
    const data = pattern(1000);
    for (const step of [1, 3, 7, 31, 32, 33, 100]) {
      const h = new Xxh64();
      for (let i = 0; i < data.length; i += step) {
        h.update(data, i, Math.min(data.length, i + step));
        if (i === 500) h.digest();
      }
      assert.equal(h.digest().hex(), '99594f4828043d35', `step ${step}`);
    }
    const h = new Xxh64().update(pattern(40));
    assert.equal(h.digest().hex(), new Xxh64().update(pattern(40)).digest().hex());
  });

  it('formats without zero padding', () => {
    assert.equal(hex64(0, 0x1f), '1f');
    assert.equal(hex64(1, 2), '100000002');
  });
});
