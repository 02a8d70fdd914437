// Graphviz DOT rendering of a topology, for `Accept: text/vnd.graphviz` and `topology export --format dot`.
import type { Edge, Node } from '../model.js';

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function label(n: Node): string {
  const name = n.Metadata.Name;
  const type = n.Metadata.Type;
  const parts = [typeof name === 'string' ? name : n.ID];
  if (typeof type === 'string') parts.push(`(${type})`);
  return parts.join(' ');
}

/** Renders nodes and edges as a DOT digraph; edges are labelled with their RelationType. */
export function toDot(nodes: Iterable<Node>, edges: Iterable<Edge>, name = 'topology'): string {
  const lines = [`digraph ${quote(name)} {`];
  for (const n of nodes) lines.push(`  ${quote(n.ID)} [label=${quote(label(n))}];`);
  for (const e of edges) {
    const rel = e.Metadata.RelationType;
    const attrs = typeof rel === 'string' ? ` [label=${quote(rel)}]` : '';
    lines.push(`  ${quote(e.Parent)} -> ${quote(e.Child)}${attrs};`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
