// Reads a connection's messages in order: decodes the envelope, runs the endpoint's handler, and answers any
// failure with an error reply that is counted and logged (rate-limited); the connection and the graph go on.
import { isAppError } from '@topoflow/common';
import type { RawData } from 'ws';
import type { Validate } from '../elements/element-input.js';
import type { Endpoint, WsConnection } from './connection.js';
import { type Envelope, decodeEnvelope, encodeError } from './envelope.js';
import type { RateLimitedLog } from '@topoflow/common';
import { SerialQueue } from './serial-queue.js';
import type { WsServer } from './ws-server.js';

/** How a connection's messages are handled. */
export interface DispatchOptions {
  endpoint: Endpoint;
  conn: WsConnection;
  ws: WsServer;
  validateEnvelope: Validate;
  maxPending: number;
  log: RateLimitedLog;
  handle(env: Envelope): Promise<void> | void;
}

function text(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Starts reading messages; returns the queue so the owner can wait for it to drain. */
export function dispatchMessages(o: DispatchOptions): SerialQueue {
  const refuse = (err: unknown, env?: Envelope): void => {
    const code = isAppError(err) ? err.code : 'unknown';
    o.ws.countRejected(o.endpoint, code);
    o.log.warn({ endpoint: o.endpoint, hostId: o.conn.handshake.hostId, code, err: isAppError(err) ? undefined : err }, 'websocket message rejected');
    o.conn.send(encodeError(err, env));
  };
  const queue = new SerialQueue(o.conn.socket, o.maxPending, (err) => refuse(err));
  o.conn.socket.on('message', (data: RawData) => {
    o.ws.countReceived(o.endpoint);
    queue.push(async () => {
      let env: Envelope;
      try {
        env = decodeEnvelope(text(data), o.validateEnvelope);
      } catch (err) {
        refuse(err);
        return;
      }
      try {
        await o.handle(env);
      } catch (err) {
        refuse(err, env);
      }
    });
  });
  return queue;
}
