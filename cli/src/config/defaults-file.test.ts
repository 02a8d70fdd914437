import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { leafPaths, loadConfig } from '@topoflow/common';
import { defaultTopoflowConfig } from '../commands/service.js';

const FILE = new URL('../../../etc/topoflow.yml.default', import.meta.url);

describe('etc/topoflow.yml.default', () => {
  it('holds exactly the defaults of every service (hostId, logging, analyzer, agent)', () => {
    const loaded = loadConfig({ defaults: defaultTopoflowConfig(), file: FILE.pathname });
    assert.deepEqual(loaded, defaultTopoflowConfig());
  });

  it('writes every key out with a comment line above it', () => {
    const lines = readFileSync(FILE, 'utf8').split('\n');
    const keyLines = lines.map((l, i) => ({ l, i })).filter(({ l }) => /^\s*[A-Za-z]+:/.test(l));
    const leaves = new Set(leafPaths(defaultTopoflowConfig()).map((p) => p.split('.').pop()));
    for (const { l, i } of keyLines) {
      const key = l.trim().split(':')[0] as string;
      const isLeaf = !/:\s*$/.test(l);
      if (isLeaf) assert.match(lines[i - 1] ?? '', /^\s*#/, `no comment above ${key}`);
      if (isLeaf) assert.ok(leaves.has(key), `${key} is not a key of the service`);
    }
    assert.equal(keyLines.filter(({ l }) => !/:\s*$/.test(l)).length, leafPaths(defaultTopoflowConfig()).length);
  });
});
