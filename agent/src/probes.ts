// Builds the topology probes the configuration names, wired to the agent's graph under its host node. The
// netlink probe watches the root namespace and every namespace the netns probe finds, so it starts first.
import type { Clock, Reporter } from '@topoflow/common';
import type { MemoryGraph } from '@topoflow/graph';
import { NetlinkProbe, NetnsProbe, OvsdbProbe, type TopologyProbe } from '@topoflow/probes';
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

/** The probes of `config.probes`, netlink (when named) first, then the others in their configured order. */
export function buildProbes(config: AgentTopologyConfig, deps: ProbeDeps): TopologyProbe[] {
  const base = { graph: deps.graph, hostId: deps.hostId, hostNodeId: deps.hostNodeId, clock: deps.clock };
  const netlink = config.probes.includes('netlink')
    ? new NetlinkProbe(config.netlink, { ...base, reporter: deps.reporter.child('netlink') })
    : undefined;
  const others = config.probes.filter((name) => name !== 'netlink').map((name): TopologyProbe => {
    switch (name) {
      case 'netns':
        return new NetnsProbe(config.netns, {
          ...base, reporter: deps.reporter.child('netns'),
          ...(netlink ? {
            onNamespace: (change: 'added' | 'removed', ns: { key: string; path: string; nodeId: string }) => {
              if (change === 'added') void netlink.addNamespace(ns);
              else netlink.removeNamespace(ns.key);
            },
          } : {}),
        });
      case 'ovsdb':
        return new OvsdbProbe(config.ovsdb, { ...base, reporter: deps.reporter.child('ovsdb') });
      default:
        throw agentError(AgentErrors.CONFIG_INVALID, `unknown topology probe "${name}"`, { probe: name });
    }
  });
  return netlink ? [netlink, ...others] : others;
}
