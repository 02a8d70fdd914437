import { strict as assert } from 'node:assert';
import { StepRegistry } from '../planner/registry.js';
import { coreExtension } from '../steps/core.js';
import { MAX_NESTING, parseQuery } from './parser.js';

const errors: readonly (readonly [string, number, string?])[] = [
  ['', 0, 'end of input'],
  ['   ', 3, 'end of input'],
  ['V()', 0, 'V'],
  ['G V()', 2, 'V'],
  ['G.', 2, 'end of input'],
  ['G.V(', 4, 'end of input'],
  ['G.V()..Out()', 6, '.'],
  ['G.V().Has', 9, 'end of input'],
  ["G.V().Has('Name' 'eth0')", 17, "'eth0'"],
  ["G.V().Has('Name',)", 17, ')'],
  ["G.V().Has(,'Name')", 10, ','],
  ["G.V().Has('a',,'b')", 14, ','],
  ['G.V().Ne(1)', 6, 'Ne'],
  ['G.V().Has(V())', 10, 'V'],
  ['G.V().G()', 7, '('],
  ["G.V().Has('a', Within)", 21, ')'],
  ['G.V())', 5, ')'],
  ['G.V().Out().', 12, 'end of input'],
  ['G.At', 4, 'end of input'],
];

describe('parser', () => {
  const keywords = new StepRegistry();
  keywords.register(coreExtension);
  const parse = (text: string): ReturnType<typeof parseQuery> => parseQuery(text, keywords);

  it('builds steps with canonical names, positions and typed parameters', () => {
    const ast = parse("g.V().has('Name', Within('a', 2), 'Up', TRUE).sort(DESC, 'MTU').G");
    assert.deepEqual(ast.steps.map((s) => [s.name, s.pos, s.bare]), [['V', 2], ['Has', 6], ['Sort', 46], ['G', 64]].map(
      ([n, p]) => [n, p, n === 'G']));
    const has = ast.steps[1];
    assert.deepEqual(has?.params, [
      { kind: 'string', value: 'Name', pos: 10 },
      { kind: 'call', name: 'Within', pos: 18, params: [{ kind: 'string', value: 'a', pos: 25 }, { kind: 'number', value: 2, integer: true, pos: 30 }] },
      { kind: 'string', value: 'Up', pos: 34 },
      { kind: 'bool', value: true, pos: 40 },
    ]);
    assert.deepEqual(ast.steps[2]?.params[0], { kind: 'const', value: 'DESC', pos: 51 });
  });

  it('accepts a lone G and empty parameter lists', () => {
    assert.deepEqual(parse('G').steps, []);
    assert.deepEqual(parse(' G . V ( ) ').steps, [{ name: 'V', params: [], pos: 5, bare: false }]);
  });

  for (const [text, position, found] of errors) {
    it(`reports ${JSON.stringify(text)} at position ${position}`, () => {
      assert.throws(() => parse(text), (err: { code: string; details: Record<string, unknown> }) => {
        assert.equal(err.code, 'GREMLIN_PARSE_ERROR');
        assert.equal(err.details.position, position);
        if (found !== undefined) assert.equal(err.details.found, found);
        assert.equal(typeof err.details.expected, 'string');
        return true;
      });
    });
  }

  it('limits predicate nesting', () => {
    const deep = (n: number): string => `G.V().Has('a', ${'Within('.repeat(n)}1${')'.repeat(n)})`;
    assert.ok(parse(deep(MAX_NESTING)));
    assert.throws(() => parse(deep(MAX_NESTING + 1)), { code: 'GREMLIN_PARSE_ERROR' });
    assert.throws(() => parse(deep(100_000)), { code: 'GREMLIN_PARSE_ERROR' });
  });

  it('parses long step chains without recursion', () => {
    const text = `G.V()${'.Out()'.repeat(50_000)}`;
    assert.equal(parse(text).steps.length, 50_001);
  });
});
