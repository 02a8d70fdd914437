// State shared by the OVSDB row handlers: the graph, the host, and which rows reference which (bridge → ports,
// port → interfaces), plus the bridge/port/interface linking rules of Skydive's OVSDB probe.
import type { Graph, Node } from '@topoflow/graph';
import { LAYER2, OWNERSHIP, ensureLink, ownerOf, removeLink, setOwner } from '../topology/links.js';
import { ovsRowNodeId } from '../topology/ids.js';

/** Interface types whose device OVS itself provides (no kernel netdev of their own, or one OVS drives). */
export const OVS_DRIVEN_TYPES: ReadonlySet<string> = new Set(['dpdk', 'dpdkvhostuser', 'dpdkvhostuserclient', 'patch', 'internal']);

/** Interface types that are tunnels (LocalIP/RemoteIP from their options). */
export const TUNNEL_TYPES: ReadonlySet<string> = new Set(['gre', 'vxlan', 'geneve', 'stt', 'lisp', 'erspan', 'ip6gre', 'ip6erspan', 'gtpu', 'bareudp']);

/** What OVS said about one Interface row, and which node shows it. */
export interface InterfaceEntry {
  nodeId: string;
  name: string;
  type: string;
}

/** The state the row handlers share. */
export interface OvsdbContext {
  readonly graph: Graph;
  readonly hostId: string;
  readonly hostNodeId: string;
  /** Bridge UUID → its port UUIDs. */
  readonly bridgePorts: Map<string, Set<string>>;
  /** Port UUID → its bridge UUID. */
  readonly portBridge: Map<string, string>;
  /** Port UUID → its interface UUIDs. */
  readonly portInterfaces: Map<string, Set<string>>;
  /** Interface UUID → its port UUID. */
  readonly interfacePort: Map<string, string>;
  /** Interface UUID → its node. */
  readonly interfaces: Map<string, InterfaceEntry>;
}

/** A fresh, empty context. */
export function createContext(graph: Graph, hostId: string, hostNodeId: string): OvsdbContext {
  return {
    graph, hostId, hostNodeId,
    bridgePorts: new Map(), portBridge: new Map(), portInterfaces: new Map(), interfacePort: new Map(), interfaces: new Map(),
  };
}

/** The node of a bridge or port row, if it exists. */
export function rowNode(ctx: OvsdbContext, uuid: string): Node | undefined {
  return ctx.graph.getNode(ovsRowNodeId(ctx.hostId, uuid));
}

/** The node showing an interface row, if it exists. */
export function interfaceNode(ctx: OvsdbContext, uuid: string): Node | undefined {
  const e = ctx.interfaces.get(uuid);
  return e === undefined ? undefined : ctx.graph.getNode(e.nodeId);
}

/** Nodes with a given Name, through the index when there is one. */
export function nodesNamed(graph: Graph, name: string): Node[] {
  const indexed = graph.lookupNodes('Name', name);
  if (indexed !== undefined) return indexed;
  const out: Node[] = [];
  for (const n of graph.nodes()) if (n.Metadata.Name === name) out.push(n);
  return out;
}

/** True when OVS drives the interface, so its bridge may own it (Skydive's isOvsDrivenInterface). */
export function isOvsDriven(node: Node): boolean {
  const type = node.Metadata.Type;
  return node.Metadata.Driver === 'openvswitch' || (typeof type === 'string' && OVS_DRIVEN_TYPES.has(type));
}

/** Bridge-link rule: an OVS-driven interface without an ownership parent is owned by its bridge. */
export function bridgeLinkInterface(ctx: OvsdbContext, bridgeUuid: string, intfUuid: string): void {
  const bridge = rowNode(ctx, bridgeUuid);
  const intf = interfaceNode(ctx, intfUuid);
  if (bridge === undefined || intf === undefined) return;
  if (isOvsDriven(intf) && ownerOf(ctx.graph, intf.ID) === undefined) setOwner(ctx.graph, bridge.ID, intf.ID);
}

/** Links a port to its interface (layer2) and, when the bridge is known, the interface to the bridge. */
export function linkPortInterface(ctx: OvsdbContext, portUuid: string, intfUuid: string): void {
  const port = rowNode(ctx, portUuid);
  const intf = interfaceNode(ctx, intfUuid);
  if (port === undefined || intf === undefined) return;
  ensureLink(ctx.graph, port.ID, intf.ID, LAYER2);
  const bridgeUuid = ctx.portBridge.get(portUuid);
  if (bridgeUuid !== undefined) bridgeLinkInterface(ctx, bridgeUuid, intfUuid);
}

/** Undoes linkPortInterface (the interface left the port). */
export function unlinkPortInterface(ctx: OvsdbContext, portUuid: string, intfUuid: string): void {
  const port = rowNode(ctx, portUuid);
  const intf = interfaceNode(ctx, intfUuid);
  if (intf === undefined) return;
  if (port !== undefined) removeLink(ctx.graph, port.ID, intf.ID, LAYER2);
  const bridgeUuid = ctx.portBridge.get(portUuid);
  const bridge = bridgeUuid === undefined ? undefined : rowNode(ctx, bridgeUuid);
  if (bridge !== undefined) removeLink(ctx.graph, bridge.ID, intf.ID, OWNERSHIP);
}

/** Makes the bridge own the port (ownership + layer2) and bridge-links the port's interfaces. */
export function linkBridgePort(ctx: OvsdbContext, bridgeUuid: string, portUuid: string): void {
  const bridge = rowNode(ctx, bridgeUuid);
  const port = rowNode(ctx, portUuid);
  if (bridge === undefined || port === undefined) return;
  setOwner(ctx.graph, bridge.ID, port.ID);
  ensureLink(ctx.graph, bridge.ID, port.ID, LAYER2);
  for (const intfUuid of ctx.portInterfaces.get(portUuid) ?? []) bridgeLinkInterface(ctx, bridgeUuid, intfUuid);
}

/** Undoes linkBridgePort (the port left the bridge). */
export function unlinkBridgePort(ctx: OvsdbContext, bridgeUuid: string, portUuid: string): void {
  const bridge = rowNode(ctx, bridgeUuid);
  if (bridge === undefined) return;
  const port = rowNode(ctx, portUuid);
  if (port !== undefined) {
    removeLink(ctx.graph, bridge.ID, port.ID, OWNERSHIP);
    removeLink(ctx.graph, bridge.ID, port.ID, LAYER2);
  }
  for (const intfUuid of ctx.portInterfaces.get(portUuid) ?? []) {
    const intf = interfaceNode(ctx, intfUuid);
    if (intf !== undefined) removeLink(ctx.graph, bridge.ID, intf.ID, OWNERSHIP);
  }
}
