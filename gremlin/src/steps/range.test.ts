import { defaultGremlinConfig } from '../contract.js';
import { createEngine } from '../engine.js';
import { fixtureGraph, ids, type QueryCases, itResults, itErrors } from '../testing.js';

describe('Range and Limit', () => {
  const graph = fixtureGraph();
  const engine = createEngine(defaultGremlinConfig());
  const run = async (q: string): Promise<unknown> => ids((await engine.execute(q, graph)).toJSON());

  const cases: QueryCases = [
    ['G.V().Range(2, 4)', ['ns2', 'eth0']],
    ['G.V().Limit(3)', ['host', 'ns1', 'ns2']],
    ['G.V().Range(8, 20)', ['lo1', 'eth1']],
    ['G.V().Range(3, 3)', []],
    ['G.V().Limit(0)', []],
    ['G.V().Range(20, 30)', []],
    ['G.E().Limit(2)', ['e-host-ns1', 'e-host-ns2']],
    ["G.V().Has('Type', 'device').Range(1, 3)", ['lo', 'lo1']],
    ['G.V().Sort(DESC).Range(0, 2)', ['eth1', 'lo1']],
    ['G.V().Limit(5).Limit(2)', ['host', 'ns1']],
    ['G.V().Limit(5).Range(1, 3)', ['ns1', 'ns2']],
    ["G.V().As('a').Limit(2)", ['host', 'ns1']],
    ["G.V().Has('Type', 'device').Limit(2).Count()", 2],
  ];
  itResults(run, cases);

  const errors: QueryCases = [
    ['G.V().Range(4, 2)', 'GREMLIN_INVALID_PARAMS'],
    ['G.V().Range(1)', 'GREMLIN_INVALID_PARAMS'],
    ['G.V().Range(1, 2, 3)', 'GREMLIN_INVALID_PARAMS'],
    ['G.V().Limit(1.5)', 'GREMLIN_INVALID_PARAMS'],
    ["G.V().Limit('a')", 'GREMLIN_INVALID_PARAMS'],
    ['G.V().Limit()', 'GREMLIN_INVALID_PARAMS'],
    ["G.V().Values('Name').Limit(1)", 'GREMLIN_INVALID_STEP'],
    ['G.Limit(1)', 'GREMLIN_INVALID_STEP'],
  ];
  itErrors(engine, graph, errors);
});
