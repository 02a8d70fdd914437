// The analyzer's HTTP API as end-to-end tests use it: JSON requests answering status and body, the node/edge
// API, Gremlin queries (live or in the past) and single values read from /metrics.
import { strict as assert } from 'node:assert';

/** A node or an edge as the analyzer serialises it. */
export interface El {
  ID: string;
  Metadata: Record<string, unknown>;
  Host: string;
  Origin: string;
  CreatedAt: number;
  UpdatedAt: number;
  DeletedAt: number | null;
  Revision: number;
  Parent?: string;
  Child?: string;
}

/** A finished request: its status and parsed JSON body (undefined when empty or not JSON). */
export interface Reply<T = unknown> {
  status: number;
  body: T;
}

/** The error shape of every HTTP error. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
}

/** Sends `body` as JSON and parses the answer. */
export async function request<T = unknown>(baseUrl: string, method: string, path: string, body?: unknown): Promise<Reply<T>> {
  const r = await fetch(`${baseUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await r.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: r.status, body: parsed as T };
}

/** POST /api/node or /api/edge; asserts 201 and returns the created element (with its Revision and UpdatedAt). */
export async function create(baseUrl: string, kind: 'node' | 'edge', element: Record<string, unknown>): Promise<El> {
  const r = await request<El>(baseUrl, 'POST', `/api/${kind}`, element);
  assert.equal(r.status, 201, `POST /api/${kind}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** PATCH a node's metadata key with a JSON Patch `add`; asserts 200 and returns the new revision. */
export async function setNodeKey(baseUrl: string, id: string, key: string, value: unknown): Promise<El> {
  const r = await request<El>(baseUrl, 'PATCH', `/api/node/${encodeURIComponent(id)}`, [{ op: 'add', path: `/Metadata/${key}`, value }]);
  assert.equal(r.status, 200, `PATCH /api/node/${id}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** DELETE /api/node or /api/edge; asserts 200. */
export async function remove(baseUrl: string, kind: 'node' | 'edge', id: string): Promise<void> {
  const r = await request(baseUrl, 'DELETE', `/api/${kind}/${encodeURIComponent(id)}`);
  assert.equal(r.status, 200, `DELETE /api/${kind}/${id}: ${JSON.stringify(r.body)}`);
}

/** Runs a Gremlin query on POST /api/topology. */
export function gremlinReply<T = unknown>(baseUrl: string, query: string): Promise<Reply<T>> {
  return request<T>(baseUrl, 'POST', '/api/topology', { GremlinQuery: query });
}

/** Runs a Gremlin query and asserts it answers 200. */
export async function gremlin<T = unknown>(baseUrl: string, query: string): Promise<T> {
  const r = await gremlinReply<T>(baseUrl, query);
  assert.equal(r.status, 200, `${query}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The value of one unlabelled sample on /metrics, or undefined when the metric is not exported. */
export async function metric(baseUrl: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
