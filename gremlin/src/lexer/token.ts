// Tokens of the Skydive Gremlin dialect and the keyword table the lexer resolves identifiers against.

/** Token categories. */
export type TokenType = 'keyword' | 'string' | 'number' | 'lparen' | 'rparen' | 'comma' | 'dot' | 'eof';

/** What a keyword is: the query start `G`, a step, a predicate (or `Metadata`) or a constant. */
export type KeywordKind = 'start' | 'step' | 'predicate' | 'constant';

/** A resolved keyword: its kind and its canonical spelling ('HasEither', 'Within', 'ASC'). */
export interface Keyword {
  readonly kind: KeywordKind;
  readonly name: string;
}

/** Resolves an identifier, already upper-cased, to a keyword. */
export interface KeywordTable {
  lookup(upper: string): Keyword | undefined;
}

/** One token with its 0-based source offset. */
export interface Token {
  readonly type: TokenType;
  readonly pos: number;
  /** The source text of the token (empty at end of input). */
  readonly text: string;
  /** The keyword, for 'keyword' tokens. */
  readonly keyword?: Keyword;
  /** The string contents or the numeric value. */
  readonly value?: string | number;
  /** For numbers: written without a fractional part. */
  readonly integer?: boolean;
}

/** How parse errors name a token ("end of input" or its text, shortened). */
export function describeToken(t: Token): string {
  if (t.type === 'eof') return 'end of input';
  return t.text.length > 40 ? `${t.text.slice(0, 40)}…` : t.text;
}
