// Field resolution on whole elements: '@ID'-style pseudo-fields, Parent/Child on edges, then metadata paths.
import type { Element, Edge } from '../model.js';
import { getPath, listKeys } from './paths.js';

/** The pseudo-fields every element exposes, in the order Keys() lists them. */
export const PSEUDO_FIELDS = ['@ID', '@Host', '@Origin', '@CreatedAt', '@UpdatedAt', '@DeletedAt', '@Revision'] as const;

/** Resolves a key on an element; undefined when absent. */
export function getField(e: Element, key: string): unknown {
  if (key.charCodeAt(0) === 64 /* @ */) {
    switch (key) {
      case '@ID': return e.ID;
      case '@Host': return e.Host;
      case '@Origin': return e.Origin;
      case '@CreatedAt': return e.CreatedAt;
      case '@UpdatedAt': return e.UpdatedAt;
      case '@DeletedAt': return e.DeletedAt ?? undefined;
      case '@Revision': return e.Revision;
      default: return undefined;
    }
  }
  if ((key === 'Parent' || key === 'Child') && (e as Edge).Parent !== undefined) return (e as Edge)[key];
  return getPath(e.Metadata, key);
}

/** The keys of an element as Skydive's Keys() lists them: pseudo-fields, then dotted metadata keys. */
export function elementKeys(e: Element): string[] {
  return [...PSEUDO_FIELDS, ...listKeys(e.Metadata)];
}
