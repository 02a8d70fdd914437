import { strict as assert } from 'node:assert';
import { pino } from 'pino';
import { packageVersion, stopInOrder, untilSignalled, within } from './service.js';

const log = pino({ level: 'silent' });

describe('service helpers', () => {
  it('bounds a wait and reports the timeout', async () => {
    let timedOut = false;
    await within(new Promise<void>(() => undefined), 20, () => (timedOut = true));
    assert.equal(timedOut, true);
    timedOut = false;
    await within(Promise.resolve(), 1000, () => (timedOut = true));
    assert.equal(timedOut, false);
  });

  it('runs every stop step even when one fails', async () => {
    const ran: number[] = [];
    await stopInOrder([async () => void ran.push(1), async () => { throw new Error('x'); }, async () => void ran.push(3)], log, 'failed');
    assert.deepEqual(ran, [1, 3]);
  });

  it('stops once on SIGTERM and removes its signal handlers', async () => {
    const before = process.listenerCount('SIGTERM');
    let stops = 0;
    const done = untilSignalled(async () => void stops++, log, 'test');
    assert.equal(process.listenerCount('SIGTERM'), before + 1);
    process.emit('SIGTERM', 'SIGTERM');
    await done;
    assert.equal(stops, 1);
    assert.equal(process.listenerCount('SIGTERM'), before);
  });

  it('reads a package version, 0.0.0 when unreadable', () => {
    assert.match(packageVersion(new URL('../package.json', import.meta.url)), /^\d+\.\d+\.\d+/);
    assert.equal(packageVersion(new URL('file:///nonexistent/package.json')), '0.0.0');
  });
});
