// `topoflow client query 'G.V()…'`: runs a Gremlin query on the analyzer and prints the JSON result.
import { AnalyzerClient } from '../client/http.js';
import type { CommandContext } from './context.js';
import { type TimeOptions, atQuery } from './time-travel.js';

/** Runs one query, on the past with --at; prints the result as indented JSON (or DOT with --format dot). */
export async function queryCommand(ctx: CommandContext, text: string, format: string, time: TimeOptions = {}): Promise<void> {
  const query = atQuery(text, time);
  const client = new AnalyzerClient(ctx.analyzer);
  if (format === 'dot') {
    const r = await client.request('POST', '/api/topology', { GremlinQuery: query }, { accept: 'text/vnd.graphviz' });
    ctx.out(r.text);
    return;
  }
  const result = await client.json('POST', '/api/topology', { GremlinQuery: query });
  ctx.out(JSON.stringify(result ?? null, null, 2) + '\n');
}
