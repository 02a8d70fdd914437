// The write transactions of a SqliteHistoryStore, driven from the calling thread: the planner runs here (it
// needs the live graph's revisions, which share unchanged values) and the writer thread resolves new elements,
// then inserts and commits the planned rows in one message. Row seqs are allocated here: only this store writes.
import type { ElementKey, ResolvedElement, RowSink, SourceKey, WritePlan, WriteTransaction } from '../rows.js';
import { toColumns } from './row-columns.js';
import type { WriterClient } from './writer-client.js';

/** A RowSink whose transactions run in a writer thread. */
export class ThreadSink implements Pick<RowSink, 'transaction'> {
  readonly #writer: () => Promise<WriterClient>;
  #nextSeq = 1;

  constructor(writer: () => Promise<WriterClient>) {
    this.#writer = writer;
  }

  async transaction(fn: (tx: WriteTransaction) => Promise<void>): Promise<void> {
    const w = await this.#writer();
    this.#nextSeq = Math.max(this.#nextSeq, w.nextSeq);
    let plan: WritePlan | undefined;
    const tx: WriteTransaction = {
      resolveElements: async (keys: readonly ElementKey[]) => (await w.request({ op: 'resolveElements', keys })) as ResolvedElement[],
      resolveSources: async (keys: readonly SourceKey[]) => (await w.request({ op: 'resolveSources', keys })) as number[],
      allocateSeqs: async (n: number) => {
        const out = new Array<number>(n);
        for (let i = 0; i < n; i++) out[i] = this.#nextSeq++;
        return out;
      },
      write: async (p: WritePlan) => {
        plan = p;
      },
    };
    try {
      await fn(tx);
      if (plan === undefined) throw new Error('a history transaction ended without a plan');
      const rows = toColumns(plan.inserts);
      await w.request({ op: 'commit', rows, rowDeletions: [...plan.rowDeletions], elementGone: [...plan.elementGone] }, [rows.nums.buffer as ArrayBuffer]);
    } catch (err) {
      if (w.alive) await w.request({ op: 'rollback' }).catch(() => undefined);
      throw err;
    }
  }
}
