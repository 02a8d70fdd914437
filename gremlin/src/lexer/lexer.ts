// The lexer: turns query text into tokens, resolving identifiers case-insensitively against the keyword table.
// Strings have no escapes and end at the matching quote; numbers are digits and dots; '-' is not a character.
import { AppError } from '@topoflow/common';
import { GremlinErrors, gremlinError } from '../errors.js';
import type { KeywordTable, Token } from './token.js';

/** Longest query text accepted, in characters. */
export const MAX_QUERY_LENGTH = 1_000_000;

/** Skydive extension steps that a deployment may not provide; naming one gives a clearer error. */
const KNOWN_EXTENSION_STEPS = new Set([
  'FLOWS', 'HOPS', 'NODES', 'NODE', 'CAPTURENODE', 'BPF', 'GROUP', 'RAWPACKETS', 'SOCKETS', 'NEXTHOP', 'MORETHAN',
  'WORKFLOW',
]);

/** A parse error at a character offset, naming what was found and what was expected. */
export function parseError(message: string, position: number, found?: string, expected?: string): AppError {
  return gremlinError(GremlinErrors.PARSE_ERROR, message, {
    position, ...(found === undefined ? {} : { found }), ...(expected === undefined ? {} : { expected }),
  });
}

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentPart = (c: number): boolean => isLetter(c) || isDigit(c) || c === 95;
const PUNCTUATION: Record<number, Token['type']> = { 40: 'lparen', 41: 'rparen', 44: 'comma', 46: 'dot' };

/** Splits a query into tokens, ending with an 'eof' token; throws GREMLIN_PARSE_ERROR with the offset. */
export function tokenize(text: string, keywords: KeywordTable): Token[] {
  if (text.length > MAX_QUERY_LENGTH) {
    throw parseError(`query longer than ${MAX_QUERY_LENGTH} characters`, MAX_QUERY_LENGTH);
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    const punct = PUNCTUATION[c];
    if (punct !== undefined) tokens.push({ type: punct, pos: i, text: text[i] as string });
    else if (isLetter(c)) tokens.push(identifier(text, i, keywords));
    else if (isDigit(c)) tokens.push(number(text, i));
    else if (c === 39 || c === 34) tokens.push(string(text, i));
    else throw illegal(text, i);
    i += (tokens[tokens.length - 1] as Token).text.length;
  }
  tokens.push({ type: 'eof', pos: text.length, text: '' });
  return tokens;
}

function illegal(text: string, i: number): AppError {
  const ch = String.fromCodePoint(text.codePointAt(i) as number);
  const hint = ch === '-' ? ' (negative numbers and relative times are written as strings, e.g. \'-5m\')' : '';
  return parseError(`illegal character ${JSON.stringify(ch)} at position ${i}${hint}`, i, ch);
}

function identifier(text: string, start: number, keywords: KeywordTable): Token {
  let i = start + 1;
  while (i < text.length && isIdentPart(text.charCodeAt(i))) i++;
  const word = text.slice(start, i);
  const upper = word.toUpperCase();
  const keyword = keywords.lookup(upper);
  if (keyword !== undefined) return { type: 'keyword', pos: start, text: word, keyword };
  if (KNOWN_EXTENSION_STEPS.has(upper)) {
    throw gremlinError(GremlinErrors.INVALID_STEP, `step '${word}' is not available here`, { position: start, step: word });
  }
  throw parseError(`unknown keyword '${word}' at position ${start}`, start, word, 'a step, predicate or constant');
}

function number(text: string, start: number): Token {
  let i = start;
  while (i < text.length && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 46)) i++;
  const raw = text.slice(start, i);
  if (i < text.length && isIdentPart(text.charCodeAt(i))) {
    throw parseError(`illegal number at position ${start}: a letter follows the digits (quote values such as '10s')`,
      start, text.slice(start, i + 1));
  }
  const value = Number(raw);
  if (!/^\d+(\.\d*)?$/.test(raw) || !Number.isFinite(value)) {
    throw parseError(`invalid number '${raw}' at position ${start}`, start, raw, 'a number');
  }
  return { type: 'number', pos: start, text: raw, value, integer: !raw.includes('.') };
}

function string(text: string, start: number): Token {
  const quote = text[start] as string;
  const end = text.indexOf(quote, start + 1);
  if (end < 0) {
    throw parseError(`unterminated string starting at position ${start}`, start, text.slice(start, start + 40), quote);
  }
  return { type: 'string', pos: start, text: text.slice(start, end + 1), value: text.slice(start + 1, end) };
}
