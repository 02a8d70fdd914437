// The Open_vSwitch row decorates the host's `ovs-system` interface (made by the netlink probe) (Skydive §3.6).
import { OWNERSHIP } from '../topology/links.js';
import type { OvsdbContext } from './context.js';
import { type Row, mapOf, stringOf } from './values.js';

/** Sets Ovs.{OtherConfig, Version, DBVersion} and ExtID.* on the host's ovs-system node when it exists. */
export function updateOpenVswitch(ctx: OvsdbContext, row: Row): void {
  for (const e of ctx.graph.outEdges(ctx.hostNodeId)) {
    if (e.Metadata.RelationType !== OWNERSHIP) continue;
    const child = ctx.graph.getNode(e.Child);
    if (child?.Metadata.Name !== 'ovs-system' || child.Metadata.Type !== 'openvswitch') continue;
    const extIds = mapOf(row.external_ids);
    ctx.graph.updateNode(child.ID, {
      set: {
        Ovs: { OtherConfig: mapOf(row.other_config), Version: stringOf(row.ovs_version), DBVersion: stringOf(row.db_version) },
        ...(Object.keys(extIds).length > 0 ? { ExtID: extIds } : {}),
      },
    });
  }
}
