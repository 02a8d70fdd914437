// Bridge rows → `ovsbridge` nodes owned by the host, linked to their ports (Skydive §3.2).
import { setOwner } from '../topology/links.js';
import { ovsRowNodeId } from '../topology/ids.js';
import { type OvsdbContext, linkBridgePort, rowNode, unlinkBridgePort } from './context.js';
import { type Row, mapOf, stringOf, stringsOf, uuidsOf } from './values.js';

/** Creates or updates the node of a Bridge row and links it to its ports. */
export function upsertBridge(ctx: OvsdbContext, uuid: string, row: Row): void {
  const { graph } = ctx;
  const id = ovsRowNodeId(ctx.hostId, uuid);
  const name = stringOf(row.name);
  if (graph.getNode(id) === undefined) {
    graph.addNode({ ID: id, Metadata: { Name: name, UUID: uuid, Type: 'ovsbridge' } });
  }
  if (graph.getNode(ctx.hostNodeId) !== undefined) setOwner(graph, ctx.hostNodeId, id);
  const extIds = mapOf(row.external_ids);
  graph.updateNode(id, {
    set: {
      Name: name,
      Ovs: { OtherConfig: mapOf(row.other_config), Protocols: stringsOf(row.protocols) },
      ...(Object.keys(extIds).length > 0 ? { ExtID: extIds } : {}),
    },
    delete: Object.keys(extIds).length > 0 ? [] : ['ExtID'],
  });

  const ports = new Set(uuidsOf(row.ports));
  const before = ctx.bridgePorts.get(uuid) ?? new Set<string>();
  for (const portUuid of before) {
    if (ports.has(portUuid)) continue;
    unlinkBridgePort(ctx, uuid, portUuid);
    if (ctx.portBridge.get(portUuid) === uuid) ctx.portBridge.delete(portUuid);
  }
  ctx.bridgePorts.set(uuid, ports);
  for (const portUuid of ports) {
    ctx.portBridge.set(portUuid, uuid);
    linkBridgePort(ctx, uuid, portUuid);
  }
}

/** Deletes the node of a deleted Bridge row. */
export function deleteBridge(ctx: OvsdbContext, uuid: string): void {
  for (const portUuid of ctx.bridgePorts.get(uuid) ?? []) {
    if (ctx.portBridge.get(portUuid) === uuid) ctx.portBridge.delete(portUuid);
  }
  ctx.bridgePorts.delete(uuid);
  const node = rowNode(ctx, uuid);
  if (node !== undefined) ctx.graph.deleteNode(node.ID);
}
