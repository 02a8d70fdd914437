// The executable form of a query: resolved step definitions with compiled arguments, after fusion.
import type { ResultKind } from '../contract.js';
import type { StepDefinition } from '../extension.js';
import type { TimeSpec } from '../steps/context.js';

/** One step ready to run. */
export interface PlannedStep {
  readonly name: string;
  /** Offset of the step in the query text. */
  readonly position: number;
  readonly def: StepDefinition;
  readonly args: unknown;
  readonly input: ResultKind;
  readonly output: ResultKind;
}

/** A planned query; immutable and shared by every execution of the same text. */
export interface Plan {
  readonly text: string;
  /** The At()/Context() that followed G, if any. */
  readonly time: TimeSpec | undefined;
  readonly steps: readonly PlannedStep[];
  /** Kind of the final result. */
  readonly output: ResultKind;
}
