// `topoflow analyzer`, `topoflow agent` and `topoflow allinone`: load the one configuration file (hostId, logging,
// analyzer, agent), run the service(s) until signalled, and stop cleanly.
import { type AnalyzerServiceConfig, createAnalyzer, defaultAnalyzerConfig, defaultEtcdConfig, runAnalyzer } from '@topoflow/analyzer';
import { type AgentServiceConfig, createAgent, defaultAgentConfig, runAgent } from '@topoflow/agent';
import { type Address, type LogConfig, Reporter, createLogger, dumpConfig, formatAddress, loadConfig, stopInOrder, untilSignalled } from '@topoflow/common';
import type { CommandContext } from './context.js';

/** The whole configuration file: what every service reads (a type alias, so loadConfig accepts it as a tree). */
export type TopoflowConfig = {
  hostId: string;
  logging: LogConfig;
  analyzer: AnalyzerServiceConfig['analyzer'];
  etcd: AnalyzerServiceConfig['etcd'];
  agent: AgentServiceConfig['agent'];
};

/** Defaults of the configuration file (etc/topoflow.yml.default lists exactly these). */
export function defaultTopoflowConfig(): TopoflowConfig {
  return {
    hostId: '', logging: { level: 'info', format: 'auto' }, analyzer: defaultAnalyzerConfig(), etcd: defaultEtcdConfig(), agent: defaultAgentConfig(),
  };
}

/** The services the CLI runs. */
export type ServiceName = 'analyzer' | 'agent' | 'allinone';

/** Loads defaults ← file ← TOPOFLOW_* environment; --dump prints the result instead of running. */
export async function serviceCommand(ctx: CommandContext, name: ServiceName, file: string | undefined, dump: boolean): Promise<void> {
  const config = loadConfig({ defaults: defaultTopoflowConfig(), file, env: ctx.env });
  if (dump) {
    ctx.out(dumpConfig(config));
    return;
  }
  const { hostId, logging, etcd } = config;
  if (name === 'analyzer') return runAnalyzer({ hostId, logging, analyzer: config.analyzer, etcd });
  if (name === 'agent') return runAgent({ hostId, logging, agent: config.agent });
  return runAllInOne(config);
}

/** Where a local client reaches a listening address (a wildcard bind is reached on loopback). */
function reachable(a: Address): string {
  const host = a.host === '0.0.0.0' || a.host === '::' || a.host === '' ? '127.0.0.1' : a.host;
  return formatAddress({ host, port: a.port });
}

/** Runs the analyzer and an agent forwarding to it in one process, until SIGINT/SIGTERM. */
async function runAllInOne(config: TopoflowConfig): Promise<void> {
  const logger = createLogger(config.logging);
  const log = logger.child({ component: 'main' });
  const analyzer = createAnalyzer({ hostId: config.hostId, logging: config.logging, analyzer: config.analyzer, etcd: config.etcd }, {
    reporter: new Reporter('analyzer', { logger, defaultMetrics: true }),
  });
  await analyzer.start();
  const address = reachable(analyzer.address as Address);
  const agent = createAgent({ hostId: config.hostId, logging: config.logging, agent: { ...config.agent, analyzers: [address] } }, {
    reporter: new Reporter('agent', { logger }),
  });
  try {
    await agent.start();
  } catch (err) {
    await analyzer.stop();
    throw err;
  }
  log.info({ analyzer: address, agent: agent.address ? formatAddress(agent.address) : config.agent.listen, hostId: agent.hostId }, 'allinone running');
  await untilSignalled(async () => {
    await stopInOrder([() => agent.stop(), () => analyzer.stop()], log, 'stop failed');
  }, log, 'allinone');
}
