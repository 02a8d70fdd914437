// What a memory graph is configured with and what its commands take: settings, dependencies, element inputs
// and metadata changes.
import type { Clock } from '@topoflow/common';
import type { GraphEvent } from '../events.js';
import type { Metadata, MetadataOp } from '../model.js';

/** Settings of a memory graph. */
export interface MemoryGraphConfig {
  /** Host written on elements created here without one. */
  host: string;
  /** Origin written on elements created here without one. */
  origin: string;
  /** Node fields with a live index (dotted keys and '@' pseudo-fields allowed). */
  nodeIndexes: readonly string[];
  /** Edge fields with a live index. */
  edgeIndexes: readonly string[];
  /** Events raised by listeners while others are delivered, queued at most. */
  maxPendingEvents: number;
}

/** The defaults: Skydive's usual lookup keys indexed. */
export function defaultMemoryGraphConfig(): MemoryGraphConfig {
  return {
    host: '', origin: '',
    nodeIndexes: ['Name', 'Type', 'MAC', 'IPV4', 'TID', 'Host'],
    edgeIndexes: ['RelationType'],
    maxPendingEvents: 100_000,
  };
}

/** What the graph needs from outside. */
export interface MemoryGraphDeps {
  clock?: Clock;
  /** Called when a listener throws or the event queue overflows. */
  onListenerError?: (err: unknown, event: GraphEvent) => void;
}

/** Fields a caller may give when creating a node; the rest is filled in. */
export interface NodeInput {
  ID?: string;
  Metadata?: Metadata;
  Host?: string;
  Origin?: string;
  CreatedAt?: number;
  UpdatedAt?: number;
  Revision?: number;
}

/** Fields a caller may give when creating an edge. */
export interface EdgeInput extends NodeInput {
  Parent: string;
  Child: string;
}

/** A metadata change: explicit ops, dotted keys to set or delete, or a full replacement. */
export interface MetadataChange {
  ops?: readonly MetadataOp[];
  set?: Readonly<Record<string, unknown>>;
  delete?: readonly string[];
  replace?: Metadata;
}
