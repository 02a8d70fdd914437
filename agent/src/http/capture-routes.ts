// The agent's direct capture API (until the analyzer orders captures): POST /api/capture starts a capture on a node
// named by NodeID or by Interface (+ Namespace), GET lists the captures, DELETE stops one on every node.
import type { GraphView } from '@topoflow/graph';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { nanoid } from 'nanoid';
import { findInterfaceNode } from '../capture/node.js';
import type { CaptureStatus } from '../capture/running.js';
import { CAPTURE_TYPES, type CaptureSpec, HEADER_SIZE_MAX, HEADER_SIZE_MIN, MAX_RAW_PACKET_LIMIT } from '../capture/spec.js';
import { AgentErrors, agentError } from '../errors.js';

/** What the routes drive: the capture manager's operations. */
export interface CaptureControl {
  startCapture(spec: CaptureSpec, nodeId: string): Promise<CaptureStatus>;
  stopCapture(captureId: string, nodeId?: string): Promise<number>;
  list(): CaptureStatus[];
}

/** The body of POST /api/capture: the capture fields, and the node by ID or by interface name. */
export interface CaptureRequest extends Omit<CaptureSpec, 'ID'> {
  ID?: string;
  NodeID?: string;
  Interface?: string;
  /** Name of the netns node holding the interface; absent or '' for the agent's own namespace. */
  Namespace?: string;
}

const text = (maxLength: number) => ({ type: 'string', maxLength });
const uint32 = { type: 'integer', minimum: 0, maximum: 0xffff_ffff };

/** JSON schema of the POST body. */
export const CAPTURE_REQUEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  anyOf: [{ required: ['NodeID'] }, { required: ['Interface'] }],
  properties: {
    ID: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' },
    NodeID: { type: 'string', minLength: 1, maxLength: 256 },
    Interface: { type: 'string', minLength: 1, maxLength: 256 },
    Namespace: text(4096),
    Name: text(256),
    Description: text(4096),
    Type: { type: 'string', enum: ['', ...CAPTURE_TYPES] },
    BPFFilter: text(4096),
    HeaderSize: { type: 'integer', anyOf: [{ const: 0 }, { minimum: HEADER_SIZE_MIN, maximum: HEADER_SIZE_MAX }] },
    RawPacketLimit: { type: 'integer', minimum: 0, maximum: MAX_RAW_PACKET_LIMIT },
    ExtraTCPMetric: { type: 'boolean' },
    IPDefrag: { type: 'boolean' },
    ReassembleTCP: { type: 'boolean' },
    LayerKeyMode: { type: 'string', enum: ['', 'L2', 'L3'] },
    ExtraLayers: { type: 'integer', minimum: 0, maximum: 255 },
    Port: { type: 'integer', minimum: 0, maximum: 65535 },
    SamplingRate: uint32,
    PollingInterval: uint32,
  },
} as const;

const ID_PARAMS = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 128 } } } as const;

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** Registers the capture routes on the agent API. */
export function registerCaptureRoutes(app: FastifyInstance, deps: { graph: GraphView; captures: CaptureControl }): void {
  const { graph, captures } = deps;
  app.post('/api/capture', { schema: { body: CAPTURE_REQUEST_SCHEMA } }, async (request: FastifyRequest<{ Body: CaptureRequest }>, reply) => {
    const { NodeID, Interface, Namespace, ID, ...fields } = request.body;
    const nodeId = NodeID ?? findInterfaceNode(graph, { name: Interface ?? '', namespace: Namespace ?? '', type: fields.Type ?? '' }).ID;
    const spec: CaptureSpec = { ...fields, ID: ID ?? nanoid(), Local: true };
    const existed = captures.list().some((c) => c.ID === spec.ID && c.NodeID === nodeId && c.State !== 'error');
    const state = await captures.startCapture(spec, nodeId);
    return reply.code(existed ? 200 : 201).send(state);
  });
  app.get('/api/capture', async () => captures.list());
  app.get('/api/capture/:id', { schema: { params: ID_PARAMS } }, async (request: IdRequest) => {
    const found = captures.list().filter((c) => c.ID === request.params.id);
    if (found.length === 0) throw notFound(request.params.id);
    return found;
  });
  app.delete('/api/capture/:id', { schema: { params: ID_PARAMS } }, async (request: IdRequest, reply: FastifyReply) => {
    if ((await captures.stopCapture(request.params.id)) === 0) throw notFound(request.params.id);
    return reply.code(204).send();
  });
}

function notFound(id: string): Error {
  return agentError(AgentErrors.CAPTURE_NOT_FOUND, `no capture ${id} on this agent`, { id });
}
