// Fuzz test: generated and mutated queries never crash or hang the engine, and every failure is a GREMLIN_* AppError.
import { strict as assert } from 'node:assert';
import { AppError } from '@topoflow/common';
import { ManualClock } from '@topoflow/common/testing';
import { Prng } from '@topoflow/common/testing';
import type { GraphView } from '@topoflow/graph';
import { defaultGremlinConfig } from './contract.js';
import { createEngine } from './engine.js';
import { GREMLIN_ERROR_STATUS } from './errors.js';
import { fixtureGraph } from './testing.js';

/** Steps with the kinds they accept, the kind they produce ('=' keeps the input kind) and plausible parameters. */
const STEPS: readonly (readonly [string, string, string, readonly string[]])[] = [
  ['V', 'graph', 'nodes', ['', "'eth0'", "'nothing'"]],
  ['E', 'graph', 'edges', ['', "'e-host-ns1'"]],
  ['Has', 'nodes edges value', '=', ["'Type', 'veth'", "'MTU', Gt(1400)", "'Name'", "'IPV4', Ipv4Range('10.0.0.0/8')", "'Name', Within('eth0', 'lo')"]],
  ['HasEither', 'nodes edges value', '=', ["'Type', 'veth', 'Type', 'host'", "'RelationType', 'layer2'"]],
  ['HasKey', 'nodes edges value', '=', ["'MTU'", "'Ovs.Metric.RxBytes'"]],
  ['HasNot', 'nodes edges value', '=', ["'IPV4'", "'Cost'"]],
  ['Out', 'nodes', 'nodes', ['', "'Type', 'device'"]],
  ['In', 'nodes', 'nodes', ['']],
  ['Both', 'nodes', 'nodes', ['', "'MTU', Lt(2000)"]],
  ['OutE', 'nodes', 'edges', ['', "'RelationType', 'layer2'"]],
  ['InE', 'nodes', 'edges', ['']],
  ['BothE', 'nodes', 'edges', ['']],
  ['OutV', 'edges', 'nodes', ['']],
  ['InV', 'edges', 'nodes', ['', "'Type', 'bridge'"]],
  ['BothV', 'edges', 'nodes', ['']],
  ['Dedup', 'nodes edges paths value', '=', ['', "'Type'", "'Name', 'MTU'"]],
  ['Count', 'nodes edges metrics', 'value', ['']],
  ['Range', 'nodes edges', '=', ['1, 3', '0, 0', '2, 100']],
  ['Limit', 'nodes edges', '=', ['1', '3', '0']],
  ['Sort', 'nodes edges', '=', ['', "DESC, 'MTU'", "'Name'", 'ASC']],
  ['Values', 'nodes edges', 'value', ["'Name'", "'IPV4'", "'Ovs.Metric'"]],
  ['ValueMap', 'nodes edges', 'value', ["'Name', 'MTU'"]],
  ['Keys', 'nodes edges', 'value', ['']],
  ['Sum', 'nodes edges metrics', 'value', ["'MTU'", "'Cost'", "'RxBytes'", '']],
  ['ShortestPathTo', 'nodes', 'paths', ["Metadata('Type', 'host')", "Metadata('Name', 'br0'), Metadata('RelationType', 'layer2')"]],
  ['SubGraph', 'nodes edges paths', 'graph', ['', "'RelationType', 'ownership'"]],
  ['Descendants', 'nodes', 'nodes', ['', '0', "'RelationType', 'layer2', 2"]],
  ['Ascendants', 'nodes', 'nodes', ['', '0']],
  ['Neighbors', 'nodes', 'nodes', ['', '2', "'RelationType', 'layer2', 0"]],
  ['Metrics', 'nodes', 'metrics', ['', "'Ovs'", "'SFlow.LastUpdateMetric'"]],
  ['Aggregates', 'metrics', 'metrics', ['', '10', '1']],
  ['As', 'nodes', 'nodes', ["'a'"]],
  ['Select', 'nodes edges graph', 'nodes', ["'a'"]],
  ['At', 'graph', 'graph', ['NOW', "'-5m', 300", '1717000000']],
  ['G', 'nodes edges graph paths value', 'graph', []],
];
const PREDICATES = ['Ne', 'Nee', 'Lt', 'Gt', 'Lte', 'Gte', 'Inside', 'Outside', 'Between', 'Within', 'Without', 'Regex',
  'Ipv4Range', 'Metadata'];
const CONSTANTS = ['TRUE', 'FALSE', 'ASC', 'DESC', 'NOW', 'FOREVER'];
const STRINGS = ['Name', 'Type', 'MTU', 'IPV4', 'Captures.ID', 'Ovs.Metric.RxBytes', '@ID', '@CreatedAt', 'RelationType',
  'eth0', 'veth', 'host', 'netns', 'ownership', 'layer2', 'host', 'eth.*', '10.0.0.0/24', '-5m', '1h', 'a', '', 'x.y.z'];
const SEEDS = [
  "G.V().Has('Name', Regex('eth.*'), 'MTU', Gte(1500)).Values('Name')",
  "G.V().Has('Type', 'host').Out().Has('Type', 'netns').Out()",
  "G.E().Has('RelationType', 'layer2').BothV().Dedup()",
  "G.V().Has('IPV4', Ipv4Range('10.0.0.0/24')).SubGraph()",
  "G.V().Has('Name', 'eth1').ShortestPathTo(Metadata('Type', 'host'), Metadata('RelationType', 'ownership'))",
  "G.V().Has('Type', 'host').As('h').G.V().Has('Type', 'netns').As('n').Select('h', 'n')",
  "G.At('-5m', 300).V().Sort(DESC, 'MTU').Range(1, 3)",
];
const CHARS = `'"(),. -_aZq09\r\n\t#é\u0000\\`;

class QueryFuzzer {
  readonly #r: Prng;
  constructor(seed: number) {
    this.#r = new Prng(seed);
  }

  int(n: number): number {
    return this.#r.int(n);
  }

  pick<T>(list: readonly T[]): T {
    return this.#r.pick(list);
  }

  case(word: string): string {
    const c = this.int(4);
    return c === 0 ? word.toLowerCase() : c === 1 ? word.toUpperCase() : word;
  }

  param(depth: number): string {
    switch (this.int(depth > 1 ? 4 : 5)) {
      case 0: return `'${this.pick(STRINGS)}'`;
      case 1: return String(this.int(3) === 0 ? this.int(70000) : this.int(12)) + (this.int(6) === 0 ? '.5' : '');
      case 2: return this.pick(CONSTANTS);
      case 3: return `'${this.pick(STRINGS)}'`;
      default: return `${this.case(this.pick(PREDICATES))}(${this.params(depth + 1)})`;
    }
  }

  params(depth: number): string {
    const n = this.int(5);
    return Array.from({ length: n }, () => this.param(depth)).join(', ');
  }

  /** A chain of steps; most follow the kinds and take plausible parameters, some are random. */
  query(): string {
    const parts = ['G'];
    let kind = 'graph';
    for (let n = this.int(7); n > 0; n--) {
      const fits = STEPS.filter(([, inputs]) => inputs.split(' ').includes(kind));
      const [name, , output, params] = this.int(5) === 0 || fits.length === 0 ? this.pick(STEPS) : this.pick(fits);
      const written = this.case(name);
      if (name === 'G') parts.push(written);
      else parts.push(`${written}(${this.int(4) === 0 || params.length === 0 ? this.params(0) : this.pick(params)})`);
      kind = output === '=' ? kind : output;
    }
    return parts.join('.');
  }

  mutate(text: string): string {
    let s = text;
    for (let k = 1 + this.int(3); k > 0; k--) {
      const i = this.int(s.length + 1);
      switch (this.int(5)) {
        case 0: s = s.slice(0, i); break;
        case 1: s = s.slice(0, i) + this.pick([...CHARS]) + s.slice(i); break;
        case 2: s = s.slice(0, i) + s.slice(i + 1 + this.int(3)); break;
        case 3: s = s.slice(0, i) + s.slice(this.int(s.length), this.int(s.length)) + s.slice(i); break;
        default: s = this.swapTokens(s);
      }
    }
    return s;
  }

  swapTokens(s: string): string {
    const tokens = s.split(/([().,'"])/);
    const a = this.int(tokens.length);
    const b = this.int(tokens.length);
    [tokens[a], tokens[b]] = [tokens[b] as string, tokens[a] as string];
    return tokens.join('');
  }
}

describe('fuzz', function () {
  this.timeout(60_000);
  const ITERATIONS = 100_000;

  it(`survives ${ITERATIONS} generated and mutated queries with GREMLIN_* errors only`, async () => {
    const graph = fixtureGraph();
    const engine = createEngine(defaultGremlinConfig(), {
      clock: new ManualClock(), history: { view: async (): Promise<GraphView> => graph },
    });
    const fuzz = new QueryFuzzer(0x5eed);
    const codes = new Map<string, number>();
    const kinds = new Set<string>();
    let parsed = 0;
    let succeeded = 0;
    const fail = (err: unknown, text: string): void => {
      assert.ok(err instanceof AppError, `non-AppError for ${JSON.stringify(text)}: ${String(err)}`);
      assert.ok(err.code in GREMLIN_ERROR_STATUS, `code ${err.code} for ${JSON.stringify(text)}`);
      if (err.code === 'GREMLIN_PARSE_ERROR') assert.equal(typeof err.details?.position, 'number');
      assert.notEqual(err.statusCode, 500, `internal fault for ${JSON.stringify(text)}: ${String(err.cause)}`);
      codes.set(err.code, (codes.get(err.code) ?? 0) + 1);
    };
    for (let i = 0; i < ITERATIONS; i++) {
      const text = i % 3 === 0 ? fuzz.query() : fuzz.mutate(i % 3 === 1 ? fuzz.pick(SEEDS) : fuzz.query());
      try {
        engine.parse(text);
        parsed++;
      } catch (err) {
        fail(err, text);
        continue;
      }
      try {
        const r = await engine.execute(text, graph, { timeoutMs: 200, maxResultSize: 200 });
        JSON.stringify(r.toJSON());
        kinds.add(r.kind);
        succeeded++;
      } catch (err) {
        fail(err, text);
      }
    }
    assert.ok(parsed > ITERATIONS / 20, `parsed ${parsed}`);
    assert.ok(succeeded > ITERATIONS / 10, `succeeded ${succeeded}`);
    assert.deepEqual([...kinds].sort(), ['edges', 'graph', 'metrics', 'nodes', 'paths', 'value']);
    for (const code of ['GREMLIN_PARSE_ERROR', 'GREMLIN_INVALID_PARAMS', 'GREMLIN_INVALID_STEP', 'GREMLIN_NOT_FOUND']) {
      assert.ok((codes.get(code) ?? 0) > 0, `no ${code}: ${JSON.stringify([...codes])}`);
    }
  });
});
