// The step registry: step definitions by name (several per name when input kinds differ), extension result
// kinds, and the keyword table the lexer uses (steps, predicates, constants, all case-insensitive).
import type { ResultKind } from '../contract.js';
import { GremlinErrors, gremlinError } from '../errors.js';
import type { GremlinExtension, ResultKindDefinition, StepDefinition } from '../extension.js';
import type { Keyword, KeywordTable } from '../lexer/token.js';

/** Predicate keywords (and Metadata), canonical spelling. */
export const PREDICATE_NAMES = [
  'Metadata', 'Within', 'Without', 'Ne', 'Nee', 'Lt', 'Gt', 'Lte', 'Gte', 'Inside', 'Outside', 'Between', 'Regex', 'Ipv4Range',
] as const;

/** Constant keywords. */
export const CONSTANT_NAMES = ['TRUE', 'FALSE', 'ASC', 'DESC', 'NOW', 'FOREVER'] as const;

/** Steps the planner handles itself (they must follow G directly). */
export const TIME_STEP_NAMES = ['At', 'Context'] as const;

const CORE_KINDS: readonly ResultKind[] = ['graph', 'nodes', 'edges', 'paths', 'value', 'metrics'];
const STEP_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

function registrationError(message: string): Error {
  return gremlinError(GremlinErrors.INVALID_STEP, message, undefined, { statusCode: 500 });
}

function overlaps(a: StepDefinition['inputs'], b: StepDefinition['inputs']): boolean {
  return a === 'any' || b === 'any' || a.some((k) => b.includes(k));
}

/** Steps, result kinds and keywords known to one engine. */
export class StepRegistry implements KeywordTable {
  readonly #keywords = new Map<string, Keyword>();
  readonly #steps = new Map<string, StepDefinition[]>();
  readonly #kinds = new Map<ResultKind, ResultKindDefinition | undefined>();

  constructor() {
    this.#keywords.set('G', { kind: 'start', name: 'G' });
    for (const p of PREDICATE_NAMES) this.#keywords.set(p.toUpperCase(), { kind: 'predicate', name: p });
    for (const c of CONSTANT_NAMES) this.#keywords.set(c, { kind: 'constant', name: c });
    for (const t of TIME_STEP_NAMES) this.#keywords.set(t.toUpperCase(), { kind: 'step', name: t });
    for (const k of CORE_KINDS) this.#kinds.set(k, undefined);
  }

  lookup(upper: string): Keyword | undefined {
    return this.#keywords.get(upper);
  }

  /** Adds an extension's result kinds and steps; throws, adding nothing, on a conflict. */
  register(ext: GremlinExtension): void {
    const kinds = ext.resultKinds ?? [];
    for (const k of kinds) {
      if (this.#kinds.has(k.kind)) throw registrationError(`${ext.name}: result kind '${k.kind}' is already registered`);
    }
    const steps = ext.steps ?? [];
    steps.forEach((def, i) => this.#checkStep(ext.name, def, steps.slice(0, i)));
    for (const k of kinds) this.#kinds.set(k.kind, k);
    for (const def of steps) this.#addStep(def);
  }

  /** The definition of `name` accepting `kind`. */
  resolve(name: string, kind: ResultKind): StepDefinition | undefined {
    const defs = this.#steps.get(name.toUpperCase());
    return defs?.find((d) => d.inputs === 'any' || d.inputs.includes(kind));
  }

  /** The serialization of an extension result kind; undefined for core kinds and unknown ones. */
  kind(kind: ResultKind): ResultKindDefinition | undefined {
    return this.#kinds.get(kind);
  }

  /** Canonical names of every registered step. */
  stepNames(): string[] {
    return [...this.#steps.values()].map((defs) => (defs[0] as StepDefinition).name);
  }

  #checkStep(extName: string, def: StepDefinition, earlier: readonly StepDefinition[]): void {
    const upper = def.name.toUpperCase();
    if (!STEP_NAME.test(def.name)) throw registrationError(`${extName}: invalid step name '${def.name}'`);
    const kw = this.#keywords.get(upper);
    const reserved = kw !== undefined && kw.kind !== 'step' && !(kw.kind === 'start' && upper === 'G');
    if (reserved || (TIME_STEP_NAMES as readonly string[]).some((t) => t.toUpperCase() === upper)) {
      throw registrationError(`${extName}: '${def.name}' is a reserved keyword`);
    }
    const same = [...(this.#steps.get(upper) ?? []), ...earlier.filter((d) => d.name.toUpperCase() === upper)];
    if (same.some((d) => overlaps(d.inputs, def.inputs))) {
      throw registrationError(`${extName}: step '${def.name}' is already defined for some of its input kinds`);
    }
  }

  #addStep(def: StepDefinition): void {
    const upper = def.name.toUpperCase();
    const defs = this.#steps.get(upper);
    if (defs === undefined) this.#steps.set(upper, [def]);
    else defs.push(def);
    if (!this.#keywords.has(upper)) this.#keywords.set(upper, { kind: 'step', name: def.name });
  }
}
