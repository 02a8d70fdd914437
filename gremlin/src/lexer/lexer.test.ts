import { strict as assert } from 'node:assert';
import { StepRegistry } from '../planner/registry.js';
import { coreExtension } from '../steps/core.js';
import { tokenize } from './lexer.js';

describe('lexer', () => {
  const keywords = new StepRegistry();
  keywords.register(coreExtension);
  const types = (text: string): string[] => tokenize(text, keywords).map((t) => t.type);

  it('splits a query into positioned tokens', () => {
    const tokens = tokenize("G.V().Has('Name', 42)", keywords);
    assert.deepEqual(tokens.map((t) => [t.type, t.pos]), [
      ['keyword', 0], ['dot', 1], ['keyword', 2], ['lparen', 3], ['rparen', 4], ['dot', 5], ['keyword', 6], ['lparen', 9],
      ['string', 10], ['comma', 16], ['number', 18], ['rparen', 20], ['eof', 21],
    ]);
    assert.equal(tokens[8]?.value, 'Name');
    assert.equal(tokens[10]?.value, 42);
  });

  it('matches keywords case-insensitively and returns their canonical spelling', () => {
    const names = tokenize('g.v().hasEITHER().valuemap().shortestpathto().ipv4range().asc', keywords)
      .filter((t) => t.type === 'keyword').map((t) => t.keyword?.name);
    assert.deepEqual(names, ['G', 'V', 'HasEither', 'ValueMap', 'ShortestPathTo', 'Ipv4Range', 'ASC']);
  });

  it('reads strings with either quote, without escapes, up to the matching quote', () => {
    const values = tokenize(`G("it's", 'say "hi"', 'a\\d', '')`, keywords).filter((t) => t.type === 'string').map((t) => t.value);
    assert.deepEqual(values, ["it's", 'say "hi"', 'a\\d', '']);
  });

  it('reads integers and floats', () => {
    const nums = tokenize('G(0, 15, 1.5, 2., 007)', keywords).filter((t) => t.type === 'number').map((t) => [t.value, t.integer]);
    assert.deepEqual(nums, [[0, true], [15, true], [1.5, false], [2, false], [7, true]]);
  });

  it('treats space, tab, newline and carriage return as whitespace', () => {
    assert.deepEqual(types('G\t.\r\nV ( )'), ['keyword', 'dot', 'keyword', 'lparen', 'rparen', 'eof']);
  });

  const errors: readonly (readonly [string, string, number])[] = [
    ["G.V().Has('a', -1)", 'GREMLIN_PARSE_ERROR', 15],
    ["G.V().Has('a', 10s)", 'GREMLIN_PARSE_ERROR', 15],
    ["G.V().Has('a', 1.2.3)", 'GREMLIN_PARSE_ERROR', 15],
    ['G.V().Frobnicate()', 'GREMLIN_PARSE_ERROR', 6],
    ["G.V().Has('abc)", 'GREMLIN_PARSE_ERROR', 10],
    ['G.V()#', 'GREMLIN_PARSE_ERROR', 5],
    ['G.V().Has(\u00e9)', 'GREMLIN_PARSE_ERROR', 10],
    ['G.V()._Out()', 'GREMLIN_PARSE_ERROR', 6],
    ['G.V().Flows()', 'GREMLIN_INVALID_STEP', 6],
  ];
  for (const [text, code, position] of errors) {
    it(`rejects ${JSON.stringify(text)} with ${code} at ${position}`, () => {
      assert.throws(() => tokenize(text, keywords), (err: { code: string; details: { position: number } }) =>
        err.code === code && err.details.position === position);
    });
  }
});
