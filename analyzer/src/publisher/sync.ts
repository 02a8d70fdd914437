// A publisher's Sync: replace everything of its origin (delete the origin, then add every node, then every
// edge), in batches that yield to the event loop so subscribers drain and a huge Sync blocks nobody.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { isAppError } from '@topoflow/common';
import type { MemoryGraph } from '@topoflow/graph';
import { type ElementDefaults, type Validate, checkSchema, edgeInput, nodeInput } from '../elements/element-input.js';

/** An element of a Sync that was skipped. */
export interface SyncProblem {
  path: string;
  code: string;
  message: string;
}

/** What a Sync did. */
export interface SyncOutcome {
  nodes: number;
  edges: number;
  skipped: number;
  problems: SyncProblem[];
}

/** How a Sync is applied. */
export interface SyncOptions {
  graph: MemoryGraph;
  origin: string;
  defaults: () => ElementDefaults;
  validateNode: Validate;
  validateEdge: Validate;
  batch: number;
  /** True once the connection is gone: the Sync stops. */
  aborted(): boolean;
}

const MAX_PROBLEMS = 20;

/** Applies a validated `{Nodes, Edges}` object. */
export async function applySync(obj: { Nodes?: unknown[] | null; Edges?: unknown[] | null }, o: SyncOptions): Promise<SyncOutcome> {
  const out: SyncOutcome = { nodes: 0, edges: 0, skipped: 0, problems: [] };
  o.graph.deleteOrigin(o.origin);
  const step = async (items: unknown[], kind: 'Nodes' | 'Edges'): Promise<void> => {
    for (let i = 0; i < items.length; i++) {
      if (i > 0 && i % o.batch === 0) {
        await yieldToLoop();
        if (o.aborted()) return;
      }
      const path = `${kind}[${i}]`;
      try {
        if (kind === 'Nodes') {
          checkSchema(o.validateNode, items[i], path);
          const input = nodeInput(items[i], o.defaults(), path);
          if (o.graph.getNode(input.ID as string) === undefined) {
            o.graph.addNode(input);
            out.nodes++;
          }
        } else {
          checkSchema(o.validateEdge, items[i], path);
          const input = edgeInput(items[i], o.defaults(), path);
          if (o.graph.getEdge(input.ID as string) === undefined) {
            o.graph.addEdge(input);
            out.edges++;
          }
        }
      } catch (err) {
        out.skipped++;
        if (out.problems.length < MAX_PROBLEMS) {
          out.problems.push({ path, code: isAppError(err) ? err.code : 'unknown', message: (err as Error).message });
        }
      }
    }
  };
  await step(obj.Nodes ?? [], 'Nodes');
  if (!o.aborted()) await step(obj.Edges ?? [], 'Edges');
  return out;
}
