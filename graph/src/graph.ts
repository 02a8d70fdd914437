// The contract every live graph implementation fulfils: reads (GraphView), commands, replication and events.
import type { ApplyResult, GraphEventOf, GraphEventType, GraphListener, ReplicatedEvent } from './events.js';
import type { Edge, Node, TopologyJson } from './model.js';
import type { EdgeInput, MetadataChange, NodeInput } from './memory/settings.js';
import type { GraphView } from './view.js';

/** A live, event-sourced graph. */
export interface Graph extends GraphView {
  readonly revision: number;
  onAny(listener: GraphListener): () => void;
  on<T extends GraphEventType>(type: T, listener: (event: GraphEventOf<T>) => void): () => void;
  addNode(input: NodeInput): Node;
  addEdge(input: EdgeInput): Edge;
  updateNode(id: string, change: MetadataChange, at?: number): Node | undefined;
  updateEdge(id: string, change: MetadataChange, at?: number): Edge | undefined;
  deleteNode(id: string, at?: number): Node;
  deleteEdge(id: string, at?: number): Edge;
  deleteOrigin(origin: string, at?: number): { nodes: number; edges: number };
  apply(event: ReplicatedEvent): ApplyResult;
  toJSON(): TopologyJson;
}
