// The engine factory. (Placeholder until the engine lands: every call fails.)
import { AppError, type Clock } from '@topoflow/common';
import type { GremlinConfig, QueryEngine } from './contract.js';

/** What the engine needs from outside. */
export interface GremlinDeps {
  clock?: Clock;
}

/** Creates a query engine. */
export function createEngine(_config: GremlinConfig, _deps: GremlinDeps = {}): QueryEngine {
  const fail = (): never => {
    throw new AppError('GREMLIN_EXECUTION_ERROR', 'the Gremlin engine is not available', { statusCode: 500 });
  };
  return { parse: fail, execute: async () => fail(), elementFilter: () => undefined };
}
