// An engine with the flow extension over a graph that also serves as its own history (so At()/Context() reach the
// flow steps), and a short form of results for assertions.
import type { GraphView } from '@topoflow/graph';
import { createEngine, defaultGremlinConfig, type GremlinEngine } from '@topoflow/gremlin';
import { flowExtension } from '../gremlin/extension.js';
import type { FlowExtensionDeps } from '../gremlin/source.js';

/** An engine with the flow steps; At()/Context() views are `graph` itself. */
export function flowTestEngine(deps: FlowExtensionDeps, graph: GraphView): GremlinEngine {
  return createEngine(defaultGremlinConfig(), { extensions: [flowExtension(deps)], history: { view: async () => graph } });
}

/** Replaces nodes by their ID and flows by their UUID at any depth of a result's JSON. */
export function brief(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(brief);
  if (typeof json !== 'object' || json === null) return json;
  const o = json as Record<string, unknown>;
  if (typeof o.ID === 'string' && typeof o.Metadata === 'object') return o.ID;
  if (typeof o.UUID === 'string' && typeof o.TrackingID === 'string') return o.UUID;
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, brief(v)]));
}
