// The syntax tree of a query: a list of steps, each with positioned parameters.

/** A quoted string. */
export interface StringParam {
  readonly kind: 'string';
  readonly value: string;
  readonly pos: number;
}

/** A number; `integer` when written without a fractional part. */
export interface NumberParam {
  readonly kind: 'number';
  readonly value: number;
  readonly integer: boolean;
  readonly pos: number;
}

/** TRUE or FALSE. */
export interface BoolParam {
  readonly kind: 'bool';
  readonly value: boolean;
  readonly pos: number;
}

/** One of the constants ASC, DESC, NOW, FOREVER. */
export interface ConstParam {
  readonly kind: 'const';
  readonly value: 'ASC' | 'DESC' | 'NOW' | 'FOREVER';
  readonly pos: number;
}

/** A predicate or Metadata(...) call, by canonical name ('Within', 'Metadata'). */
export interface CallParam {
  readonly kind: 'call';
  readonly name: string;
  readonly params: readonly Param[];
  readonly pos: number;
}

/** Any parameter. */
export type Param = StringParam | NumberParam | BoolParam | ConstParam | CallParam;

/** One step: canonical name, parameters, offset of its name; `bare` for `.G` written without parentheses. */
export interface StepNode {
  readonly name: string;
  readonly params: readonly Param[];
  readonly pos: number;
  readonly bare: boolean;
}

/** A parsed query: the steps after the leading `G`. */
export interface QueryAst {
  readonly text: string;
  readonly steps: readonly StepNode[];
}
