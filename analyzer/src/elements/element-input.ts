// Turns validated node and edge bodies (REST or WebSocket) into graph inputs, filling what the client left out.
import { type Edge, type EdgeInput, type Node, type NodeInput, decodeEdge, decodeNode } from '@topoflow/graph';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import { schemaViolations } from '../http/errors.js';

/** A compiled JSON-schema validator (fastify's ajv functions have this shape). */
export type Validate = ((data: unknown) => boolean) & { errors?: readonly unknown[] | null };

/** Compiles a JSON schema into a validator. */
export type SchemaCompiler = (schema: object) => Validate;

/** Throws ANALYZER_VALIDATION_ERROR listing the violations when `data` does not match. */
export function checkSchema(validate: Validate, data: unknown, what: string): void {
  if (validate(data)) return;
  const violations = schemaViolations(validate.errors);
  const first = violations[0];
  const where = first === undefined ? '' : ` (${first.path || '/'} ${first.message})`;
  throw analyzerError(AnalyzerErrors.VALIDATION_ERROR, `invalid ${what}${where}`, { in: what, violations });
}

/** Values an element gets for the fields it lacks. */
export interface ElementDefaults {
  now: number;
  host: string;
  origin: string;
  /** When set, replaces whatever Origin the element carries (publishers). */
  forceOrigin?: string;
}

/** Deepest metadata nesting accepted: deeper values could not be serialised back safely. */
export const MAX_METADATA_DEPTH = 64;

function tooDeep(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth > MAX_METADATA_DEPTH) return true;
  for (const v of Array.isArray(value) ? value : Object.values(value)) if (tooDeep(v, depth + 1)) return true;
  return false;
}

/** Throws ANALYZER_VALIDATION_ERROR when metadata nests deeper than MAX_METADATA_DEPTH. */
export function checkMetadataDepth(metadata: unknown, id: string): void {
  if (tooDeep(metadata, 1)) {
    throw analyzerError(AnalyzerErrors.VALIDATION_ERROR, `Metadata nests deeper than ${MAX_METADATA_DEPTH} levels`, { id });
  }
}

function common(n: Node, d: ElementDefaults): NodeInput {
  checkMetadataDepth(n.Metadata, n.ID);
  return {
    ID: n.ID, Metadata: { ...n.Metadata }, Host: n.Host, Origin: d.forceOrigin ?? n.Origin,
    CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt, Revision: n.Revision,
  };
}

/** The node to create from a body; new elements start at revision 1 unless the body says otherwise. */
export function nodeInput(body: unknown, d: ElementDefaults, path = 'node'): NodeInput {
  return common(decodeNode(body, { now: d.now, host: d.host, origin: d.origin, revision: 1 }, path), d);
}

/** The edge to create from a body. */
export function edgeInput(body: unknown, d: ElementDefaults, path = 'edge'): EdgeInput {
  const e: Edge = decodeEdge(body, { now: d.now, host: d.host, origin: d.origin, revision: 1 }, path);
  return { ...common(e, d), Parent: e.Parent, Child: e.Child };
}
