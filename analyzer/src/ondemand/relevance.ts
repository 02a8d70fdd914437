// Which graph changes can change where captures run: capturable nodes coming and going, links, and metadata
// changes other than counters (interface metrics and capture counters change all the time and select nothing).
import type { GraphEvent, MetadataOp, Node } from '@topoflow/graph';
import { isCapturableNodeType } from '../captures/types.js';

/** Metadata keys (and their sub-keys) whose changes never move a capture. */
const VOLATILE_KEYS = ['Metric', 'LastUpdateMetric', 'Captures', 'SFlow', 'Ovs.Metric', 'Ovs.LastUpdateMetric'];

function volatile(op: MetadataOp): boolean {
  return VOLATILE_KEYS.some((k) => op.Key === k || op.Key.startsWith(`${k}.`));
}

/** True when a node may be captured: a capturable type and an owning host. */
export function capturable(n: Node): boolean {
  return n.Host !== '' && isCapturableNodeType(n.Metadata.Type);
}

/** True when the event may change which nodes the captures run on. */
export function movesCaptures(ev: GraphEvent): boolean {
  switch (ev.type) {
    case 'nodeAdded':
    case 'nodeDeleted':
      return capturable(ev.node);
    case 'nodeUpdated':
      return ev.ops.some((op) => !volatile(op));
    case 'edgeAdded':
    case 'edgeDeleted':
      return true;
    case 'edgeUpdated':
      return ev.ops.some((op) => op.Key === 'RelationType');
    default:
      return false;
  }
}

/** True when the event changed a node's `Captures` metadata (where an unknown capture may need a stop). */
export function touchesCaptures(ev: GraphEvent): boolean {
  if (ev.type === 'nodeAdded') return ev.node.Metadata.Captures !== undefined;
  if (ev.type === 'nodeUpdated') return ev.ops.some((op) => op.Key === 'Captures' || op.Key.startsWith('Captures.'));
  return false;
}
