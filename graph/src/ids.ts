// Identifiers: name-based UUIDs (v5) for probe-made elements so restarts keep IDs, random v4 otherwise.
import { createHash, randomUUID } from 'node:crypto';

/** Skydive's namespace for name-based IDs (the RFC 4122 OID namespace). */
export const ID_NAMESPACE = '6ba7b812-9dad-11d1-80b4-00c04fd430c8';

const NS_BYTES = Buffer.from(ID_NAMESPACE.replace(/-/g, ''), 'hex');

function format(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** RFC 4122 version 5 UUID of `name` in `namespace` (hex UUID string). */
export function uuidV5(name: string, namespace: string = ID_NAMESPACE): string {
  const ns = namespace === ID_NAMESPACE ? NS_BYTES : Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x50;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  return format(b);
}

/** A deterministic ID from stable parts (Skydive's GenID(a, b, …): v5 of the parts joined by '/'). */
export function genId(...parts: readonly string[]): string {
  return uuidV5(parts.join('/'));
}

/** A random ID for API objects and elements without stable keys. */
export function randomId(): string {
  return randomUUID();
}

/** Skydive's ID for a topology link: v5 of parent + child + relation type, concatenated. */
export function linkId(parent: string, child: string, relationType: string): string {
  return uuidV5(parent + child + relationType);
}
