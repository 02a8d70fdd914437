import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppError } from './errors.js';
import { envName, loadConfig } from './config.js';

const defaults = () => ({
  hostId: '',
  analyzer: { listen: '127.0.0.1:8082', gremlin: { timeout: '30s', maxResultSize: 1000 }, indexes: ['Name'] },
  agent: { metadata: {} as Record<string, unknown>, enabled: true },
});

describe('config loading', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'topoflow-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = (text: string): string => {
    const p = join(dir, 'c.yml');
    writeFileSync(p, text);
    return p;
  };

  it('names environment variables after the dotted path', () => {
    assert.equal(envName('analyzer.gremlin.maxResultSize'), 'TOPOFLOW_ANALYZER_GREMLIN_MAX_RESULT_SIZE');
  });

  it('layers defaults, file, then environment', () => {
    const c = loadConfig({
      defaults: defaults(),
      file: file('analyzer:\n  listen: 0.0.0.0:9000\n  gremlin: {timeout: 5s}\nagent:\n  metadata: {mydict: {value: 123}}\n'),
      env: { TOPOFLOW_ANALYZER_GREMLIN_MAX_RESULT_SIZE: '50', TOPOFLOW_AGENT_ENABLED: 'false', HOME: '/root' },
    });
    assert.deepEqual(c.analyzer, { listen: '0.0.0.0:9000', gremlin: { timeout: '5s', maxResultSize: 50 }, indexes: ['Name'] });
    assert.deepEqual(c.agent, { metadata: { mydict: { value: 123 } }, enabled: false });
  });

  it('lists every unknown key and type error', () => {
    try {
      loadConfig({
        defaults: defaults(),
        file: file('analyzr: {}\nanalyzer:\n  gremlin: {timeout: [1]}\n  indexes: nope\n'),
        env: { TOPOFLOW_NOPE: '1' },
      });
      assert.fail('should throw');
    } catch (err) {
      const e = err as AppError;
      assert.equal(e.code, 'COMMON_CONFIG_INVALID');
      assert.deepEqual((e.details?.problems as string[]).map((p) => p.split(':')[0]).sort(), [
        'TOPOFLOW_NOPE', 'analyzer.gremlin.timeout', 'analyzer.indexes', 'analyzr',
      ]);
    }
  });

  it('reports unreadable files and bad YAML', () => {
    assert.throws(() => loadConfig({ defaults: defaults(), file: join(dir, 'missing.yml') }), (e: unknown) => (e as AppError).code === 'COMMON_CONFIG_UNREADABLE');
    assert.throws(() => loadConfig({ defaults: defaults(), file: file('a: [') }), (e: unknown) => (e as AppError).code === 'COMMON_CONFIG_INVALID');
  });

  it('accepts an empty file', () => {
    assert.deepEqual(loadConfig({ defaults: defaults(), file: file('') }), defaults());
  });
});
