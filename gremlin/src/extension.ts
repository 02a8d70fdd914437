// The extension interface: how packages (flows, metrics, …) add steps and result kinds to the engine.
// Core steps are defined through the same interface.
import type { GraphView } from '@topoflow/graph';
import type { QueryResult, ResultKind } from './contract.js';
import type { TimeSlice } from './history.js';
import type { Param } from './parser/ast.js';
import type { NodesResult } from './results/results.js';

/** Per-plan state shared by the compile functions of one query's steps. */
export interface CompileEnv {
  /** The engine clock's time when the query was planned (epoch ms). */
  readonly now: number;
  /** Names registered by As() so far, so Select() can check its names while planning. */
  readonly names: Set<string>;
}

/** Where a step stands in the query, for compile-time validation and error positions. */
export interface StepSite {
  /** The step's canonical name. */
  readonly name: string;
  /** 0-based character offset of the step name. */
  readonly position: number;
  /** The kind of result the step receives. */
  readonly input: ResultKind;
  readonly env: CompileEnv;
}

/** A following step offered to `fuse`. */
export interface NextStep {
  readonly name: string;
  readonly def: StepDefinition;
  readonly args: unknown;
  readonly input: ResultKind;
}

/** Limits of the running query; loops call `tick()` per item and `ensureSize()` when a collection grows. */
export interface QueryBudget {
  /** Deadline on the `performance.now()` clock. */
  readonly deadline: number;
  readonly maxResultSize: number;
  /** Throws GREMLIN_TIMEOUT when the deadline has passed. */
  check(): void;
  /** Counts one unit of work and checks the deadline every 1024 units. */
  tick(): void;
  /** Throws GREMLIN_RESULT_TOO_LARGE when a collection holds more than `maxResultSize` items. */
  ensureSize(size: number): void;
  /** Milliseconds left before the deadline. */
  remainingMs(): number;
}

/** What a step sees while it runs. */
export interface StepContext {
  /** The query's root graph: the live view, or the historical view after At()/Context(). */
  readonly root: GraphView;
  /** The time window of At()/Context(); undefined on the live graph. */
  readonly timeSlice: TimeSlice | undefined;
  /** Time the query started, epoch ms from the engine clock. */
  readonly now: number;
  readonly budget: QueryBudget;
  /** Node lists remembered by As(), per query. */
  readonly names: Map<string, NodesResult>;
  /** Builds a result of a kind registered by an extension. */
  result<T>(kind: ResultKind, data: T): QueryResult;
}

/**
 * A step implementation for some input kinds. Several definitions may share a name when their input kinds
 * differ (an extension adds `Has` on 'flows'); the planner picks the one accepting the current kind.
 */
export interface StepDefinition<A = unknown> {
  /** Name as written in queries ('Flows'); matched case-insensitively, so it becomes a keyword. */
  readonly name: string;
  /** Kinds the step accepts, or 'any'. */
  readonly inputs: readonly ResultKind[] | 'any';
  /** Kind the step produces, fixed or depending on the input kind. */
  readonly output: ResultKind | ((input: ResultKind) => ResultKind);
  /** Validates parameters at parse time (throw GREMLIN_INVALID_PARAMS with a position) and compiles them. */
  compile(params: readonly Param[], site: StepSite): A;
  /** Runs the step; may be async (the engine bounds the wait by the query deadline). */
  apply(input: QueryResult, args: A, ctx: StepContext): QueryResult | Promise<QueryResult>;
  /** Optionally absorbs the following step: returns new arguments doing both, or undefined to leave it. */
  fuse?(args: A, next: NextStep): A | undefined;
}

/** How an extension's result kind serializes (§4.8 shapes such as `[{"<id>": [...]}]`). */
export interface ResultKindDefinition<T = unknown> {
  readonly kind: ResultKind;
  toJSON(data: T): unknown;
}

/** A bundle of steps and result kinds registered together. */
export interface GremlinExtension {
  readonly name: string;
  readonly steps?: readonly StepDefinition[];
  readonly resultKinds?: readonly ResultKindDefinition[];
}

/** Identity helper that types a step definition's arguments. */
export function defineStep<A>(def: StepDefinition<A>): StepDefinition<A> {
  return def;
}
