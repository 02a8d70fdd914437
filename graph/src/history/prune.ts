// Which stored rows of one element a retention pass removes: every row no read at or after the horizon can see,
// except keyframes that kept rows still need, which are closed instead so they never become visible again.

/** The columns pruning looks at. */
export interface PruneRow {
  readonly seq: number;
  readonly eid: number;
  readonly kind: number;
  readonly updatedAt: number;
  readonly deletedAt: number | null;
  readonly base: number | null;
}

/** One decision: delete the row, or (when `close` is set) set its deleted_at to `close`. */
export interface PruneDecision {
  readonly row: PruneRow;
  readonly close?: number;
}

/** Groups rows ordered by element into one list per element. */
export function* byElement(rows: readonly PruneRow[]): Generator<PruneRow[]> {
  let group: PruneRow[] = [];
  for (const r of rows) {
    if (group.length > 0 && (group[0] as PruneRow).eid !== r.eid) {
      yield group;
      group = [];
    }
    group.push(r);
  }
  if (group.length > 0) yield group;
}

/**
 * The decisions for one element's rows (ordered by updated_at, then seq). A row goes when it is older than
 * `before` and either deleted before it or not the newest row before it (that one stays: a window starting at
 * `before` sees it). A keyframe a staying row builds on stays, closed at the time it was replaced.
 */
export function prunable(rows: readonly PruneRow[], before: number): PruneDecision[] {
  let newest = -1;
  rows.forEach((r, i) => {
    if (r.updatedAt < before) newest = i;
  });
  const gone = (r: PruneRow, i: number) => r.updatedAt < before && ((r.deletedAt !== null && r.deletedAt < before) || i !== newest);
  const needed = new Set<number>();
  rows.forEach((r, i) => {
    if (!gone(r, i) && r.base !== null) needed.add(r.base);
  });
  const out: PruneDecision[] = [];
  rows.forEach((r, i) => {
    if (!gone(r, i)) return;
    if (!needed.has(r.seq)) {
      out.push({ row: r });
      return;
    }
    const replaced = r.deletedAt ?? (rows[i + 1] as PruneRow | undefined)?.updatedAt ?? r.updatedAt;
    if (r.deletedAt === null || r.deletedAt > replaced) out.push({ row: r, close: replaced });
  });
  return out;
}
