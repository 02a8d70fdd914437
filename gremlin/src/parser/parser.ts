// Recursive-descent parser: query := G ('.' step)*; step := G | NAME '(' params ')'; params separated by commas.
import type { Keyword, KeywordTable, Token } from '../lexer/token.js';
import { describeToken } from '../lexer/token.js';
import { parseError, tokenize } from '../lexer/lexer.js';
import type { CallParam, ConstParam, Param, QueryAst, StepNode } from './ast.js';

/** Deepest nesting of predicate calls accepted (`Within(Ne(...))` is depth 2). */
export const MAX_NESTING = 8;

/** Parses query text into a syntax tree; throws GREMLIN_PARSE_ERROR with `details.position`. */
export function parseQuery(text: string, keywords: KeywordTable): QueryAst {
  return new Parser(tokenize(text, keywords)).query(text);
}

class Parser {
  readonly #tokens: Token[];
  #i = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  query(text: string): QueryAst {
    const first = this.#peek();
    if (first.keyword?.kind !== 'start') throw this.#expected('`G`');
    this.#i++;
    const steps: StepNode[] = [];
    while (this.#peek().type !== 'eof') {
      if (this.#peek().type !== 'dot') throw this.#expected('`.`');
      this.#i++;
      steps.push(this.#step());
    }
    return { text, steps };
  }

  #peek(): Token {
    return this.#tokens[this.#i] as Token;
  }

  #expected(what: string): Error {
    const t = this.#peek();
    const found = describeToken(t);
    return parseError(`found ${JSON.stringify(found)} at position ${t.pos}, expected ${what}`, t.pos, found, what);
  }

  #keyword(kind: Keyword['kind']): Keyword | undefined {
    const k = this.#peek().keyword;
    return k?.kind === kind ? k : undefined;
  }

  #step(): StepNode {
    const t = this.#peek();
    if (this.#keyword('start') !== undefined) {
      this.#i++;
      return { name: 'G', params: [], pos: t.pos, bare: true };
    }
    const k = this.#keyword('step');
    if (k === undefined) throw this.#expected('a step name');
    this.#i++;
    if (this.#peek().type !== 'lparen') throw this.#expected('`(`');
    this.#i++;
    return { name: k.name, params: this.#params(1), pos: t.pos, bare: false };
  }

  /** Parses parameters after '(' up to and including ')'. */
  #params(depth: number): Param[] {
    const params: Param[] = [];
    if (this.#peek().type === 'rparen') {
      this.#i++;
      return params;
    }
    for (;;) {
      params.push(this.#param(depth));
      const t = this.#peek();
      this.#i++;
      if (t.type === 'rparen') return params;
      if (t.type !== 'comma') {
        this.#i--;
        throw this.#expected('`,` or `)`');
      }
    }
  }

  #param(depth: number): Param {
    const t = this.#peek();
    if (t.type === 'string') {
      this.#i++;
      return { kind: 'string', value: t.value as string, pos: t.pos };
    }
    if (t.type === 'number') {
      this.#i++;
      return { kind: 'number', value: t.value as number, integer: t.integer === true, pos: t.pos };
    }
    const k = t.keyword;
    if (k?.kind === 'constant') {
      this.#i++;
      if (k.name === 'TRUE' || k.name === 'FALSE') return { kind: 'bool', value: k.name === 'TRUE', pos: t.pos };
      return { kind: 'const', value: k.name as ConstParam['value'], pos: t.pos };
    }
    if (k?.kind === 'predicate') return this.#call(k.name, depth);
    throw this.#expected('a parameter (string, number, constant or predicate)');
  }

  #call(name: string, depth: number): CallParam {
    const t = this.#peek();
    if (depth > MAX_NESTING) throw parseError(`predicates nested deeper than ${MAX_NESTING} levels`, t.pos, describeToken(t));
    this.#i++;
    if (this.#peek().type !== 'lparen') throw this.#expected('`(`');
    this.#i++;
    return { kind: 'call', name, params: this.#params(depth + 1), pos: t.pos };
  }
}
