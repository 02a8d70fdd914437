// Helpers every service shares: run until SIGINT/SIGTERM then stop cleanly, bound a stop in time, stop parts
// in order without letting one failure skip the others, and read a package's version.
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';

/**
 * Resolves once `stop()` has run after the first SIGINT or SIGTERM; a second signal exits at once with code 1.
 * A failing stop sets the process exit code to 1.
 */
export function untilSignalled(stop: () => Promise<void>, log: Logger, what: string): Promise<void> {
  return new Promise<void>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signalled) {
        log.warn({ signal }, 'second signal, exiting now');
        process.exit(1);
      }
      signalled = true;
      log.info({ signal, service: what }, 'stopping');
      stop().catch((err: unknown) => {
        log.error({ err, service: what }, 'stop failed');
        process.exitCode = 1;
      }).finally(() => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** Waits for `work`, at most `timeoutMs`; `onTimeout` runs when the bound is hit (the work is left running). */
export async function within(work: Promise<void>, timeoutMs: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      onTimeout();
      resolve();
    }, timeoutMs);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every step in order; a failing step is logged and the next ones still run. */
export async function stopInOrder(steps: readonly (() => Promise<void>)[], log: Logger, message: string): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      log.warn({ err }, message);
    }
  }
}

/** The `version` of the package.json at `url` ('0.0.0' when unreadable). */
export function packageVersion(url: URL): string {
  try {
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
