import { strict as assert } from 'node:assert';
import type { GraphView } from '@topoflow/graph';
import { defaultGremlinConfig } from './contract.js';
import { createEngine } from './engine.js';
import { paramsError } from './errors.js';
import { defineStep, type GremlinExtension } from './extension.js';
import { NodesResult, ValueResult } from './results/results.js';
import { stringParam } from './steps/params.js';
import { fixtureGraph, ids } from './testing.js';

/** Toy result data: a greeting per node ID. */
type Greetings = { greetings: Record<string, string>; upper: boolean };

interface GreetArgs {
  readonly prefix: string;
  readonly upper: boolean;
}

/** A toy extension: Greet() (async, nodes → greetings), Shout() (fused into Greet), Count() and Names() on greetings. */
function toyExtension(delayMs = 1): GremlinExtension {
  const greet = defineStep<GreetArgs>({
    name: 'Greet',
    inputs: ['nodes'],
    output: 'greetings',
    compile(params, site) {
      if (params.length > 1) throw paramsError('Greet() takes an optional prefix', site.position);
      return { prefix: params[0] === undefined ? 'hello' : stringParam(params[0], site), upper: false };
    },
    async apply(input, args, ctx) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const greetings: Record<string, string> = {};
      for (const n of (input as NodesResult).items) greetings[n.ID] = `${args.prefix} ${String(n.Metadata.Name)}`;
      return ctx.result<Greetings>('greetings', { greetings, upper: args.upper });
    },
    fuse: (args, next) => (next.name === 'Shout' ? { ...args, upper: true } : undefined),
  });
  const shout = defineStep<undefined>({
    name: 'Shout', inputs: ['greetings'], output: 'greetings', compile: () => undefined,
    apply: () => { throw new Error('Shout is always fused'); },
  });
  const count = defineStep<undefined>({
    name: 'Count', inputs: ['greetings'], output: 'value', compile: () => undefined,
    apply: (input) => new ValueResult(Object.keys((input as unknown as { data: Greetings }).data.greetings).length),
  });
  const when = defineStep<undefined>({
    name: 'When', inputs: ['graph'], output: 'value', compile: () => undefined,
    apply: (_input, _args, ctx) => new ValueResult(ctx.timeSlice ?? null),
  });
  const boom = defineStep<undefined>({
    name: 'Boom', inputs: 'any', output: 'value', compile: () => undefined,
    apply: () => { throw new TypeError('internal'); },
  });
  return {
    name: 'toy',
    steps: [greet, shout, count, when, boom],
    resultKinds: [{
      kind: 'greetings',
      toJSON: (d: Greetings) => [Object.fromEntries(Object.entries(d.greetings).map(([k, v]) => [k, d.upper ? v.toUpperCase() : v]))],
    }],
  };
}

describe('extension interface', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig(), { extensions: [toyExtension()] });

  it('adds steps as case-insensitive keywords with async apply and a new result kind', async () => {
    const r = await engine.execute("g.V().has('Type', 'netns').greet('hi')", graph);
    assert.equal(r.kind, 'greetings');
    assert.deepEqual(r.toJSON(), [{ ns1: 'hi ns1', ns2: 'hi ns2' }]);
  });

  it('lets a step absorb the next one through fuse', async () => {
    assert.equal(engine.parse("G.V().Has('Type', 'netns').Greet().Shout()").plan.steps.length, 2);
    const r = await engine.execute("G.V().Has('Type', 'netns').Greet().Shout()", graph);
    assert.deepEqual(r.toJSON(), [{ ns1: 'HELLO NS1', ns2: 'HELLO NS2' }]);
  });

  it('overloads an existing step name for its own input kind', async () => {
    assert.equal((await engine.execute('G.V().Greet().Count()', graph)).toJSON(), 10);
    assert.equal((await engine.execute('G.V().Count()', graph)).toJSON(), 10);
  });

  it('validates parameters at parse time and kinds before running', () => {
    assert.throws(() => engine.parse("G.V().Greet('a', 'b')"), { code: 'GREMLIN_INVALID_PARAMS', details: { position: 6 } });
    assert.throws(() => engine.parse('G.V().Greet(1)'), { code: 'GREMLIN_INVALID_PARAMS' });
    assert.throws(() => engine.parse('G.E().Greet()'), { code: 'GREMLIN_INVALID_STEP' });
    assert.throws(() => engine.parse("G.V().Greet().Has('a')"), { code: 'GREMLIN_INVALID_STEP' });
  });

});

describe('extension interface: context, faults and registration', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig(), { extensions: [toyExtension()] });

  it('shows the time slice to steps after At()', async () => {
    const withHistory = createEngine(defaultGremlinConfig(), {
      extensions: [toyExtension()], history: { view: async (): Promise<GraphView> => graph },
    });
    assert.deepEqual((await withHistory.execute('G.At(1717000000).When()', graph)).toJSON(), { start: 1717000000000, end: 1717000000000, point: true });
    assert.equal((await withHistory.execute('G.When()', graph)).toJSON(), null);
  });

  it('bounds an async step by the query deadline', async () => {
    const slow = createEngine(defaultGremlinConfig(), { extensions: [toyExtension(500)] });
    await assert.rejects(slow.execute('G.V().Greet()', graph, { timeoutMs: 20 }), { code: 'GREMLIN_TIMEOUT' });
  });

  it('turns an internal fault of a step into GREMLIN_EXECUTION_ERROR (500)', async () => {
    await assert.rejects(engine.execute('G.V().Boom()', graph), { code: 'GREMLIN_EXECUTION_ERROR', statusCode: 500 });
  });

  it('refuses conflicting registrations without registering anything', () => {
    const e = createEngine(defaultGremlinConfig());
    const step = (name: string, inputs: string[]) => defineStep<undefined>({
      name, inputs, output: 'value', compile: () => undefined, apply: () => new ValueResult(0),
    });
    assert.throws(() => e.register({ name: 'x', steps: [step('Count', ['nodes'])] }), { code: 'GREMLIN_INVALID_STEP' });
    assert.throws(() => e.register({ name: 'x', steps: [step('within', ['nodes'])] }), { code: 'GREMLIN_INVALID_STEP' });
    assert.throws(() => e.register({ name: 'x', steps: [step('At', ['nodes'])] }), { code: 'GREMLIN_INVALID_STEP' });
    assert.throws(() => e.register({ name: 'x', steps: [step('Bad-Name', ['nodes'])] }), { code: 'GREMLIN_INVALID_STEP' });
    assert.throws(() => e.register({ name: 'x', steps: [step('Twice', ['a']), step('TWICE', ['a'])] }), { code: 'GREMLIN_INVALID_STEP' });
    assert.throws(() => e.register({ name: 'x', resultKinds: [{ kind: 'nodes', toJSON: () => null }] }), { code: 'GREMLIN_INVALID_STEP' });
    assert.ok(!e.stepNames().includes('Twice'));
  });

  it('makes a step usable right after register(), replacing cached plans', async () => {
    const e = createEngine(defaultGremlinConfig());
    assert.throws(() => e.parse('G.V().Greet()'), { code: 'GREMLIN_PARSE_ERROR' });
    e.register(toyExtension());
    assert.deepEqual(ids((await e.execute("G.V('eth0').Greet()", graph)).toJSON()), [{ eth0: 'hello eth0' }]);
  });

  it('names a known Skydive extension step that is not registered', () => {
    assert.throws(() => engine.parse('G.V().Flows()'), { code: 'GREMLIN_INVALID_STEP', details: { position: 6, step: 'Flows' } });
  });
});
