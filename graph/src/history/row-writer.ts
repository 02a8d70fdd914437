// The write half of a row store: plans each append into keyframe/delta rows and writes them in one durable
// transaction; the planner's cache is dropped when a transaction fails, so the store stays the only truth.
import { AppError } from '@topoflow/common';
import { GraphErrors, graphError } from '../errors.js';
import type { GraphEvent } from '../events.js';
import { RevisionPlanner } from './planner.js';
import type { RowSink } from './rows.js';

/** Writes graph events to a RowSink; one append at a time (callers serialise). */
export class RowWriter {
  readonly #sink: Pick<RowSink, 'transaction'>;
  readonly #planner = new RevisionPlanner();

  constructor(sink: Pick<RowSink, 'transaction'>) {
    this.#sink = sink;
  }

  /** Elements the planner holds state for. */
  get elements(): number {
    return this.#planner.size;
  }

  /** Stores `events` durably, in order; throws HISTORY_WRITE_FAILED (nothing stored) when the transaction fails. */
  async write(events: readonly GraphEvent[]): Promise<void> {
    const planner = this.#planner;
    try {
      await this.#sink.transaction(async (tx) => {
        const unknown = planner.unknowns(events);
        if (unknown.elements.length > 0 || unknown.sources.length > 0) {
          const elements = unknown.elements.length > 0 ? await tx.resolveElements(unknown.elements) : [];
          const sids = unknown.sources.length > 0 ? await tx.resolveSources(unknown.sources) : [];
          planner.learn(unknown, elements, sids);
        }
        const plan = planner.plan(events, await tx.allocateSeqs(events.length));
        await tx.write(plan);
      });
      planner.committed();
    } catch (err) {
      planner.reset();
      throw historyError(err, GraphErrors.HISTORY_WRITE_FAILED, 'storing graph revisions failed');
    }
  }

  /** Forgets what the planner cached (after the store changed under it). */
  reset(): void {
    this.#planner.reset();
  }
}

/** `err` as an AppError of `code` (kept when it is one already). */
export function historyError(err: unknown, code: (typeof GraphErrors)[keyof typeof GraphErrors], message: string): AppError {
  if (err instanceof AppError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return graphError(code, `${message}: ${reason}`, { reason }, err);
}
