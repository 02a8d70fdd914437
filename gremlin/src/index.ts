// Public API of @topoflow/gremlin (re-exports only).
export * from './contract.js';
export * from './engine.js';
export * from './errors.js';
export * from './extension.js';
export * from './history.js';
export type { CallParam, Param, QueryAst, StepNode } from './parser/ast.js';
export { ResultKinds, GraphResult, NodesResult, EdgesResult, PathsResult, ValueResult, CustomResult } from './results/results.js';
export { MetricsResult, type Metric, type MetricSeries, metricToJSON } from './results/metrics.js';
export { graphToJSON } from './results/serialize.js';
export { Filter, type FilterTerm, type Getter, compileFilter, compileMetadata, keyTerm, existsTerm, absentTerm, elementGetter, objectGetter } from './predicates/filter.js';
export { compileValue, plainValue, type CompiledValue } from './predicates/compile.js';
export type { FieldMatcher, PlainValue } from './predicates/match.js';
export { expectCount, expectNoParams, integerParam, stringParam, stringParams } from './steps/params.js';
export { applyWindow, type Window } from './steps/window.js';
export { Collector } from './evaluator/collector.js';
export { CORE_STEPS } from './steps/core.js';
