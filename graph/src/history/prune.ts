// Retention: which stored rows of one element a pass removes (every row no read at or after the horizon can see,
// except keyframes that kept rows need, which are closed instead), and the policy that drives the passes.

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

/** What a retention pass needs from a store. */
export interface PruneOps {
  pruneBefore(before: number): Promise<number>;
  stats(): Promise<{ bytes: number; nodeRevisions: number; edgeRevisions: number }>;
  updatedAtAtOffset(rows: number): Promise<number | undefined>;
  /** Called once when rows were removed. */
  compact(): Promise<void>;
}

/** Runs a retention policy: rows no longer visible at `before`, then the oldest until about `maxBytes`. */
export async function applyPrunePolicy(policy: { before?: number; maxBytes?: number }, ops: PruneOps): Promise<{ revisions: number; horizon: number; bytes: number }> {
  let removed = 0;
  let horizon = 0;
  if (policy.before !== undefined) {
    removed += await ops.pruneBefore(policy.before);
    horizon = policy.before;
  }
  if (policy.maxBytes !== undefined) {
    const s = await ops.stats();
    if (s.bytes > policy.maxBytes) {
      const rows = s.nodeRevisions + s.edgeRevisions;
      const cut = await ops.updatedAtAtOffset(Math.ceil(rows * (1 - (0.8 * policy.maxBytes) / s.bytes)));
      if (cut !== undefined) {
        removed += await ops.pruneBefore(cut);
        horizon = Math.max(horizon, cut);
      }
    }
  }
  if (removed > 0) await ops.compact();
  return { revisions: removed, horizon: removed > 0 ? horizon : 0, bytes: (await ops.stats()).bytes };
}
