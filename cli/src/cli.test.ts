import { strict as assert } from 'node:assert';
import { runCli } from './cli.js';

function io() {
  const out: string[] = [];
  const info: string[] = [];
  return { out, info, ctx: { out: (t: string) => void out.push(t), info: (t: string) => void info.push(t), env: {} } };
}

const usage = (err: unknown) => (err as { code?: string }).code === 'CLI_USAGE';

describe('topoflow argument routing', () => {
  it('prints help without arguments and with --help', async () => {
    for (const argv of [[], ['--help'], ['client', 'query', '-h']]) {
      const t = io();
      await runCli(argv, t.ctx, '1.2.3');
      assert.match(t.out.join(''), /^Usage: topoflow/);
    }
  });

  it('prints the version', async () => {
    const t = io();
    await runCli(['version'], t.ctx, '1.2.3');
    assert.deepEqual(t.out, ['topoflow 1.2.3\n']);
  });

  it('refuses unknown commands, unknown options, misplaced options and wrong arity', async () => {
    await assert.rejects(runCli(['client', 'nope'], io().ctx, 'v'), usage);
    await assert.rejects(runCli(['client', 'query', 'G', '--frob'], io().ctx, 'v'), usage);
    await assert.rejects(runCli(['client', 'query', 'G', '--gremlin', 'x'], io().ctx, 'v'), usage);
    await assert.rejects(runCli(['client', 'query'], io().ctx, 'v'), usage);
    await assert.rejects(runCli(['client', 'query', 'a', 'b'], io().ctx, 'v'), usage);
    await assert.rejects(runCli(['client', 'subscribe', '--count', '-1'], io().ctx, 'v'), usage);
    await assert.rejects(runCli(['analyzer', 'extra'], io().ctx, 'v'), usage);
  });

  it('prints the configuration with --dump, refusing bad overrides', async () => {
    const t = io();
    await runCli(['analyzer', '--dump'], { ...t.ctx, env: { TOPOFLOW_ANALYZER_GREMLIN_TIMEOUT: '5s' } }, 'v');
    assert.match(t.out.join(''), /timeout: 5s/);
    await assert.rejects(runCli(['analyzer', '--dump'], { ...t.ctx, env: { TOPOFLOW_ANALYZER_GREMLIN_TIMEOUT: '[1]' } }, 'v'),
      (e: unknown) => (e as { code?: string }).code === 'COMMON_CONFIG_INVALID');
  });

  it('reports an unreachable analyzer clearly', async () => {
    await assert.rejects(runCli(['client', 'query', 'G', '--analyzer', '127.0.0.1:1'], io().ctx, 'v'),
      (e: unknown) => (e as { code?: string }).code === 'CLI_CONNECT_FAILED');
  });
});

describe('topoflow client shell completion', () => {
  it('completes the identifier being typed, case-insensitively', async () => {
    const { completer } = await import('./commands/shell.js');
    const c = completer(['Has', 'HasKey', 'HasNot', 'Out', 'OutE']);
    assert.deepEqual(c("G.V().ha"), [['Has', 'HasKey', 'HasNot'], 'ha']);
    assert.deepEqual(c('G.V().Has(\'x\').Ou'), [['Out', 'OutE'], 'Ou']);
    assert.deepEqual(c('G.V().'), [[], '']);
  });
});
