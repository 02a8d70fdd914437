// Applying and computing metadata op lists, so every update carries exactly what changed.
import type { Metadata, MetadataOp } from '../model.js';
import { OP_DELETE, OP_SET } from '../model.js';
import { deepEqual } from './deep-equal.js';
import { deletePath, getPath, setPath } from './paths.js';

/** Applies ops in order; returns the new metadata and the ops that really changed something. */
export function applyOps(metadata: Readonly<Metadata>, ops: readonly MetadataOp[]): { metadata: Readonly<Metadata>; applied: MetadataOp[] } {
  let cur: Readonly<Metadata> = metadata;
  const applied: MetadataOp[] = [];
  for (const op of ops) {
    if (op.Type === OP_SET) {
      if (deepEqual(getPath(cur, op.Key), op.Value)) continue;
      const next = setPath(cur, op.Key, op.Value);
      if (next === undefined) continue;
      cur = next;
      applied.push({ Type: OP_SET, Key: op.Key, Value: op.Value });
    } else if (op.Type === OP_DELETE) {
      const next = deletePath(cur, op.Key);
      if (next === undefined) continue;
      cur = next;
      applied.push({ Type: OP_DELETE, Key: op.Key });
    }
  }
  return { metadata: cur, applied };
}

/** The top-level ops that turn `before` into `after` (empty when equal). */
export function diffOps(before: Readonly<Metadata>, after: Readonly<Metadata>): MetadataOp[] {
  const ops: MetadataOp[] = [];
  for (const k of Object.keys(before)) {
    if (!Object.prototype.hasOwnProperty.call(after, k)) ops.push({ Type: OP_DELETE, Key: k });
  }
  for (const [k, v] of Object.entries(after)) {
    if (!deepEqual(before[k], v)) ops.push({ Type: OP_SET, Key: k, Value: v });
  }
  return ops;
}
