// Runs the agent service: configuration → wiring → run until SIGINT or SIGTERM, then a clean stop.
import { Reporter, formatAddress, untilSignalled } from '@topoflow/common';
import type { AgentServiceConfig } from './config.js';
import { type AgentDeps, createAgent } from './wiring.js';

/** Starts the agent and resolves once it has stopped after SIGINT/SIGTERM (a second signal exits at once). */
export async function runAgent(config: AgentServiceConfig, deps: AgentDeps = {}): Promise<void> {
  const reporter = deps.reporter ?? new Reporter('agent', {
    ...(deps.logger ? { logger: deps.logger } : { log: config.logging }), defaultMetrics: true,
  });
  const agent = createAgent(config, { ...deps, reporter });
  const log = reporter.logger.child({ component: 'main' });
  await agent.start();
  const address = agent.address;
  log.info({ listen: address ? formatAddress(address) : config.agent.listen, hostId: agent.hostId }, 'agent listening');
  await untilSignalled(() => agent.stop(), log, 'agent');
}
