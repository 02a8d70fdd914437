// The rows of a planned append as they cross to the writer thread: numbers packed in one Float64Array (moved,
// not copied) and the strings in arrays, so posting costs a few copies of text instead of a clone per row object.
import { EDGE, type RevisionRow } from '../rows.js';

/** Numbers per row: seq, kind, eid, sid, createdAt, updatedAt, deletedAt, revision, base (NaN for null). */
export const ROW_NUMS = 9;

/** Rows as columns. */
export interface RowColumns {
  readonly nums: Float64Array;
  /** Metadata JSON (keyframe) or delta JSON, per row. */
  readonly meta: readonly string[];
  /** [parent, child] of edge rows, null for nodes. */
  readonly ends: ReadonlyArray<readonly [string, string] | null>;
}

/** Packs rows into columns. */
export function toColumns(rows: readonly RevisionRow[]): RowColumns {
  const nums = new Float64Array(rows.length * ROW_NUMS);
  const meta = new Array<string>(rows.length);
  const ends = new Array<readonly [string, string] | null>(rows.length);
  for (let i = 0, o = 0; i < rows.length; i++, o += ROW_NUMS) {
    const r = rows[i] as RevisionRow;
    nums[o] = r.seq;
    nums[o + 1] = r.kind;
    nums[o + 2] = r.eid;
    nums[o + 3] = r.sid;
    nums[o + 4] = r.createdAt;
    nums[o + 5] = r.updatedAt;
    nums[o + 6] = r.deletedAt ?? NaN;
    nums[o + 7] = r.revision;
    nums[o + 8] = r.base ?? NaN;
    meta[i] = r.meta;
    ends[i] = r.kind === EDGE ? [r.parent ?? '', r.child ?? ''] : null;
  }
  return { nums, meta, ends };
}
