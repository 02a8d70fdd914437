// The element model: nodes and edges in Skydive's JSON shape, immutable per revision.

/** Free nested JSON metadata. */
export type Metadata = { [key: string]: unknown };

/** A node revision. Objects are never mutated after creation: a change makes a new revision. */
export interface Node {
  readonly ID: string;
  readonly Metadata: Readonly<Metadata>;
  readonly Host: string;
  readonly Origin: string;
  readonly CreatedAt: number;
  readonly UpdatedAt: number;
  readonly DeletedAt: number | null;
  readonly Revision: number;
}

/** An edge revision: a node record plus its parent and child node IDs. */
export interface Edge extends Node {
  readonly Parent: string;
  readonly Child: string;
}

/** Either element kind. */
export type Element = Node | Edge;

/** A topology dump as Skydive serialises it. */
export interface TopologyJson {
  Nodes: Node[];
  Edges: Edge[];
}

/** One metadata change: Type 1 sets the dotted Key to Value, Type 2 deletes it (Skydive's op codes). */
export interface MetadataOp {
  readonly Type: 1 | 2;
  readonly Key: string;
  readonly Value?: unknown;
}

/** Op codes. */
export const OP_SET = 1;
export const OP_DELETE = 2;

/** True when `e` is an edge. */
export function isEdge(e: Element): e is Edge {
  return (e as Edge).Parent !== undefined;
}
