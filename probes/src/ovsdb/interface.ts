// Interface rows → interface nodes: decorates the netlink probe's node of the same kernel interface when there
// is one, else makes its own; links patch peers, ports and bridges (Skydive §3.4).
import type { Node } from '@topoflow/graph';
import { LAYER2, OWNERSHIP, ensureLink } from '../topology/links.js';
import { ovsRowNodeId } from '../topology/ids.js';
import { type OvsdbContext, TUNNEL_TYPES, interfaceNode, linkPortInterface, nodesNamed } from './context.js';
import { type Row, intOf, mapOf, stringOf } from './values.js';

const NOT_INTERFACES: ReadonlySet<unknown> = new Set(['ovsbridge', 'ovsport', 'host', 'netns']);

/** The netlink-made node of the same kernel interface: same Name, same IfIndex when known, no or the same UUID. */
function findKernelNode(ctx: OvsdbContext, uuid: string, name: string, ifIndex: number, exclude: string): Node | undefined {
  for (const n of nodesNamed(ctx.graph, name)) {
    const md = n.Metadata;
    if (n.ID === exclude || NOT_INTERFACES.has(md.Type)) continue;
    if (md.UUID !== undefined && md.UUID !== uuid) continue;
    if (ifIndex > 0 && md.IfIndex !== ifIndex) continue;
    return n;
  }
  return undefined;
}

/** Picks the node showing the row: a kernel (netlink) node wins over the one OVS made, which is then deleted. */
function resolveNode(ctx: OvsdbContext, uuid: string, name: string, ifIndex: number): string {
  const own = ovsRowNodeId(ctx.hostId, uuid);
  const current = interfaceNode(ctx, uuid)?.ID;
  if (current !== undefined && current !== own) return current;
  const kernel = findKernelNode(ctx, uuid, name, ifIndex, own);
  if (kernel !== undefined) {
    if (ctx.graph.getNode(own) !== undefined) ctx.graph.deleteNode(own);
    return kernel.ID;
  }
  if (ctx.graph.getNode(own) === undefined) ctx.graph.addNode({ ID: own, Metadata: { Name: name, UUID: uuid } });
  return own;
}

/** The metadata OVS contributes to an interface node: keys to set and keys to delete. */
function interfaceMetadata(node: Node, uuid: string, row: Row): { set: Record<string, unknown>; delete: string[] } {
  const type = stringOf(row.type);
  const status = mapOf(row.status);
  const options = mapOf(row.options);
  const extIds = mapOf(row.external_ids);
  const set: Record<string, unknown> = { UUID: uuid };
  const del: string[] = [];
  if (node.Metadata.Driver === undefined) set.Driver = status.driver_name || 'openvswitch';
  const ofPort = intOf(row.ofport);
  if (ofPort !== 0) set.OfPort = ofPort;
  else del.push('OfPort');
  const mac = stringOf(row.mac_in_use);
  if (mac !== '' && type !== 'internal') set.MAC = mac;
  const ifIndex = intOf(row.ifindex);
  if (ifIndex > 0) set.IfIndex = ifIndex;
  if (type !== '') set.Type = type;
  if (Object.keys(extIds).length > 0) set.ExtID = extIds;
  else del.push('ExtID');
  const error = stringOf(row.error);
  set.Ovs = { Options: options, OtherConfig: mapOf(row.other_config), ...(error !== '' ? { Error: error } : {}) };
  if (TUNNEL_TYPES.has(type)) {
    if (options.local_ip !== undefined) set.LocalIP = options.local_ip;
    if (options.remote_ip !== undefined) set.RemoteIP = options.remote_ip;
    if (status.tunnel_egress_iface !== undefined) set.TunEgressIface = status.tunnel_egress_iface;
    if (status.tunnel_egress_iface_carrier !== undefined) set.TunEgressIfaceCarrier = status.tunnel_egress_iface_carrier;
  }
  return { set, delete: del };
}

/** Links a patch interface to its peer with one layer2 edge of Type patch, whichever side comes first. */
function linkPatchPeer(ctx: OvsdbContext, nodeId: string, peerName: string): void {
  let peerId: string | undefined;
  for (const [peerUuid, e] of ctx.interfaces) {
    if (e.name === peerName && e.type === 'patch') peerId = interfaceNode(ctx, peerUuid)?.ID;
  }
  peerId ??= nodesNamed(ctx.graph, peerName).find((n) => n.Metadata.Type === 'patch')?.ID;
  if (peerId !== undefined && peerId !== nodeId) ensureLink(ctx.graph, nodeId, peerId, LAYER2, { Type: 'patch' }, true);
}

/** Creates, adopts or updates the node of an Interface row and links it to its peer, port and bridge. */
export function upsertInterface(ctx: OvsdbContext, uuid: string, row: Row): void {
  const name = stringOf(row.name);
  const type = stringOf(row.type);
  const nodeId = resolveNode(ctx, uuid, name, intOf(row.ifindex));
  ctx.interfaces.set(uuid, { nodeId, name, type });
  const node = ctx.graph.getNode(nodeId) as Node;
  ctx.graph.updateNode(nodeId, interfaceMetadata(node, uuid, row));
  const peer = mapOf(row.options).peer;
  if (type === 'patch' && peer !== undefined) linkPatchPeer(ctx, nodeId, peer);
  const portUuid = ctx.interfacePort.get(uuid);
  if (portUuid !== undefined) linkPortInterface(ctx, portUuid, uuid);
}

/** Deletes an OVS-made interface node; a kernel interface's node only loses what OVS added. */
export function deleteInterface(ctx: OvsdbContext, uuid: string): void {
  const node = interfaceNode(ctx, uuid);
  ctx.interfaces.delete(uuid);
  if (node === undefined) return;
  if (node.Metadata.Driver === 'openvswitch') {
    ctx.graph.deleteNode(node.ID);
    return;
  }
  for (const e of [...ctx.graph.inEdges(node.ID), ...ctx.graph.outEdges(node.ID)]) {
    const other = ctx.graph.getNode(e.Parent === node.ID ? e.Child : e.Parent);
    const fromOvs = other?.Metadata.Type === 'ovsport' || other?.Metadata.Type === 'ovsbridge';
    const isPatch = e.Metadata.RelationType === LAYER2 && e.Metadata.Type === 'patch';
    if ((fromOvs && (e.Metadata.RelationType === LAYER2 || e.Metadata.RelationType === OWNERSHIP)) || isPatch) ctx.graph.deleteEdge(e.ID);
  }
  ctx.graph.updateNode(node.ID, { delete: ['UUID', 'OfPort', 'Ovs', 'ExtID'] });
}
