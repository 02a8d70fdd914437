// Runs the analyzer service: configuration → wiring → run until SIGINT or SIGTERM, then a clean stop.
import { Reporter, formatAddress } from '@topoflow/common';
import type { AnalyzerServiceConfig } from './config.js';
import { type AnalyzerDeps, createAnalyzer } from './wiring.js';

/** Starts the analyzer and resolves once it has stopped after SIGINT/SIGTERM (a second signal exits at once). */
export async function runAnalyzer(config: AnalyzerServiceConfig, deps: AnalyzerDeps = {}): Promise<void> {
  const reporter = deps.reporter ?? new Reporter('analyzer', {
    ...(deps.logger ? { logger: deps.logger } : { log: config.logging }), defaultMetrics: true,
  });
  const analyzer = createAnalyzer(config, { ...deps, reporter });
  const log = reporter.logger.child({ component: 'main' });
  await analyzer.start();
  const address = analyzer.address;
  log.info({ listen: address ? formatAddress(address) : config.analyzer.listen, hostId: analyzer.hostId }, 'analyzer listening');
  await new Promise<void>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signalled) {
        log.warn({ signal }, 'second signal, exiting now');
        process.exit(1);
      }
      signalled = true;
      log.info({ signal }, 'stopping analyzer');
      analyzer.stop().then(() => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve();
      }, (err: unknown) => {
        log.error({ err }, 'analyzer stop failed');
        process.exitCode = 1;
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
