// `topoflow client topology export`: the live topology (or a Gremlin sub-graph) as a Skydive dump or DOT.
import { AnalyzerClient } from '../client/http.js';
import { usageError } from '../errors.js';
import type { CommandContext } from './context.js';

/** Prints the topology; JSON is in the dump form `[{Nodes, Edges}]`, which `import` reads back. */
export async function exportCommand(ctx: CommandContext, format: string, gremlin: string | undefined): Promise<void> {
  const client = new AnalyzerClient(ctx.analyzer);
  if (format === 'dot') {
    const r = await client.request('POST', '/api/topology', { GremlinQuery: gremlin ?? 'G' }, { accept: 'text/vnd.graphviz' });
    ctx.out(r.text);
    return;
  }
  if (format !== 'json') throw usageError(`unknown export format "${format}": use json or dot`);
  const dump = gremlin === undefined ? [await client.json('GET', '/api/topology')] : await client.json('POST', '/api/topology', { GremlinQuery: gremlin });
  ctx.out(JSON.stringify(dump, null, 1) + '\n');
}
