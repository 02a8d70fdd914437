// The /ws/agent/topology endpoint: accepts one connection per agent host ID, applies its batched messages in
// order, refuses a malformed message by an error reply and closing the connection, and deletes the agent's
// subgraph (origin agent.<hostId>) as soon as the connection ends.
import { type Clock, type ComponentReporter, isAppError } from '@topoflow/common';
import type { MemoryGraph } from '@topoflow/graph';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { ENVELOPE_SCHEMA } from '../elements/schemas.js';
import type { Validate } from '../elements/element-input.js';
import type { CloseCause } from '../ws/connection.js';
import { type Envelope, encodeError } from '../ws/envelope.js';
import type { Handshake } from '../ws/handshake.js';
import { RateLimitedLog } from '@topoflow/common';
import { SerialQueue } from '../ws/serial-queue.js';
import type { WsServer } from '../ws/ws-server.js';
import { CAPTURE_START_REPLY, CAPTURE_STOP_REPLY } from '../ondemand/dispatcher.js';
import { decodeFrame } from './frame.js';
import { AgentSession } from './session.js';

/** Settings of the agent endpoint. */
export interface AgentsConfig {
  /** Elements of a Sync handled between two yields to the event loop. */
  syncBatch: number;
  /** Messages read but not yet handled before reading pauses. */
  maxPending: number;
  /** Minimum delay between two logs of rejected messages. */
  errorLogIntervalMs: number;
}

/** Defaults of the agent endpoint. */
export function defaultAgentsConfig(): AgentsConfig {
  return { syncBatch: 2000, maxPending: 1000, errorLogIntervalMs: 10_000 };
}

/** What the agent endpoint needs. */
export interface AgentsDeps {
  graph: MemoryGraph;
  clock: Clock;
  ws: WsServer;
  reporter: ComponentReporter;
}

/** Path of the agent endpoint. */
export const AGENT_PATH = '/ws/agent/topology';

/** Close code of a connection that sent a malformed message (1008: policy violation). */
export const CLOSE_MALFORMED = 1008;

const ENDPOINT = 'agent';

/** OnDemand message types counted under their own label; the agent chooses Type, so any other is `other`. */
const ONDEMAND_TYPES: ReadonlySet<string> = new Set([CAPTURE_START_REPLY, CAPTURE_STOP_REPLY]);

/** The metric label of an OnDemand message type: bounded whatever the agent sends. */
function onDemandTypeLabel(type: string): string {
  return ONDEMAND_TYPES.has(type) ? type : 'other';
}

/** The agent endpoint and its sessions. */
export class Agents {
  readonly #config: AgentsConfig;
  readonly #deps: AgentsDeps;
  readonly #sessions = new Set<AgentSession>();
  readonly #accepted = new WeakMap<FastifyRequest, Handshake>();
  /** Per host ID, the deletion of a previous connection's subgraph that a new connection must wait for. */
  readonly #cleanups = new Map<string, Promise<void>>();
  /** The open session of each connected agent host. */
  readonly #byHost = new Map<string, AgentSession>();
  readonly #syncedListeners = new Set<(hostId: string) => void>();
  readonly #onDemandListeners = new Set<(hostId: string, env: Envelope) => void>();
  #serial = 0;
  readonly #log: RateLimitedLog;
  readonly #m;

  constructor(config: AgentsConfig, deps: AgentsDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#log = new RateLimitedLog(deps.reporter.logger, config.errorLogIntervalMs);
    const r = deps.reporter;
    this.#m = {
      syncs: r.counter('syncs_total', 'Sync messages applied'),
      syncElements: r.counter('sync_elements_total', 'Elements of applied Syncs, by outcome', ['result']),
      syncSeconds: r.histogram('sync_duration_seconds', 'Time to apply a Sync', [0.001, 0.01, 0.1, 1, 10]),
      events: r.counter('events_total', 'Forwarded events, by result (ignored: stale, duplicate or dangling)', ['result']),
      malformed: r.counter('malformed_messages_total', 'Messages refused as malformed (the connection is closed), by code', ['code']),
      originsDeleted: r.counter('origins_deleted_total', 'Agent subgraphs deleted on disconnect'),
      onDemand: r.counter('ondemand_messages_total', 'Messages of the OnDemand namespace received from agents, by type and status class', ['type', 'status']),
    };
  }

  /** Connected agents. */
  get size(): number {
    return this.#sessions.size;
  }

  /** The session of a connected agent, by host ID. */
  session(hostId: string): AgentSession | undefined {
    const s = this.#byHost.get(hostId);
    return s === undefined || s.closed ? undefined : s;
  }

  /** Calls `listener` with the host ID each time an agent's Sync has been applied; returns the unsubscriber. */
  onSynced(listener: (hostId: string) => void): () => void {
    this.#syncedListeners.add(listener);
    return () => this.#syncedListeners.delete(listener);
  }

  /** Calls `listener` with the host ID and the message for each OnDemand message (order replies); returns the unsubscriber. */
  onOnDemand(listener: (hostId: string, env: Envelope) => void): () => void {
    this.#onDemandListeners.add(listener);
    return () => this.#onDemandListeners.delete(listener);
  }

  /** Nothing to acquire: sessions come with connections. */
  async start(): Promise<void> {}

  /** Marks every session closed (the WebSocket server closes their sockets) and waits for their cleanup. */
  async stop(): Promise<void> {
    for (const s of this.#sessions) s.close();
    await Promise.all([...this.#cleanups.values()]);
  }

  /** Resolves once no subgraph deletion is pending (tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.#cleanups.values()]);
  }

  /** Registers GET /ws/agent/topology. */
  register(app: FastifyInstance): void {
    const ws = this.#deps.ws;
    app.get(AGENT_PATH, {
      websocket: true,
      preValidation: async (request) => {
        if (!request.ws) return;
        this.#accepted.set(request, (await ws.admit(ENDPOINT, request)).handshake);
      },
    }, (socket, request) => this.#open(socket, request, request.compileValidationSchema(ENVELOPE_SCHEMA)));
  }

  #synced(hostId: string): void {
    this.#notify(this.#syncedListeners, hostId, undefined);
  }

  #notify<T>(listeners: Iterable<(hostId: string, arg: T) => void>, hostId: string, arg: T): void {
    for (const listener of listeners) {
      try {
        listener(hostId, arg);
      } catch (err) {
        this.#deps.reporter.logger.error({ err, hostId }, 'agent listener failed');
      }
    }
  }

  #open(socket: WebSocket, request: FastifyRequest, validateEnvelope: Validate): void {
    const handshake = this.#accepted.get(request);
    if (handshake === undefined) {
      socket.close(1011, 'handshake state lost');
      return;
    }
    const { ws, graph, clock, reporter } = this.#deps;
    const m = this.#m;
    let onClosed = (_cause: CloseCause): void => undefined;
    const conn = ws.accept(ENDPOINT, socket, handshake, (_c, cause) => onClosed(cause));
    const session = new AgentSession(conn, {
      graph, clock, syncBatch: this.#config.syncBatch, serial: ++this.#serial,
      onSync: (outcome, seconds) => {
        m.syncs.inc();
        m.syncSeconds.observe(seconds);
        for (const [result, n] of Object.entries(outcome)) if (n > 0) m.syncElements.inc({ result }, n);
        reporter.logger.info({ hostId: session.hostId, ...outcome }, 'agent graph synced');
        this.#synced(session.hostId);
      },
      onEvent: (result) => m.events.inc({ result }),
      onOnDemand: (env) => {
        m.onDemand.inc({ type: onDemandTypeLabel(env.Type), status: `${Math.floor(env.Status / 100)}xx` });
        if (env.Status >= 400) this.#log.warn({ hostId: session.hostId, type: env.Type, status: env.Status, obj: env.Obj }, 'agent reported a failed capture order');
        this.#notify(this.#onDemandListeners, session.hostId, env);
      },
    });
    this.#sessions.add(session);
    this.#byHost.set(session.hostId, session);
    const refuse = (err: unknown, env?: { Namespace?: string; Type?: string; UUID?: string | undefined }): void => {
      if (session.closed) return;
      session.close();
      const code = isAppError(err) ? err.code : 'unknown';
      ws.countRejected(ENDPOINT, code);
      m.malformed.inc({ code });
      this.#log.warn({ endpoint: ENDPOINT, hostId: session.hostId, code, err: isAppError(err) ? undefined : err }, 'agent message rejected, closing');
      conn.send(encodeError(err, env));
      // The reply is written at the end of this turn; the close frame follows it.
      setImmediate(() => conn.close(CLOSE_MALFORMED, `malformed message: ${code}`, 'error'));
    };
    const queue = new SerialQueue(socket, this.#config.maxPending, (err) => refuse(err));
    // A reconnecting agent's Sync waits until its previous connection's subgraph is gone.
    const previous = this.#cleanups.get(session.hostId);
    if (previous !== undefined) queue.push(() => previous);
    socket.on('message', (data: RawData) => {
      ws.countReceived(ENDPOINT);
      queue.push(async () => {
        if (session.closed) return;
        let envs;
        try {
          envs = decodeFrame(text(data), validateEnvelope);
        } catch (err) {
          refuse(err);
          return;
        }
        for (const env of envs) {
          if (session.closed) return;
          try {
            await session.onMessage(env);
          } catch (err) {
            refuse(err, env);
            return;
          }
        }
      });
    });
    onClosed = (cause) => {
      this.#sessions.delete(session);
      if (this.#byHost.get(session.hostId) === session) this.#byHost.delete(session.hostId);
      session.close();
      const cleanup = queue.idle().then(() => {
        // When the analyzer itself stops, the agent's elements stay as they were (in history too), as after a
        // crash: the agent resyncs them when the analyzer is back, and edges other origins attached to them live on.
        if (cause === 'shutdown') return;
        const { nodes, edges } = graph.deleteOrigin(session.origin);
        m.originsDeleted.inc();
        reporter.logger.info({ hostId: session.hostId, cause, nodes, edges }, 'agent disconnected, subgraph deleted');
      }).catch((err: unknown) => reporter.logger.error({ err, hostId: session.hostId }, 'agent subgraph deletion failed'))
        .finally(() => {
          if (this.#cleanups.get(session.hostId) === cleanup) this.#cleanups.delete(session.hostId);
        });
      this.#cleanups.set(session.hostId, cleanup);
    };
  }
}

function text(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
