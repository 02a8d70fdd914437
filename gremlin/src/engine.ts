// The engine: parses and plans query texts (with an LRU cache), runs plans under a time and size budget, and
// exposes the per-element form of filter queries. Extensions register steps and result kinds.
import { AppError, type Clock, CommonErrors, parseDuration, systemClock } from '@topoflow/common';
import type { GraphView } from '@topoflow/graph';
import type { ElementFilter, GremlinConfig, ParsedQuery, QueryEngine, QueryOptions, QueryResult } from './contract.js';
import { GremlinErrors, gremlinError, toGremlinError } from './errors.js';
import { Budget } from './evaluator/budget.js';
import { ExecContext } from './evaluator/context.js';
import { runSteps, withDeadline } from './evaluator/evaluator.js';
import type { GremlinExtension } from './extension.js';
import type { HistoryProvider } from './history.js';
import { parseError } from './lexer/lexer.js';
import { parseQuery } from './parser/parser.js';
import { LruCache } from './planner/cache.js';
import { elementFilterOf } from './planner/element-filter.js';
import type { Plan } from './planner/plan.js';
import { type PlanOptions, planQuery } from './planner/planner.js';
import { StepRegistry } from './planner/registry.js';
import { resolveTimeSlice } from './steps/context.js';
import { coreExtension } from './steps/core.js';

/** How many planned queries the engine keeps. */
export const QUERY_CACHE_SIZE = 1024;

/** What the engine needs from outside. */
export interface GremlinDeps {
  clock?: Clock;
  /** Serves At()/Context(); without it those steps fail with GREMLIN_HISTORY_UNSUPPORTED. */
  history?: HistoryProvider;
  /** Extensions registered at construction, after the core steps. */
  extensions?: readonly GremlinExtension[];
}

/** A query parsed and planned by an engine. */
export class PlannedQuery implements ParsedQuery {
  readonly text: string;
  readonly plan: Plan;
  readonly #owner: object;

  constructor(plan: Plan, owner: object) {
    this.text = plan.text;
    this.plan = plan;
    this.#owner = owner;
  }

  /** True when `engine` planned this query (plans hold that engine's step definitions). */
  plannedBy(engine: object): boolean {
    return this.#owner === engine;
  }
}

function configError(message: string): AppError {
  return new AppError(CommonErrors.CONFIG_INVALID, `gremlin: ${message}`, { statusCode: 500 });
}

function checkLimit(value: number | undefined, name: string): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw gremlinError(GremlinErrors.INVALID_PARAMS, `${name} must be a positive number`, { [name]: value });
  }
}

/** The Gremlin query engine. */
export class GremlinEngine implements QueryEngine {
  readonly #registry = new StepRegistry();
  readonly #cache = new LruCache<string, PlannedQuery>(QUERY_CACHE_SIZE);
  readonly #clock: Clock;
  readonly #history: HistoryProvider | undefined;
  readonly #timeoutMs: number;
  readonly #maxResultSize: number;

  constructor(config: GremlinConfig, deps: GremlinDeps = {}) {
    this.#timeoutMs = parseDuration(config.timeout);
    if (!(this.#timeoutMs > 0)) throw configError(`timeout must be positive, got '${config.timeout}'`);
    if (!Number.isInteger(config.maxResultSize) || config.maxResultSize <= 0) {
      throw configError(`maxResultSize must be a positive integer, got ${config.maxResultSize}`);
    }
    this.#maxResultSize = config.maxResultSize;
    this.#clock = deps.clock ?? systemClock;
    this.#history = deps.history;
    this.#registry.register(coreExtension);
    for (const ext of deps.extensions ?? []) this.#registry.register(ext);
  }

  /** Adds an extension's steps and result kinds; cached plans are dropped. */
  register(extension: GremlinExtension): void {
    this.#registry.register(extension);
    this.#cache.clear();
  }

  /** Canonical names of every step this engine knows. */
  stepNames(): string[] {
    return this.#registry.stepNames();
  }

  parse(text: string): PlannedQuery {
    if (typeof text !== 'string') throw parseError('the query must be a string', 0);
    const cached = this.#cache.get(text);
    if (cached !== undefined) return cached;
    const q = this.plan(text);
    this.#cache.set(text, q);
    return q;
  }

  /** Parses and plans without the cache; `fuse: false` keeps every step separate (to test fusion). */
  plan(text: string, options: PlanOptions = {}): PlannedQuery {
    return new PlannedQuery(planQuery(parseQuery(text, this.#registry), this.#registry, this.#clock.now(), options), this);
  }

  async execute(query: string | ParsedQuery, view: GraphView, options: QueryOptions = {}): Promise<QueryResult> {
    try {
      const q = this.#planned(query);
      checkLimit(options.timeoutMs, 'timeoutMs');
      checkLimit(options.maxResultSize, 'maxResultSize');
      const budget = new Budget(options.timeoutMs ?? this.#timeoutMs, options.maxResultSize ?? this.#maxResultSize);
      return await this.#run(q.plan, view, budget);
    } catch (err) {
      throw toGremlinError(err);
    }
  }

  elementFilter(query: ParsedQuery): ElementFilter | undefined {
    return elementFilterOf(this.#planned(query).plan);
  }

  #planned(query: string | ParsedQuery): PlannedQuery {
    if (query instanceof PlannedQuery && query.plannedBy(this)) return query;
    return this.parse(typeof query === 'string' ? query : query?.text);
  }

  #run(plan: Plan, view: GraphView, budget: Budget): QueryResult | Promise<QueryResult> {
    const now = this.#clock.now();
    const kinds = (k: string) => this.#registry.kind(k);
    if (plan.time === undefined) return runSteps(plan, new ExecContext(view, undefined, now, budget, kinds), budget);
    const history = this.#history;
    if (history === undefined) {
      throw gremlinError(GremlinErrors.HISTORY_UNSUPPORTED,
        'this graph has no history: At()/Context() need a history store', { position: plan.time.position });
    }
    const slice = resolveTimeSlice(plan.time, now);
    return withDeadline(history.view(slice), budget)
      .then((past) => runSteps(plan, new ExecContext(past, slice, now, budget, kinds), budget));
  }
}

/** Creates a query engine. */
export function createEngine(config: GremlinConfig, deps: GremlinDeps = {}): GremlinEngine {
  return new GremlinEngine(config, deps);
}
