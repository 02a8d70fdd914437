// RFC 6902 JSON Patch over plain JSON documents (PATCH /api/node/:id and /api/edge/:id), with RFC 6901 pointers.
import { deepEqual } from '@topoflow/graph';
import { AnalyzerErrors, analyzerError } from '../errors.js';

/** One JSON Patch operation. */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

type Container = Record<string, unknown> | unknown[];

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;
const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/** Splits an RFC 6901 pointer into unescaped tokens. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`pointer "${pointer}" must be empty or start with "/"`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function child(container: Container, token: string): unknown {
  if (Array.isArray(container)) return ARRAY_INDEX.test(token) ? container[Number(token)] : undefined;
  return Object.prototype.hasOwnProperty.call(container, token) ? container[token] : undefined;
}

function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Resolves the parent container and last token of a non-root pointer. */
function locate(doc: unknown, tokens: string[]): { parent: Container; key: string } {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (!isContainer(cur)) throw new Error('path goes through a value that is not an object or array');
    cur = child(cur, t);
    if (cur === undefined) throw new Error('path does not exist');
  }
  if (!isContainer(cur)) throw new Error('parent is not an object or array');
  return { parent: cur, key: tokens[tokens.length - 1] as string };
}

function get(doc: unknown, tokens: string[]): unknown {
  if (tokens.length === 0) return doc;
  const { parent, key } = locate(doc, tokens);
  const v = child(parent, key);
  if (v === undefined) throw new Error('path does not exist');
  return v;
}

function add(doc: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  const { parent, key } = locate(doc, tokens);
  if (Array.isArray(parent)) {
    if (key === '-') parent.push(value);
    else if (ARRAY_INDEX.test(key) && Number(key) <= parent.length) parent.splice(Number(key), 0, value);
    else throw new Error('array index out of range');
  } else {
    setOwn(parent, key, value);
  }
  return doc;
}

function remove(doc: unknown, tokens: string[]): unknown {
  if (tokens.length === 0) throw new Error('cannot remove the whole document');
  const { parent, key } = locate(doc, tokens);
  if (child(parent, key) === undefined) throw new Error('path does not exist');
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return doc;
}

function replace(doc: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  const { parent, key } = locate(doc, tokens);
  if (child(parent, key) === undefined) throw new Error('path does not exist');
  if (Array.isArray(parent)) parent[Number(key)] = value;
  else setOwn(parent, key, value);
  return doc;
}

function applyOne(doc: unknown, op: PatchOperation): unknown {
  const path = parsePointer(op.path);
  switch (op.op) {
    case 'add':
      return add(doc, path, structuredClone(op.value));
    case 'remove':
      return remove(doc, path);
    case 'replace':
      return replace(doc, path, structuredClone(op.value));
    case 'move': {
      if (op.from === undefined) throw new Error('"from" is required');
      const from = parsePointer(op.from);
      if (path.length > from.length && from.every((t, i) => path[i] === t)) throw new Error('cannot move a value into itself');
      const value = get(doc, from);
      return add(remove(doc, from), path, value);
    }
    case 'copy': {
      if (op.from === undefined) throw new Error('"from" is required');
      return add(doc, path, structuredClone(get(doc, parsePointer(op.from))));
    }
    case 'test':
      return doc;
    default:
      throw new Error(`unknown operation "${String((op as { op: unknown }).op)}"`);
  }
}

/** Applies a patch to a copy of `doc`; throws ANALYZER_INVALID_PATCH or ANALYZER_PATCH_TEST_FAILED. */
export function applyJsonPatch(doc: unknown, patch: readonly PatchOperation[]): unknown {
  let cur: unknown = structuredClone(doc);
  patch.forEach((op, index) => {
    if (op.op === 'test') {
      let actual: unknown;
      try {
        actual = get(cur, parsePointer(op.path));
      } catch {
        actual = undefined;
      }
      if (actual === undefined || !deepEqual(actual, op.value)) {
        throw analyzerError(AnalyzerErrors.PATCH_TEST_FAILED, `patch operation ${index} (test ${op.path}) failed`, { index, path: op.path });
      }
      return;
    }
    if (!('value' in op) && (op.op === 'add' || op.op === 'replace')) {
      throw analyzerError(AnalyzerErrors.INVALID_PATCH, `patch operation ${index} (${op.op}) needs a value`, { index, op: op.op, path: op.path });
    }
    try {
      cur = applyOne(cur, op);
    } catch (err) {
      throw analyzerError(AnalyzerErrors.INVALID_PATCH, `patch operation ${index} (${op.op} ${op.path}): ${(err as Error).message}`, {
        index, op: op.op, path: op.path,
      });
    }
  });
  return cur;
}
