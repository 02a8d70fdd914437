// Runs the analyzer service: configuration → wiring → run until SIGINT or SIGTERM, then a clean stop.
import { Reporter, formatAddress, untilSignalled } from '@topoflow/common';
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
  await untilSignalled(() => analyzer.stop(), log, 'analyzer');
}
