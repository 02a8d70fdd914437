// runAnalyzer: starts, logs where it listens, and stops cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Reporter, createLogger } from '@topoflow/common';
import { runAnalyzer } from './main.js';
import { sampleEngine, testAnalyzerConfig } from './testing.js';

describe('runAnalyzer', () => {
  it('runs until SIGTERM and then stops', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const reporter = new Reporter('analyzer', { logger: createLogger({ level: 'info', format: 'json' }, sink) });
    const running = runAnalyzer(testAnalyzerConfig(), { reporter, engine: sampleEngine() });
    const deadline = Date.now() + 3000;
    let listen: string | undefined;
    while (listen === undefined && Date.now() < deadline) {
      listen = lines.find((l) => l.msg === 'analyzer listening')?.listen as string | undefined;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(listen, 'the listen address is logged');
    const res = await fetch(`http://${listen}/readyz`);
    assert.equal(res.status, 200);
    process.emit('SIGTERM');
    await running;
    assert.ok(lines.some((l) => l.msg === 'analyzer stopped'));
    await assert.rejects(fetch(`http://${listen}/readyz`));
  });
});
