// The core step library (Skydive's graffiti steps plus the graph-only Skydive extensions Descendants, Ascendants,
// Neighbors, Metrics and Aggregates), registered through the same extension interface other packages use.
import type { GremlinExtension, StepDefinition } from '../extension.js';
import { asStep, selectStep } from './as-select.js';
import { aggregatesStep } from './aggregates.js';
import { countStep, metricsCountStep, metricsSumStep, sumStep } from './count-sum.js';
import { dedupStep } from './dedup.js';
import { ascendantsStep, descendantsStep, neighborsStep } from './descendants.js';
import { hasEitherStep, hasKeyStep, hasNotStep, hasStep } from './has.js';
import { metricsStep } from './metrics.js';
import { limitStep, rangeStep } from './range.js';
import { shortestPathStep } from './shortest-path.js';
import { sortStep } from './sort.js';
import { eStep, rootStep, vStep } from './source.js';
import { subGraphStep } from './subgraph.js';
import {
  bothEStep, bothStep, bothVStep, inEStep, inStep, inVStep, outEStep, outStep, outVStep,
} from './traversal.js';
import { keysStep, valueMapStep, valuesStep } from './values.js';

/** The core steps. */
export const CORE_STEPS: readonly StepDefinition[] = [
  rootStep, vStep, eStep,
  hasStep, hasEitherStep, hasKeyStep, hasNotStep,
  outStep, inStep, bothStep, outEStep, inEStep, bothEStep, outVStep, inVStep, bothVStep,
  dedupStep, countStep, sumStep, rangeStep, limitStep, sortStep,
  valuesStep, valueMapStep, keysStep,
  shortestPathStep, subGraphStep,
  descendantsStep, ascendantsStep, neighborsStep,
  metricsStep, aggregatesStep, metricsCountStep, metricsSumStep,
  asStep, selectStep,
] as readonly StepDefinition[];

/** The core library as an extension. */
export const coreExtension: GremlinExtension = { name: 'core', steps: CORE_STEPS };
