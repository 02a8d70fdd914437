// The per-execution state steps see: root graph, time slice, budget, As() names, result factory.
import type { GraphView } from '@topoflow/graph';
import type { QueryResult, ResultKind } from '../contract.js';
import { GremlinErrors, gremlinError } from '../errors.js';
import type { QueryBudget, ResultKindDefinition, StepContext } from '../extension.js';
import type { TimeSlice } from '../history.js';
import { CustomResult, type NodesResult } from '../results/results.js';

/** Finds the serialization of an extension result kind. */
export type KindLookup = (kind: ResultKind) => ResultKindDefinition | undefined;

/** One query execution's context. */
export class ExecContext implements StepContext {
  readonly root: GraphView;
  readonly timeSlice: TimeSlice | undefined;
  readonly now: number;
  readonly budget: QueryBudget;
  readonly #kinds: KindLookup;
  #names: Map<string, NodesResult> | undefined;

  constructor(root: GraphView, timeSlice: TimeSlice | undefined, now: number, budget: QueryBudget, kinds: KindLookup) {
    this.root = root;
    this.timeSlice = timeSlice;
    this.now = now;
    this.budget = budget;
    this.#kinds = kinds;
  }

  get names(): Map<string, NodesResult> {
    return (this.#names ??= new Map());
  }

  result<T>(kind: ResultKind, data: T): QueryResult {
    const def = this.#kinds(kind);
    if (def === undefined) {
      throw gremlinError(GremlinErrors.EXECUTION_ERROR, `result kind '${kind}' is not registered`, { kind }, { statusCode: 500 });
    }
    return new CustomResult(kind, data, (d: T) => def.toJSON(d));
  }
}
