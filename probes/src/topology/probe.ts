// The contract of a topology probe: a component that fills the agent's graph under a root node.
import type { Component } from '@topoflow/common';

/** A topology probe (netns, netlink, ovsdb…). */
export interface TopologyProbe extends Component {
  /** Short name shown in status and metrics (`netlink`, `ovsdb`…). */
  readonly name: string;
  /** Probe-specific status for GET /api/status. */
  status(): Record<string, unknown>;
}
