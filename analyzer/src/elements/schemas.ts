// JSON schemas of every body the analyzer accepts (REST and WebSocket), one source for both: fastify
// validates REST bodies with them and WebSocket sessions compile them through the same validator compiler.

const NON_EMPTY = { type: 'string', minLength: 1 } as const;
const TIME = { type: ['number', 'null'], minimum: 0 } as const;

const ELEMENT_FIELDS = {
  ID: NON_EMPTY,
  Host: { type: 'string' },
  Origin: { type: 'string' },
  CreatedAt: TIME,
  UpdatedAt: TIME,
  DeletedAt: TIME,
  Revision: { type: ['integer', 'null'], minimum: 0 },
} as const;

/** A node as POST /api/node and publishers send it (Skydive's node schema). */
export const NODE_SCHEMA = {
  type: 'object',
  required: ['ID', 'Metadata'],
  properties: {
    ...ELEMENT_FIELDS,
    Metadata: {
      type: 'object',
      required: ['Type', 'Name'],
      properties: { Type: NON_EMPTY, Name: NON_EMPTY },
      allOf: [
        {
          if: { properties: { Type: { const: 'netns' } }, required: ['Type'] },
          then: { required: ['Path'], properties: { Path: NON_EMPTY } },
        },
        {
          if: { properties: { Type: { const: 'ovsport' } }, required: ['Type'] },
          then: { required: ['UUID'], properties: { UUID: NON_EMPTY } },
        },
      ],
    },
  },
} as const;

/** An edge as POST /api/edge and publishers send it. */
export const EDGE_SCHEMA = {
  type: 'object',
  required: ['ID', 'Parent', 'Child', 'Metadata'],
  properties: {
    ...ELEMENT_FIELDS,
    Parent: NON_EMPTY,
    Child: NON_EMPTY,
    Metadata: { type: 'object', required: ['RelationType'], properties: { RelationType: NON_EMPTY } },
  },
} as const;

/** What a deletion message needs: the ID (the rest of the element is optional). */
export const DELETED_SCHEMA = {
  type: 'object',
  required: ['ID'],
  properties: { ID: NON_EMPTY, DeletedAt: TIME },
} as const;

/** `NodePartiallyUpdated` / `EdgePartiallyUpdated` objects. */
export const PARTIAL_UPDATE_SCHEMA = {
  type: 'object',
  required: ['ID', 'Ops'],
  properties: {
    ID: NON_EMPTY,
    UpdatedAt: TIME,
    Revision: { type: ['integer', 'null'], minimum: 0 },
    Ops: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        required: ['Type', 'Key'],
        properties: { Type: { enum: [1, 2] }, Key: NON_EMPTY },
        if: { properties: { Type: { const: 1 } } },
        then: { required: ['Value'] },
      },
    },
  },
} as const;

/** A `Sync` object: elements are checked one by one when applied. */
export const SYNC_SCHEMA = {
  type: 'object',
  properties: { Nodes: { type: ['array', 'null'] }, Edges: { type: ['array', 'null'] } },
} as const;

/** A `SyncRequest` object (absent or null fields mean "not given"). */
export const SYNC_REQUEST_SCHEMA = {
  type: ['object', 'null'],
  properties: { GremlinFilter: { type: ['string', 'null'] }, Time: { type: ['number', 'string', 'null'] } },
} as const;

/** The envelope of every WebSocket message. */
export const ENVELOPE_SCHEMA = {
  type: 'object',
  required: ['Namespace', 'Type'],
  properties: {
    Namespace: { type: 'string' },
    Type: { type: 'string' },
    UUID: { type: ['string', 'null'] },
    Status: { type: ['integer', 'null'] },
  },
} as const;

/** POST /api/topology. */
export const TOPOLOGY_QUERY_SCHEMA = {
  type: ['object', 'null'],
  properties: { GremlinQuery: { type: ['string', 'null'] } },
} as const;

/** An RFC 6902 JSON Patch document. */
export const JSON_PATCH_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['op', 'path'],
    properties: {
      op: { enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] },
      path: { type: 'string' },
      from: { type: 'string' },
    },
  },
} as const;
