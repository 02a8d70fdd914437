// The writes of one append on one PostgreSQL connection inside BEGIN … COMMIT: every list goes to the server as
// arrays (unnest), so an append costs a handful of round trips whatever its size.
import type pg from 'pg';
import type { ElementKey, ResolvedElement, RevisionRow, SourceKey, WritePlan, WriteTransaction } from '../rows.js';
import type { Statements } from './schema.js';

/** Rows or keys sent in one statement; bounds the size of one message, not the number of round trips per row. */
export const BATCH = 10_000;

/** A key the find statement did not return was deleted by a pruning pass in between; try again a few times. */
const RESOLVE_ATTEMPTS = 3;

interface FoundElement {
  n: number;
  eid: number;
  goneAt: number | null;
  seq: number | null;
  revision: number;
  updatedAt: number;
  deletedAt: number | null;
}

/** The WriteTransaction of one append, over a connection that is inside a transaction. */
export function writeTransaction(client: pg.ClientBase, sql: Statements): WriteTransaction {
  return {
    resolveElements: async (keys) => {
      const out: ResolvedElement[] = [];
      for (let i = 0; i < keys.length; i += BATCH) out.push(...await resolveElements(client, sql, keys.slice(i, i + BATCH)));
      return out;
    },
    resolveSources: async (keys) => {
      const out: number[] = [];
      for (let i = 0; i < keys.length; i += BATCH) out.push(...await resolveSources(client, sql, keys.slice(i, i + BATCH)));
      return out;
    },
    allocateSeqs: async (n) => {
      const res = await client.query<{ seq: number }>(sql.allocateSeqs, [n]);
      return res.rows.map((r) => r.seq).sort((a, b) => a - b);
    },
    write: (plan) => write(client, sql, plan),
  };
}

async function resolveElements(client: pg.ClientBase, sql: Statements, keys: readonly ElementKey[]): Promise<ResolvedElement[]> {
  const out = new Array<ResolvedElement | undefined>(keys.length);
  let todo = keys.map((_, i) => i);
  for (let attempt = 1; todo.length > 0; attempt++) {
    if (attempt > RESOLVE_ATTEMPTS) throw new Error(`${todo.length} history elements could not be created`);
    const todoKeys = todo.map((i) => keys[i] as ElementKey);
    const kinds = todoKeys.map((k) => k.kind);
    const ids = todoKeys.map((k) => k.id);
    await client.query(sql.insertElements, [kinds, ids, todoKeys.map((k) => k.createdAt)]);
    const found = await client.query<FoundElement>(sql.findElements, [kinds, ids]);
    for (const r of found.rows) {
      out[todo[r.n - 1] as number] = {
        eid: r.eid,
        last: r.seq === null ? undefined : { seq: r.seq, revision: r.revision, updatedAt: r.updatedAt, deletedAt: r.deletedAt },
        gone: r.goneAt !== null,
      };
    }
    todo = todo.filter((i) => out[i] === undefined);
  }
  return out as ResolvedElement[];
}

async function resolveSources(client: pg.ClientBase, sql: Statements, keys: readonly SourceKey[]): Promise<number[]> {
  const hosts = keys.map((k) => k.host);
  const origins = keys.map((k) => k.origin);
  await client.query(sql.insertSources, [hosts, origins]);
  const found = await client.query<{ n: number; sid: number }>(sql.findSources, [hosts, origins]);
  const out = new Array<number>(keys.length);
  for (const r of found.rows) out[r.n - 1] = r.sid;
  // Sources are never deleted, so every key is found once inserted.
  if (found.rows.length !== keys.length) throw new Error('history sources could not be created');
  return out;
}

async function write(client: pg.ClientBase, sql: Statements, plan: WritePlan): Promise<void> {
  for (let i = 0; i < plan.inserts.length; i += BATCH) await client.query(sql.insertRows, columns(plan.inserts.slice(i, i + BATCH)));
  await updates(client, sql.setRowsDeleted, plan.rowDeletions);
  await updates(client, sql.setGone, plan.elementGone);
}

/** The column arrays of insertRows, in its parameter order. */
function columns(rows: readonly RevisionRow[]): unknown[][] {
  return [
    rows.map((r) => r.seq), rows.map((r) => r.eid), rows.map((r) => r.sid), rows.map((r) => r.createdAt),
    rows.map((r) => r.updatedAt), rows.map((r) => r.deletedAt), rows.map((r) => r.revision), rows.map((r) => r.parent),
    rows.map((r) => r.child), rows.map((r) => r.base), rows.map((r) => r.meta),
  ];
}

/** Runs an `UPDATE … FROM unnest($1, $2)` statement over a map of key → value, in batches. */
async function updates(client: pg.ClientBase, text: string, values: ReadonlyMap<number, number | null>): Promise<void> {
  const entries = [...values];
  for (let i = 0; i < entries.length; i += BATCH) {
    const batch = entries.slice(i, i + BATCH);
    await client.query(text, [batch.map((e) => e[0]), batch.map((e) => e[1])]);
  }
}
