// Port rows → `ovsport` nodes, owned by their bridge and linked (layer2) to their interfaces (Skydive §3.3).
import { ovsRowNodeId } from '../topology/ids.js';
import { type OvsdbContext, linkBridgePort, linkPortInterface, rowNode, unlinkPortInterface } from './context.js';
import { type Row, intsOf, mapOf, setOf, stringOf, uuidsOf } from './values.js';

/** Creates or updates the node of a Port row and links it to its interfaces and bridge. */
export function upsertPort(ctx: OvsdbContext, uuid: string, row: Row): void {
  const { graph } = ctx;
  const id = ovsRowNodeId(ctx.hostId, uuid);
  const name = stringOf(row.name);
  if (graph.getNode(id) === undefined) {
    graph.addNode({ ID: id, Metadata: { Name: name, UUID: uuid, Type: 'ovsport' } });
  }
  const set: Record<string, unknown> = { Name: name, Ovs: { OtherConfig: mapOf(row.other_config) } };
  const del: string[] = [];
  const optional = (key: string, value: unknown, present: boolean): void => {
    if (present) set[key] = value;
    else del.push(key);
  };
  const bondMode = stringOf(row.bond_mode);
  const lacp = stringOf(row.lacp);
  const extIds = mapOf(row.external_ids);
  const tags = intsOf(row.tag);
  optional('BondMode', bondMode, bondMode !== '');
  optional('LACP', lacp, lacp !== '');
  optional('ExtID', extIds, Object.keys(extIds).length > 0);
  optional('Vlans', setOf(row.tag).length > 1 ? tags : tags[0], tags.length > 0);
  graph.updateNode(id, { set, delete: del });

  const interfaces = new Set(uuidsOf(row.interfaces));
  const before = ctx.portInterfaces.get(uuid) ?? new Set<string>();
  for (const intfUuid of before) {
    if (interfaces.has(intfUuid)) continue;
    unlinkPortInterface(ctx, uuid, intfUuid);
    if (ctx.interfacePort.get(intfUuid) === uuid) ctx.interfacePort.delete(intfUuid);
  }
  ctx.portInterfaces.set(uuid, interfaces);
  for (const intfUuid of interfaces) {
    ctx.interfacePort.set(intfUuid, uuid);
    linkPortInterface(ctx, uuid, intfUuid);
  }
  const bridgeUuid = ctx.portBridge.get(uuid);
  if (bridgeUuid !== undefined) linkBridgePort(ctx, bridgeUuid, uuid);
}

/** Deletes the node of a deleted Port row. */
export function deletePort(ctx: OvsdbContext, uuid: string): void {
  for (const intfUuid of ctx.portInterfaces.get(uuid) ?? []) {
    if (ctx.interfacePort.get(intfUuid) === uuid) ctx.interfacePort.delete(intfUuid);
  }
  ctx.portInterfaces.delete(uuid);
  const node = rowNode(ctx, uuid);
  if (node !== undefined) ctx.graph.deleteNode(node.ID);
}
