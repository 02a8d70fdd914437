// Builds the topology probes the configuration names, wired to the agent's graph under its host node.
import type { Clock, Reporter } from '@topoflow/common';
import type { MemoryGraph } from '@topoflow/graph';
import { NetnsProbe, OvsdbProbe, type TopologyProbe } from '@topoflow/probes';
import type { AgentTopologyConfig } from './config.js';
import { AgentErrors, agentError } from './errors.js';

/** What every probe is built with. */
export interface ProbeDeps {
  graph: MemoryGraph;
  hostId: string;
  hostNodeId: string;
  reporter: Reporter;
  clock: Clock;
}

/** The probes of `config.probes`, in that order (names are checked by resolveAgentConfig). */
export function buildProbes(config: AgentTopologyConfig, deps: ProbeDeps): TopologyProbe[] {
  const base = { graph: deps.graph, hostId: deps.hostId, hostNodeId: deps.hostNodeId, clock: deps.clock };
  return config.probes.map((name): TopologyProbe => {
    switch (name) {
      case 'netns':
        return new NetnsProbe(config.netns, { ...base, reporter: deps.reporter.child('netns') });
      case 'ovsdb':
        return new OvsdbProbe(config.ovsdb, { ...base, reporter: deps.reporter.child('ovsdb') });
      default:
        throw agentError(AgentErrors.CONFIG_INVALID, `unknown topology probe "${name}"`, { probe: name });
    }
  });
}
